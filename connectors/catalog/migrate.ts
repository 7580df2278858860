import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

/**
 * Versioned schema migrations of the catalog (node-pg-migrate, plain SQL files in ./migrations, each
 * with an `-- Up Migration` and a `-- Down Migration` part). Applied migrations are recorded in
 * `public.catalog_migrations`; running again applies only the new ones. Concurrent starters (a worker
 * and the CLI) wait on the tool's advisory lock instead of failing.
 */

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
export const migrationsTable = 'catalog_migrations';

export interface MigrateCatalogInput {
  url: string;
  /** Create the database when it does not exist (a fresh stack or a test database). Default true. */
  createDatabase?: boolean;
}

export interface MigrateCatalogResult {
  /** Migrations applied by this call, oldest first; empty when the schema was current. */
  applied: string[];
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function migrateCatalog(input: MigrateCatalogInput): Promise<MigrateCatalogResult> {
  if (input.createDatabase !== false) await ensureDatabase(input.url);
  const applied = await runner({
    databaseUrl: input.url,
    dir: migrationsDir,
    migrationsTable,
    migrationsSchema: 'public',
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: quiet,
  });
  return { applied: applied.map((m) => m.name) };
}

/** Creates the URL's database if it is missing, connecting to the server's `postgres` database to do so. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`catalog URL names no database: expected postgres://user:password@host:port/<database>`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (error) {
      // Another process created it between our check and our CREATE.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  } finally {
    await client.end();
  }
}
