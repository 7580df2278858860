import { createRequire } from 'node:module';
import { MissingDriverError } from '../../core/errors.js';
import { db2ConnectionString } from './sql.js';

/**
 * The slice of `ibm_db` this project uses, typed here because the package is an optional
 * dependency: its install script fetches IBM's CLI driver, so many machines do not have it, and
 * everything else must build and run without it.
 */
interface IbmDbResult {
  fetchN(count: number, options: { fetchMode: 3 }): Promise<unknown[][]>;
  close(): Promise<unknown>;
}
interface IbmDbStatement {
  execute(params: unknown[]): Promise<IbmDbResult>;
}
interface IbmDbDatabase {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  prepare(sql: string): Promise<IbmDbStatement>;
  close(): Promise<unknown>;
}
interface IbmDbModule {
  open(connectionString: string, options?: Record<string, unknown>): Promise<IbmDbDatabase>;
}

/** Permanent (a MissingDriverError): no retry installs the driver, the message says how to. */
function db2DriverMissing(cause: unknown): MissingDriverError {
  return new MissingDriverError(
    "The DB2 connector needs the optional package 'ibm_db' (4.0.1), which is not installed or not built here. "
    + "Its install script downloads IBM's CLI driver unless told where one is: set IBM_DB_HOME to an existing "
    + 'clidriver directory (with include/ and lib/), or IBM_DB_INSTALLER_URL to a reachable clidriver archive; '
    + "allow the package's install script (`npm install-scripts approve ibm_db`, or list it in npm's allowScripts), "
    + 'then run `npm rebuild ibm_db`.',
    { cause },
  );
}

let loaded: IbmDbModule | undefined;

/** Loads ibm_db on first use, so nothing else pays for (or fails on) the native driver. */
export function loadIbmDb(): IbmDbModule {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = require('ibm_db') as IbmDbModule;
    return loaded;
  } catch (error) {
    throw db2DriverMissing(error);
  }
}

export interface Db2Session {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a prepared query and hands its rows (arrays, in select order) to onBatch, batchRows at a time. */
  stream(sql: string, params: unknown[], batchRows: number, onBatch: (rows: unknown[][]) => Promise<void> | void): Promise<number>;
  close(): Promise<void>;
}

/** Opens one connection; `url` is a db2:// URL or a CLI connection string (see db2ConnectionString). */
export async function openDb2(url: string): Promise<Db2Session> {
  const ibmdb = loadIbmDb();
  const db = await ibmdb.open(db2ConnectionString(url));
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query(sql, params ?? [])) as T[],
    async stream(sql, params, batchRows, onBatch) {
      const statement = await db.prepare(sql);
      const result = await statement.execute(params);
      let total = 0;
      try {
        for (;;) {
          const rows = await result.fetchN(batchRows, { fetchMode: 3 });
          if (!rows || rows.length === 0) break;
          total += rows.length;
          await onBatch(rows);
          if (rows.length < batchRows) break;
        }
      } finally {
        // Closing the result also frees the statement handle (ibm_db's default SQL_DROP).
        await result.close();
      }
      return total;
    },
    async close() {
      await db.close();
    },
  };
}
