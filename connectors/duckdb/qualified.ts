import type { DuckDBConnection } from '@duckdb/node-api';
import { lineageKept, qualifiedDependencies, qualifiedViewSql } from '../../core/qualified/sql.js';
import type { TableContract } from '../../contracts/contract.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult, QualifiedViewOutcome, SkippedQualifiedView } from '../warehouse/qualified-port.js';
import { layerSchema } from '../warehouse/port.js';
import { ident, qualified } from '../../core/sql/duckdb.js';

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

/** Why the raw table `domain.table` cannot feed a view, or undefined when it can. */
function missing(columns: Columns, domain: string, table: string, needed: readonly string[]): string | undefined {
  const name = `${layerSchema('raw', domain)}.${table}`;
  const have = columns.get(name);
  if (have === undefined) return `raw table ${name} does not exist (not backfilled or captured yet)`;
  const absent = needed.filter((c) => !have.has(c));
  if (absent.length > 0) return `raw table ${name} lacks column(s) ${absent.join(', ')} of the contract (backfill it again)`;
  return undefined;
}

function blocker(columns: Columns, domain: string, table: TableContract): string | undefined {
  const own = missing(columns, domain, table.name, [...table.columns.map((c) => c.name), ...lineageKept]);
  if (own !== undefined) return own;
  for (const dependency of qualifiedDependencies(table)) {
    const reason = missing(columns, dependency.domain, dependency.table, dependency.columns);
    if (reason !== undefined) return `its business rules read ${dependency.domain}.${dependency.table}: ${reason}`;
  }
  return undefined;
}

export async function buildDuckDbQualifiedLayer(db: DuckDBConnection, { domain, tables }: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult> {
  const columns = await rawColumns(db);
  const tombstones = (d: string, t: string) => columns.get(`${layerSchema('raw', d)}.${t}`)?.has('_deleted') ?? false;
  const schema = layerSchema('qualified', domain);
  const views: QualifiedViewOutcome[] = [];
  const skipped: SkippedQualifiedView[] = [];
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    for (const table of tables) {
      const reason = blocker(columns, domain, table);
      if (reason !== undefined) {
        skipped.push({ table: `${domain}.${table.name}`, reason });
        await db.run(`DROP VIEW IF EXISTS ${qualified(schema, table.name)}`);
        continue;
      }
      await db.run(qualifiedViewSql({
        domain, table, dialect: 'duckdb', tombstones,
        resolve: (d, t, layer) => qualified(layerSchema(layer, d), t),
      }));
      const outputs = table.businessRules.filter((r) => r.kind !== 'trim').length;
      views.push({ table: `${domain}.${table.name}`, view: `${schema}.${table.name}`, columns: table.columns.length + outputs + lineageKept.length, tombstoneFilter: tombstones(domain, table.name) });
    }
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { domain, views, skipped };
}
