import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.js';
import { layerSchema } from '../warehouse/port.js';
import {
  assertDistinctTables, publishedViewName, snapshotMissing, snapshotTableName,
  type ProductTableRef, type ProductVersionTables, type PromoteProductResult, type PublishedProductInput, type PublishedProductResult,
  type PublishedViewStats, type Publication, type SnapshotProductResult,
} from '../warehouse/publish-port.js';
import { ident, qualified } from '../../core/sql/duckdb.js';
import { utcNowText } from './load-sql.js';
import { inTransaction } from './session.js';

/**
 * Publication on DuckDB (publish-port.ts). Snapshots are plain tables copied from the qualified view
 * (or from raw's live rows while a table has no qualified view yet), without the underscore lineage
 * columns; the published views select from one snapshot each. DuckDB's DDL is transactional, so
 * creating the snapshots of a version, or repointing every view of a product, is one commit.
 *
 * Control tables (created on first use): `_factory.product_snapshots` (one row per snapshot, so a
 * retried call answers without copying again), `_factory.published_views` (which version each
 * view serves) and `_factory.product_promotions` (when each version began to serve: retention.ts
 * ages a superseded version from the promotion that replaced it). Everything runs on the owner's
 * single writer, through its queue.
 */

export interface DuckDbPublishDeps {
  writer: DuckDBConnection;
  /** The owner's write queue: `work` runs after every earlier write. */
  serial<T>(work: () => Promise<T>): Promise<T>;
}

export const publishControlSql = [
  'CREATE SCHEMA IF NOT EXISTS _factory',
  `CREATE TABLE IF NOT EXISTS _factory.product_snapshots (domain VARCHAR, product VARCHAR, version INTEGER, table_ref VARCHAR,
     snapshot VARCHAR, source VARCHAR, row_count BIGINT, checksum VARCHAR, taken_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.published_views (domain VARCHAR, product VARCHAR, table_ref VARCHAR, view_name VARCHAR,
     version INTEGER, promoted_at TIMESTAMP)`,
  'CREATE TABLE IF NOT EXISTS _factory.product_promotions (domain VARCHAR, product VARCHAR, version INTEGER, promoted_at TIMESTAMP)',
];

/** Count and an order-independent checksum of a relation's rows: the sum of DuckDB's hash of each row. */
const statsOf = (relation: string) => `SELECT count(*), CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM ${relation} t`;

export function createDuckDbPublish({ writer, serial }: DuckDbPublishDeps): Publication {
  const rows = async (sql: string, params: DuckDBValue[] = []) => (await writer.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
  const exists = async (kind: 'table' | 'view', schema: string, name: string) =>
    (await rows(`SELECT 1 FROM duckdb_${kind}s() WHERE database_name = current_database() AND schema_name = ? AND ${kind}_name = ?`, [schema, name])).length > 0;
  const stats = async (relation: string) => {
    const [r] = await rows(statsOf(relation));
    return { rows: Number(r![0]), checksum: String(r![1]) };
  };
  async function transaction<T>(work: () => Promise<T>): Promise<T> {
    for (const sql of publishControlSql) await writer.run(sql);
    return inTransaction(writer, work);
  }

  /** The qualified view when it exists, else raw's live rows; columns without the underscore lineage ones. */
  async function sourceOf(product: string, t: ProductTableRef): Promise<{ from: string; select: string }> {
    for (const [layer, kind] of [['qualified', 'view'], ['qualified', 'table'], ['raw', 'table']] as const) {
      const schema = layerSchema(layer, t.domain);
      if (!(await exists(kind, schema, t.table))) continue;
      const columns = (await rows(
        `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index`,
        [schema, t.table])).map((r) => String(r[0]));
      const kept = columns.filter((c) => !c.startsWith('_'));
      const live = layer === 'raw' && columns.includes('_deleted') ? ' WHERE NOT coalesce("_deleted", false)' : '';
      return { from: `${schema}.${t.table}`, select: `SELECT ${kept.map(ident).join(', ')} FROM ${qualified(schema, t.table)}${live}` };
    }
    throw new InvalidInputError(`product ${product}: cannot snapshot ${t.domain}.${t.table}: neither ${layerSchema('qualified', t.domain)}.${t.table} nor ${layerSchema('raw', t.domain)}.${t.table} exists (backfill the table first)`);
  }

  async function publishedViews(domain: string, product: string) {
    return (await rows('SELECT table_ref, view_name, version FROM _factory.published_views WHERE domain = ? AND product = ? ORDER BY table_ref', [domain, product]))
      .map((r) => ({ table: String(r[0]), view: String(r[1]), version: Number(r[2]) }));
  }

  return {
    snapshotProduct({ domain, product, version, tables }: ProductVersionTables): Promise<SnapshotProductResult> {
      assertDistinctTables(`${domain}.${product}`, tables);
      return serial(() => transaction(async () => {
        await writer.run(`CREATE SCHEMA IF NOT EXISTS ${ident(layerSchema('published', domain))}`);
        const taken = await rows(
          'SELECT table_ref, snapshot, source, row_count, checksum FROM _factory.product_snapshots WHERE domain = ? AND product = ? AND version = ?',
          [domain, product, version]);
        const known = new Map(taken.map((r) => [String(r[0]), { table: String(r[0]), snapshot: String(r[1]), from: String(r[2]), rows: Number(r[3]), checksum: String(r[4]) }]));
        return snapshotMissing(tables, known, async (t, ref) => {
          const [schema, name] = snapshotTableName(domain, product, t.table, version);
          const source = await sourceOf(`${domain}.${product}`, t);
          await writer.run(`CREATE TABLE ${qualified(schema, name)} AS ${source.select}`);
          const s = await stats(qualified(schema, name));
          const result = { table: ref, snapshot: `${schema}.${name}`, from: source.from, ...s };
          await writer.run('INSERT INTO _factory.product_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))',
            [domain, product, version, ref, result.snapshot, result.from, result.rows, result.checksum, utcNowText()]);
          return result;
        });
      }));
    },

    promoteProduct({ domain, product, version, tables }: ProductVersionTables): Promise<PromoteProductResult> {
      assertDistinctTables(`${domain}.${product}`, tables);
      return serial(() => transaction(async () => {
        const before = await publishedViews(domain, product);
        const views: PublishedViewStats[] = [];
        const now = utcNowText();
        await writer.run('DELETE FROM _factory.published_views WHERE domain = ? AND product = ?', [domain, product]);
        for (const t of tables) {
          const [schema, snapshot] = snapshotTableName(domain, product, t.table, version);
          if (!(await exists('table', schema, snapshot))) {
            throw new InvalidInputError(`product ${domain}.${product} v${version}: no snapshot of ${t.domain}.${t.table} (expected ${schema}.${snapshot}); build the candidate again`);
          }
          const [, view] = publishedViewName(domain, product, t.table);
          await writer.run(`CREATE OR REPLACE VIEW ${qualified(schema, view)} AS SELECT * FROM ${qualified(schema, snapshot)}`);
          await writer.run('INSERT INTO _factory.published_views VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))',
            [domain, product, `${t.domain}.${t.table}`, `${schema}.${view}`, version, now]);
          views.push({ table: `${t.domain}.${t.table}`, view: `${schema}.${view}`, ...(await stats(qualified(schema, view))) });
        }
        // A retry of the same promotion records it once.
        if (before[0]?.version !== version) {
          await writer.run('INSERT INTO _factory.product_promotions VALUES (?, ?, ?, CAST(? AS TIMESTAMP))', [domain, product, version, now]);
        }
        const kept = new Set(views.map((v) => v.view));
        const droppedViews = before.map((b) => b.view).filter((v) => !kept.has(v));
        for (const v of droppedViews) {
          const [schema, name] = v.split('.') as [string, string];
          await writer.run(`DROP VIEW IF EXISTS ${qualified(schema, name)}`);
        }
        return { views, previousVersion: before[0]?.version ?? null, droppedViews };
      }));
    },

    dropSnapshot({ domain, product, version, tables }: ProductVersionTables): Promise<{ dropped: string[] }> {
      return serial(() => transaction(async () => {
        const published = await publishedViews(domain, product);
        if (published.some((p) => p.version === version)) return { dropped: [] };
        const dropped: string[] = [];
        for (const t of tables) {
          const [schema, name] = snapshotTableName(domain, product, t.table, version);
          if (!(await exists('table', schema, name))) continue;
          await writer.run(`DROP TABLE ${qualified(schema, name)}`);
          dropped.push(`${schema}.${name}`);
        }
        await writer.run('DELETE FROM _factory.product_snapshots WHERE domain = ? AND product = ? AND version = ?', [domain, product, version]);
        return { dropped };
      }));
    },

    publishedProduct({ domain, product }: PublishedProductInput): Promise<PublishedProductResult> {
      return serial(async () => {
        for (const sql of publishControlSql) await writer.run(sql);
        const found = await publishedViews(domain, product);
        const views: PublishedViewStats[] = [];
        for (const f of found) {
          const [schema, name] = f.view.split('.') as [string, string];
          views.push({ table: f.table, view: f.view, ...(await stats(qualified(schema, name))) });
        }
        return { version: found[0]?.version ?? null, views };
      });
    },
  };
}
