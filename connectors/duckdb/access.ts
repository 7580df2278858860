import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { securedViewSql } from '../../core/access/sql.js';
import { duckdb, ident, qualified } from '../../core/sql/duckdb.js';
import type { AccessViewOutcome, AccessViews, BuildAccessViewsInput, BuildAccessViewsResult } from '../warehouse/access-port.js';
import { layerSchema } from '../warehouse/port.js';
import { publishedViewName } from '../warehouse/publish-port.js';

/**
 * Secured views on DuckDB (access-port.ts). DuckDB has no GRANT: whoever opens the file reads every
 * schema (and the views' text, which holds the pseudonym key's padded material). The views are the
 * enforcement point for readers that are given their role's schema only, through the serving layer.
 * A product's views are replaced in one transaction, so a reader never sees half a policy.
 */

/** An error's first line, without hex runs a key could hide in. */
const redactSql = (message: string) => message.split('\n')[0]!.replace(/[0-9a-f]{32,}/gi, '[redacted]');

export interface DuckDbAccessDeps {
  writer: DuckDBConnection;
  serial<T>(work: () => Promise<T>): Promise<T>;
  /** The owner's transaction on the writer (inside `serial`). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

export function createDuckDbAccess({ writer, serial, transaction }: DuckDbAccessDeps): AccessViews {
  const rows = async (sql: string, params: DuckDBValue[] = []) => (await writer.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
  const columnsOf = async (schema: string, name: string) => (await rows(
    'SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index',
    [schema, name])).map((r) => String(r[0]));
  const viewExists = async (schema: string, name: string) =>
    (await rows('SELECT 1 FROM duckdb_views() WHERE database_name = current_database() AND schema_name = ? AND view_name = ?', [schema, name])).length > 0;

  /** Existing secured views of a product, in every access_ schema. */
  async function existingViews(domain: string, product: string): Promise<string[]> {
    const prefix = `${domain}__${product}__`;
    return (await rows(
      `SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name LIKE 'access\\_%' ESCAPE '\\'
       AND starts_with(view_name, ?)`, [prefix])).map((r) => `${String(r[0])}.${String(r[1])}`);
  }

  return {
    agencyIds(): Promise<string[]> {
      return serial(async () => {
        const schema = layerSchema('raw', 'distribution');
        const present = await columnsOf(schema, 'agency');
        if (!present.includes('AGENCY_ID')) return [];
        const live = present.includes('_deleted') ? ' WHERE NOT coalesce("_deleted", false)' : '';
        return (await rows(`SELECT DISTINCT CAST("AGENCY_ID" AS VARCHAR) FROM ${qualified(schema, 'agency')}${live} ORDER BY 1`)).map((r) => String(r[0]));
      });
    },

    buildAccessViews({ domain, product, views, sources, key }: BuildAccessViewsInput): Promise<BuildAccessViewsResult> {
      return serial(async () => {
        const tables = [...new Set(views.map((v) => v.table.table))];
        const published = new Map<string, string[]>();
        for (const table of tables) {
          const [schema, name] = publishedViewName(domain, product, table.split('.')[1]!);
          published.set(table, await columnsOf(schema, name));
        }
        const unpublished = tables.filter((t) => published.get(t)!.length === 0);
        if (unpublished.length > 0) {
          return { product: `${domain}.${product}`, views: [], dropped: [], skipped: `not published yet: no published view of ${unpublished.join(', ')}` };
        }
        const available = new Map<string, string>();
        for (const [table, [schema, name]] of Object.entries(sources)) {
          if (await viewExists(schema, name)) available.set(table, qualified(schema, name));
        }
        return transaction(async () => {
          const outcomes: AccessViewOutcome[] = [];
          for (const spec of views) {
            const secured = securedViewSql({
              dialect: duckdb, table: spec.table, present: published.get(spec.table.table)!, relation: (t) => available.get(t), key,
            });
            await writer.run(`CREATE SCHEMA IF NOT EXISTS ${ident(spec.schema)}`);
            try {
              await writer.run(`CREATE OR REPLACE VIEW ${qualified(spec.schema, spec.view)} AS ${secured.select}`);
            } catch (error) {
              // No `cause`: DuckDB quotes the statement, whose text holds the pseudonym key's material.
              throw new Error(`secured view ${spec.schema}.${spec.view} (role ${spec.role}): ${redactSql((error as Error).message)}`);
            }
            outcomes.push({
              role: spec.role, view: `${spec.schema}.${spec.view}`, columns: secured.columns, hidden: secured.hidden,
              filtered: spec.table.filter !== undefined, missingSources: secured.missingSources,
            });
          }
          const kept = new Set(outcomes.map((o) => o.view));
          const dropped = (await existingViews(domain, product)).filter((v) => !kept.has(v));
          for (const v of dropped) {
            const [schema, name] = v.split('.') as [string, string];
            await writer.run(`DROP VIEW IF EXISTS ${qualified(schema, name)}`);
          }
          return { product: `${domain}.${product}`, views: outcomes, dropped };
        });
      });
    },
  };
}
