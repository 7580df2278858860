import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checksumQuery, type ChecksumColumn } from '../../core/checksum.js';

const run = promisify(execFile);

/**
 * The backfill bench's peer: what a user would pick instead of the factory for PostgreSQL → DuckDB,
 * DuckDB's own postgres extension (`ATTACH` the source, `CREATE TABLE … AS SELECT * FROM` it, which
 * reads with parallel binary COPY). It runs in Python from a venv that `stack.sh bench-peer`
 * installs from PyPI (pinned in stack/versions.env); the extension wheel exists for DuckDB 1.4.4,
 * not for the 1.5.6 the product embeds, so the peer is a process of its own.
 */

export interface PeerRunInput {
  /** The PostgreSQL source (a libpq URI). */
  url: string;
  schema: string;
  table: string;
  /** DuckDB file the peer creates. */
  databaseFile: string;
  /** Our checksum of the copied table, computed afterwards by the peer's DuckDB (untimed). */
  checksumColumns: ChecksumColumn[];
  /** DuckDB's `storage_compatibility_version` for the new file; DuckDB's default (v1.0 format) when absent. */
  storageVersion?: string;
}

export interface PeerRunResult {
  seconds: number;
  /** CPU of the peer's process (all its threads) while it copied. */
  cpuSeconds: number;
  rows: number;
  checksum: string;
  duckdbVersion: string;
}

const script = `
import json, resource, sys, time, duckdb
ext, url, schema, table, path, checksum_sql, storage = sys.argv[1:8]
con = duckdb.connect(path, config={"storage_compatibility_version": storage} if storage else {})
con.execute(f"LOAD '{ext}'")
cpu = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
started, cpu_started = time.perf_counter(), cpu()
con.execute(f"ATTACH '{url}' AS src (TYPE postgres, READ_ONLY)")
con.execute(f'CREATE TABLE peer AS SELECT * FROM src."{schema}"."{table}"')
seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
con.execute("DETACH src")
rows, checksum = con.execute(checksum_sql).fetchone()
print(json.dumps({"seconds": seconds, "rows": rows, "checksum": str(checksum), "cpuSeconds": cpu_seconds, "duckdbVersion": duckdb.__version__}))
`;

/** Installs the peer if needed (skipped when done) and returns its Python and extension file. */
async function peerInstall(): Promise<{ python: string; extension: string }> {
  const { stdout } = await run('bash', ['stack/stack.sh', 'bench-peer'], { maxBuffer: 1 << 20 });
  const [python, extension] = stdout.trim().split('\n').at(-1)!.split(' ');
  if (!python || !extension) throw new Error(`stack.sh bench-peer printed no python and extension path (got '${stdout.trim()}')`);
  return { python, extension };
}

export async function peerRun(input: PeerRunInput): Promise<PeerRunResult> {
  const { python, extension } = await peerInstall();
  const checksumSql = checksumQuery('duckdb', input.checksumColumns, 'peer');
  const { stdout } = await run(python, ['-c', script, extension, input.url, input.schema, input.table, input.databaseFile, checksumSql, input.storageVersion ?? ''], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as PeerRunResult;
}
