# The backfill bench's peer: DuckDB's own postgres extension, run from Python. Sourced by stack.sh.
#
# The extension ships on PyPI as a wheel holding only the .duckdb_extension file, built for one
# DuckDB release; the newest one (1.4.4) predates the DuckDB that the product embeds (node 1.5.6),
# so the peer runs in a venv of its own with the Python duckdb of exactly the extension's release.
# Only the bench uses it: the product never loads this extension.

BENCH_PEER_DIR="$STATE/bench-peer"
BENCH_PEER_VENV="$BENCH_PEER_DIR/venv"

provision_bench_peer() {
  local key="duckdb==$BENCH_PEER_DUCKDB_VERSION duckdb-ext-postgres==$BENCH_PEER_DUCKDB_EXT_POSTGRES_VERSION"
  if marker_ok bench-peer "$key" && [[ -x "$BENCH_PEER_VENV/bin/python" ]]; then return 0; fi
  [[ "$BENCH_PEER_DUCKDB_EXT_POSTGRES_VERSION" == "$BENCH_PEER_DUCKDB_VERSION".* ]] \
    || die "BENCH_PEER_DUCKDB_EXT_POSTGRES_VERSION ($BENCH_PEER_DUCKDB_EXT_POSTGRES_VERSION) is not built for duckdb $BENCH_PEER_DUCKDB_VERSION (stack/versions.env)"
  rm -rf "$BENCH_PEER_VENV"
  mkdir -p "$BENCH_PEER_DIR"
  run_logged "python3 -m venv $BENCH_PEER_VENV" "$(PROVISION_LOG)" python3 -m venv "$BENCH_PEER_VENV"
  run_logged "pip install $key" "$(PROVISION_LOG)" "$BENCH_PEER_VENV/bin/pip" install -q --disable-pip-version-check \
    --only-binary=:all: "duckdb==$BENCH_PEER_DUCKDB_VERSION" "duckdb-ext-postgres==$BENCH_PEER_DUCKDB_EXT_POSTGRES_VERSION"
  bench_peer_extension >/dev/null || die "duckdb-ext-postgres installed no postgres_scanner extension for duckdb v$BENCH_PEER_DUCKDB_VERSION"
  marker_set bench-peer "$key"
}

# The extension file inside the venv (the wheel's layout: duckdb_ext/extensions/v<version>/<platform>/).
bench_peer_extension() {
  local found
  found="$(find "$BENCH_PEER_VENV/lib" -path "*/duckdb_ext/extensions/v$BENCH_PEER_DUCKDB_VERSION/*/postgres_scanner.duckdb_extension" -print -quit 2>/dev/null)"
  [[ -n "$found" ]] && echo "$found"
}
