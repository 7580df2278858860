import pg from 'pg';
import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import type { TableContract } from '../../domains/contract.js';

/** A scratch database on the stack's PostgreSQL, so a test never touches another's data. */
export async function createScratchDatabase(baseUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Row count and content checksum of a source table, computed by PostgreSQL itself. */
export async function sourceStats(client: pg.ClientBase, table: TableContract): Promise<{ rows: number; checksum: string }> {
  const { rows } = await client.query<{ row_count: string; checksum: string | null }>(
    `SELECT ${checksumSelectList('postgres', checksumColumnsOf(table))} FROM "${table.source.schema}"."${table.source.table}"`,
  );
  return { rows: Number(rows[0]!.row_count), checksum: String(rows[0]!.checksum ?? '0') };
}
