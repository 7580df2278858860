import type { DuckDBConnection } from '@duckdb/node-api';
import { qualifiedViewSql } from '../../core/qualified/sql.js';
import { viewBlocker, viewColumnCount } from '../../core/qualified/readiness.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult, QualifiedViewOutcome, SkippedQualifiedView } from '../warehouse/qualified-port.js';
import { layerSchema } from '../warehouse/port.js';
import { ident, qualified } from '../../core/sql/duckdb.js';
import { inTransaction } from './session.js';

/**
 * The qualified layer on DuckDB: one view per table in `qualified_<domain>`. DuckDB binds a view
 * when it is created, so a view is only created when its raw table and the raw tables its rules read
 * exist with the columns it needs; otherwise the table is reported as skipped, with the reason, and
 * any older view of it is dropped (it would describe a contract that no longer holds). All views of
 * a domain change in one transaction: readers see the old set or the new one.
 *
 * Runs on the warehouse's single writer connection (warehouse.ts serialises the call).
 */

type Columns = Map<string, Set<string>>;

/** Columns of every raw table, by 'raw_<domain>.<table>'. */
async function rawColumns(db: DuckDBConnection): Promise<Columns> {
  const found = (await db.runAndReadAll(
    `SELECT schema_name, table_name, column_name FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name LIKE 'raw\\_%' ESCAPE '\\'`,
  )).getRowsJS() as string[][];
  const columns: Columns = new Map();
  for (const [schema, table, column] of found) {
    const key = `${schema}.${table}`;
    if (!columns.has(key)) columns.set(key, new Set());
    columns.get(key)!.add(column!);
  }
  return columns;
}

export async function buildDuckDbQualifiedLayer(db: DuckDBConnection, { domain, tables }: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult> {
  const columns = await rawColumns(db);
  const tombstones = (d: string, t: string) => columns.get(`${layerSchema('raw', d)}.${t}`)?.has('_deleted') ?? false;
  const schema = layerSchema('qualified', domain);
  const views: QualifiedViewOutcome[] = [];
  const skipped: SkippedQualifiedView[] = [];
  await inTransaction(db, async () => {
    await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    for (const table of tables) {
      const reason = viewBlocker((d, t) => columns.get(`${layerSchema('raw', d)}.${t}`), domain, table);
      if (reason !== undefined) {
        skipped.push({ table: `${domain}.${table.name}`, reason });
        await db.run(`DROP VIEW IF EXISTS ${qualified(schema, table.name)}`);
        continue;
      }
      await db.run(qualifiedViewSql({
        domain, table, dialect: 'duckdb', tombstones,
        resolve: (d, t, layer) => qualified(layerSchema(layer, d), t),
      }));
      views.push({ table: `${domain}.${table.name}`, view: `${schema}.${table.name}`, columns: viewColumnCount(table), tombstoneFilter: tombstones(domain, table.name) });
    }
  });
  return { domain, views, skipped };
}
