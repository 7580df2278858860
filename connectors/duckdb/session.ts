import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DuckDbSession } from './quarantine.js';

/** A writer connection as the SQL modules use it: statements, rows, a transaction, catalog look-ups. */
export function createSession(db: DuckDBConnection): DuckDbSession {
  const rows = async (sql: string, params: DuckDBValue[] = []): Promise<unknown[][]> => (await db.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
  return {
    run: async (sql, params = []) => void (await db.run(sql, params)),
    rows,
    transaction: (work) => inTransaction(db, work),
    tableExists: async (schema, name) =>
      (await rows('SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [schema, name])).length > 0,
    columnExists: async (schema, table, column) =>
      (await rows(
        'SELECT 1 FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ? AND table_name = ? AND column_name = ?',
        [schema, table, column])).length > 0,
  };
}

/** `work` in one transaction of `db`: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await db.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await db.run('COMMIT');
    return result;
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
