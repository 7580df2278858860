import pg from 'pg';
import { say } from './measure.js';

/**
 * The benchmarks' own database on the source server (PostgreSQL standing in for DB2): generated
 * tables of millions of rows never mix with the tests' or the demo's. Returns its URL.
 */
export async function benchDatabase(adminUrl: string, name = 'factory_bench'): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface EnsureGeneratedInput {
  url: string;
  /** The table whose comment marks a finished generation, quoted, e.g. '"BENCH"."BOOKING"'. */
  table: string;
  /** What the generation made (e.g. 'rows=1000000'); a different marker generates again. */
  marker: string;
  /** Statements that drop and build the tables; the marker is set after they all ran. */
  sql: string;
  /**
   * Statements run one by one after `sql`, outside its transaction (VACUUM refuses to run inside
   * one). A VACUUM here sets hint bits and the visibility map now, so neither the first timed read
   * of fresh rows pays for it nor autovacuum competes with the measurement.
   */
  finish?: string[];
  what: string;
}

/**
 * Generates source tables once per size: generating 10M rows takes minutes, so a run that finds
 * its marker on the table reuses what an earlier run made.
 */
export async function ensureGenerated({ url, table, marker, sql, finish = [], what }: EnsureGeneratedInput): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ d: string | null }>('SELECT obj_description(to_regclass($1), \'pg_class\') AS d', [table]);
    if (found.rows[0]?.d === marker) return;
    say(`generating ${what} in ${new URL(url).pathname.slice(1)}…`);
    await client.query(sql);
    for (const statement of finish) await client.query(statement);
    await client.query(`COMMENT ON TABLE ${table} IS '${marker.replace(/'/g, "''")}'`);
  } finally {
    await client.end();
  }
}
