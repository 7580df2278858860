import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

/**
 * Versioned migrations of the serving store's bookkeeping (node-pg-migrate, plain SQL in
 * ./migrations, recorded in `public.serving_migrations`), as the catalog does
 * (connectors/catalog/migrate.ts; a connector does not import another, and database creation is I/O,
 * which core/ may not hold — hence the few lines repeated here).
 */

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function migrateServingStore(input: { url: string; createDatabase?: boolean }): Promise<{ applied: string[] }> {
  if (input.createDatabase !== false) await ensureDatabase(input.url);
  const applied = await runner({
    databaseUrl: input.url, dir: migrationsDir, migrationsTable: 'serving_migrations', migrationsSchema: 'public',
    direction: 'up', checkOrder: true, singleTransaction: true, advisoryLockMode: 'wait', logger: quiet,
  });
  return { applied: applied.map((m) => m.name) };
}

/** Creates the URL's database when missing (through the server's `postgres` database). */
async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('FACTORY_SERVING_URL names no database: expected postgres://user:password@host:port/<database>');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
      // Another process created it between our check and our CREATE.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
  } finally {
    await client.end();
  }
}
