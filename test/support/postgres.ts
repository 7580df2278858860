import pg from 'pg';
import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import type { TableContract } from '../../contracts/contract.js';

/**
 * Drops a test database with whatever is still connected to it. FORCE may meet a short-lived session
 * our role cannot terminate (a maintenance backend of the server's own): that refusal (42501) is
 * retried for a while instead of failing the test that merely cleans up.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await client.end();
  }
}

/** A scratch database on the stack's PostgreSQL, so a test never touches another's data. */
export async function createScratchDatabase(baseUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  await dropDatabase(baseUrl, name);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  // The serving store of workers reading this source (isolatedEnv in temporal.ts) goes with it.
  return { url: url.toString(), drop: async () => { await dropDatabase(baseUrl, name); await dropDatabase(baseUrl, `${name}_serving`); } };
}

/** The stack's PostgreSQL source database, as the workers read it. */
export const sourceUrl = process.env.FACTORY_SOURCE_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_source';

/** Row count and content checksum of a source table, computed by PostgreSQL itself. */
export async function sourceStats(client: pg.ClientBase, table: TableContract): Promise<{ rows: number; checksum: string }> {
  const { rows } = await client.query<{ row_count: string; checksum: string | null }>(
    `SELECT ${checksumSelectList('postgres', checksumColumnsOf(table))} FROM "${table.source.schema}"."${table.source.table}"`,
  );
  return { rows: Number(rows[0]!.row_count), checksum: String(rows[0]!.checksum ?? '0') };
}
