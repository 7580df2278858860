# IBM's CLI driver and the npm package ibm_db built against it. Sourced by stack.sh.
#
# ibm_db's install script would download the CLI driver from IBM, which many machines cannot reach;
# the same driver ships in the ibm_db PyPI wheel (clidriver/), so we fetch that pinned wheel with pip,
# unpack it under .stack/db2 and build ibm_db with IBM_DB_HOME pointing there. Nothing is exported
# to the user's shell: the binding finds libdb2.so through a RUNPATH relative to itself.

DB2_DIR="$STATE/db2"
DB2_CLIDRIVER="$DB2_DIR/clidriver"
IBM_DB_BINDING="$REPO_ROOT/node_modules/ibm_db/build/Release/odbc_bindings.node"
# From node_modules/ibm_db/build/Release up to the repository: survives moving the checkout.
IBM_DB_RPATH='$ORIGIN/../../../../.stack/db2/clidriver/lib'

# Fetches the pinned wheel (its checksum checked) and unpacks clidriver/ and ibm_db.libs/ side by side,
# as in the wheel: auditwheel gave libdb2.so a private libxml2 and the RPATH $ORIGIN/../../ibm_db.libs.
provision_db2_clidriver() {
  local key="$IBM_DB_WHEEL_FILE $IBM_DB_WHEEL_SHA"
  if marker_ok db2-clidriver "$key" && [[ -f "$DB2_CLIDRIVER/include/sqlcli1.h" && -f "$DB2_CLIDRIVER/lib/libdb2.so" ]]; then
    return 0
  fi
  [[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] \
    || die "the pinned IBM CLI driver ($IBM_DB_WHEEL_FILE) is for Linux x86_64, not $(uname -s)/$(uname -m)"
  [[ -x "$VENV/bin/pip" ]] || run_logged "python3 -m venv $VENV" "$(PROVISION_LOG)" python3 -m venv "$VENV"
  local download="$DB2_DIR/download" wheel
  rm -rf "$download" "$DB2_CLIDRIVER" "$DB2_DIR/ibm_db.libs"
  mkdir -p "$download"
  # The target is spelled out so every machine gets the same file, whatever its own Python version.
  run_logged "pip download $IBM_DB_WHEEL_FILE" "$(PROVISION_LOG)" \
    "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --implementation cp --python-version 3.11 --abi cp311 --platform manylinux_2_34_x86_64 \
    -d "$download" "ibm_db==$IBM_DB_WHEEL_VERSION"
  wheel="$download/$IBM_DB_WHEEL_FILE"
  [[ -f "$wheel" ]] || die "pip did not fetch $IBM_DB_WHEEL_FILE (got: $(ls "$download"))"
  [[ "$(sha256sum "$wheel" | cut -d' ' -f1)" == "$IBM_DB_WHEEL_SHA" ]] \
    || die "$IBM_DB_WHEEL_FILE does not match IBM_DB_WHEEL_SHA in stack/versions.env"
  # zipfile drops the mode bits, which clidriver/bin's tools need: restore them from the archive.
  "$VENV/bin/python" - "$wheel" "$DB2_DIR" <<'PY' || die "unpacking $IBM_DB_WHEEL_FILE failed"
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if info.filename.startswith(('clidriver/', 'ibm_db.libs/')):
            path = z.extract(info, out)
            mode = info.external_attr >> 16 & 0o777
            if mode and not info.is_dir():
                os.chmod(path, mode)
PY
  rm -rf "$download"
  [[ -f "$DB2_CLIDRIVER/include/sqlcli1.h" && -f "$DB2_CLIDRIVER/lib/libdb2.so" ]] \
    || die "$IBM_DB_WHEEL_FILE has no clidriver/include/sqlcli1.h or clidriver/lib/libdb2.so"
  marker_set db2-clidriver "$key"
}

# node-gyp must not download Node's headers: find the running Node's own (same version) or stop.
node_headers_dir() {
  local version dir
  version="$(node -p process.versions.node)"
  for dir in "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")" /usr/local /usr; do
    if grep -qs "define NODE_MINOR_VERSION $(cut -d. -f2 <<<"$version")\$" "$dir/include/node/node_version.h" \
      && grep -qs "define NODE_PATCH_VERSION $(cut -d. -f3 <<<"$version")\$" "$dir/include/node/node_version.h" \
      && [[ -f "$dir/include/node/node_api.h" ]]; then
      echo "$dir"
      return 0
    fi
  done
  die "the headers of Node $version (include/node/node_api.h) were not found next to $(command -v node), in /usr/local or /usr; node-gyp would download them"
}

# Builds ibm_db against .stack/db2/clidriver through its own install script (allowed in package.json's
# allowScripts; `make` runs `npm ci --ignore-scripts`, so this is the only place it runs).
# The script passes --IS_DOWNLOADED=false when IBM_DB_HOME is set, which leaves the binding without a
# RUNPATH; LDFLAGS adds one. Skipped when the binding for these inputs exists (npm ci removes it).
provision_db2_driver() {
  provision_db2_clidriver
  [[ -f "$REPO_ROOT/node_modules/ibm_db/package.json" ]] \
    || die "node_modules/ibm_db is missing: run \`npm ci --ignore-scripts\` (or \`make setup\`) first"
  local version nodedir key
  version="$(node -p "require('$REPO_ROOT/node_modules/ibm_db/package.json').version")"
  key="ibm_db=$version $IBM_DB_WHEEL_FILE node=$(node -v) rpath=$IBM_DB_RPATH"
  if marker_ok db2-ibm_db "$key" && [[ -f "$IBM_DB_BINDING" ]]; then return 0; fi
  command -v make >/dev/null || apt_install make
  command -v g++ >/dev/null || apt_install g++
  nodedir="$(node_headers_dir)"
  rm -f "$MARKERS/db2-ibm_db"
  log "building ibm_db $version against $DB2_CLIDRIVER (Node headers from $nodedir/include/node)"
  # $$ survives make's expansion of LDFLAGS; the single quotes, the shell of the link step.
  (cd "$REPO_ROOT" && run_logged "npm rebuild ibm_db" "$(PROVISION_LOG)" \
    env IBM_DB_HOME="$DB2_CLIDRIVER" npm_config_nodedir="$nodedir" JOBS="$(nproc)" \
    LDFLAGS="-Wl,-rpath,'${IBM_DB_RPATH//\$/\$\$}'" \
    npm rebuild ibm_db --foreground-scripts --no-audit --no-fund)
  # The install script falls back to a prebuilt binary (or a download) when the build fails, and still
  # exits 0: only our RUNPATH proves the binding is the one built here.
  [[ -f "$IBM_DB_BINDING" ]] || die "ibm_db's build produced no $IBM_DB_BINDING; see $(PROVISION_LOG)"
  readelf -d "$IBM_DB_BINDING" | grep -qF "[$IBM_DB_RPATH]" \
    || die "ibm_db's binding was not built against $DB2_CLIDRIVER (no RUNPATH $IBM_DB_RPATH); see $(PROVISION_LOG)"
  (cd "$REPO_ROOT" && env -u IBM_DB_HOME -u LD_LIBRARY_PATH node -e "require('ibm_db')") \
    || die "ibm_db was built but does not load; see $(PROVISION_LOG)"
  marker_set db2-ibm_db "$key"
}
