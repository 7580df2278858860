import type { TableField } from '@google-cloud/bigquery';
import { InvalidInputError } from '../../core/errors.js';
import { ident, qualified } from '../../core/sql/bigquery.js';
import { layerSchema } from '../warehouse/load-port.js';
import {
  assertDistinctTables, publishedViewName, snapshotMissing, snapshotTableName,
  type ProductTableRef, type ProductVersionTables, type PromoteProductResult, type PublishedProductInput, type PublishedProductResult,
  type PublishedViewStats, type Publication, type SnapshotProductResult,
} from '../warehouse/publish-port.js';
import { authorizeDatasets } from './authorize.js';
import { runJob, withRetry } from './client.js';
import type { BigQueryOps } from './ops.js';
import { dropViewSql, pathOf, pointerTable, promoteScript, readerViewSql, relationStatsSql, type ViewBranch } from './publish-sql.js';

/**
 * Publication on BigQuery (publish-port.ts). Snapshots are tables copied from the qualified view (or
 * raw's live rows while a table has none), without the underscore lineage columns.
 *
 * Promotion must switch every view of a product at once, but BigQuery DDL is not transactional
 * (a multi-statement transaction takes DML only), so repointing views one by one would let a reader
 * join v2 of one table with v1 of another. Instead each reader view reads through a version pointer,
 * `_factory.published_versions` (one row per product): it is a UNION ALL with a branch per version
 * it may serve, each guarded by `(SELECT version FROM pointer …) = N`. Promotion
 *   1. replaces the views with a branch for the served version and one for the new version — the
 *      pointer still names the served one, so readers see exactly what they saw;
 *   2. commits one transaction (DML: atomic) that moves the pointer and records the promotion —
 *      from this commit every view, and every query reading several of them, sees the new version;
 *   3. settles: replaces each view by its new-version branch alone (same rows), so no view still
 *      reads an older snapshot that retention may drop, and drops the views of tables that left
 *      the product (empty since step 2: their branch names the old version only).
 * A crash anywhere is repaired by the retry (each step is idempotent); `settle` also runs before
 * any snapshot is dropped, so a promotion that never committed leaves no view reading it.
 * Alternatives weighed: a copy job per table (atomic per table only), renaming datasets (no rename
 * in BigQuery), one view per product (readers want one relation per table).
 *
 * Control tables (sql.ts controlTablesSql): `_factory.product_snapshots`, `_factory.published_views`,
 * `_factory.product_promotions`, as on DuckDB, and the pointer. Calls for one product run in one
 * queue of this process: the workflow runs one promotion per product at a time anyway.
 */

const lowerName = /^[a-z][a-z0-9_]*$/;

/** The queue (ops.inTableQueue) a product's publication calls, and its snapshot retention, run in. */
export const publicationQueue = (domain: string, product: string): string => `publication:${domain}.${product}`;

export interface BigQueryPublication extends Publication {
  /** Step 3 of a promotion: each view reads its served snapshot alone. Retention runs it before dropping snapshots; the caller holds the product's queue. */
  settle(domain: string, product: string): Promise<void>;
  /** What the pointer names, or null for a product never published. */
  servedVersion(domain: string, product: string): Promise<number | null>;
}

export function createBigQueryPublish(ops: BigQueryOps): BigQueryPublication {
  const { q, client, projectId, tableExists, ensureDataset, dropTable, inTableQueue } = ops;
  const queue = <T>(domain: string, product: string, work: () => Promise<T>) => inTableQueue(publicationQueue(domain, product), work);

  async function fieldsOf(dataset: string, name: string): Promise<TableField[]> {
    const [metadata] = await withRetry(() => client.dataset(dataset).table(name).getMetadata());
    return (metadata.schema?.fields ?? []) as TableField[];
  }
  async function stats(dataset: string, name: string): Promise<{ rows: number; checksum: string }> {
    const [r] = await q<{ row_count: number; checksum: string }>(relationStatsSql(qualified(dataset, name), await fieldsOf(dataset, name)));
    return { rows: Number(r!.row_count), checksum: String(r!.checksum) };
  }

  async function servedVersion(domain: string, product: string): Promise<number | null> {
    const [row] = await q<{ version: number }>(`SELECT version FROM ${pointerTable} WHERE domain = @domain AND product = @product`, { params: { domain, product } });
    return row ? Number(row.version) : null;
  }
  async function publishedViews(domain: string, product: string) {
    return (await q<{ table_ref: string; view_name: string; version: number }>(
      'SELECT table_ref, view_name, version FROM _factory.published_views WHERE domain = @domain AND product = @product ORDER BY table_ref',
      { params: { domain, product } })).map((r) => ({ table: r.table_ref, view: r.view_name, version: Number(r.version) }));
  }

  /** The qualified view (or table) when it exists, else raw's live rows; columns without the underscore lineage ones. */
  async function sourceOf(product: string, t: ProductTableRef): Promise<{ from: string; select: string }> {
    for (const layer of ['qualified', 'raw'] as const) {
      const dataset = layerSchema(layer, t.domain);
      if (!(await tableExists(dataset, t.table))) continue;
      const columns = (await fieldsOf(dataset, t.table)).map((f) => f.name!);
      const kept = columns.filter((c) => !c.startsWith('_'));
      const live = layer === 'raw' && columns.includes('_deleted') ? ' WHERE NOT COALESCE(_deleted, FALSE)' : '';
      return { from: `${dataset}.${t.table}`, select: `SELECT ${kept.map(ident).join(', ')} FROM ${pathOf(projectId, dataset, t.table)}${live}` };
    }
    throw new InvalidInputError(`product ${product}: cannot snapshot ${t.domain}.${t.table}: neither ${layerSchema('qualified', t.domain)}.${t.table} nor ${layerSchema('raw', t.domain)}.${t.table} exists (backfill the table first)`);
  }

  const branch = async (domain: string, product: string, table: string, version: number): Promise<ViewBranch> => {
    const snapshot = snapshotTableName(domain, product, table, version);
    return { version, snapshot, fields: await fieldsOf(...snapshot) };
  };
  const replaceView = (domain: string, product: string, table: string, branches: ViewBranch[]) => {
    const [dataset, view] = publishedViewName(domain, product, table);
    return q(`CREATE OR REPLACE VIEW ${pathOf(projectId, dataset, view)} AS\n${readerViewSql(projectId, domain, product, branches)}`);
  };

  /** Views named like the product's reader views (`<product>__<table>`, not a snapshot) in its dataset. */
  async function productViews(domain: string, product: string): Promise<string[]> {
    const dataset = layerSchema('published', domain);
    const [tables] = await withRetry(() => client.dataset(dataset).getTables());
    const prefix = `${product}__`;
    return tables.filter((t) => t.metadata?.type === 'VIEW' && t.id?.startsWith(prefix) && !t.id.slice(prefix.length).includes('__') && lowerName.test(t.id))
      .map((t) => `${dataset}.${t.id!}`);
  }

  async function settle(domain: string, product: string): Promise<void> {
    const served = await publishedViews(domain, product);
    for (const s of served) {
      const table = s.table.split('.')[1]!;
      await replaceView(domain, product, table, [await branch(domain, product, table, s.version)]);
    }
  }

  return {
    settle,
    servedVersion,

    snapshotProduct({ domain, product, version, tables }: ProductVersionTables): Promise<SnapshotProductResult> {
      assertDistinctTables(`${domain}.${product}`, tables);
      return queue(domain, product, async () => {
        await ensureDataset(layerSchema('published', domain), { domain, layer: 'published' });
        // Readers of the published views need not read the pointer in `_factory` themselves.
        if (!ops.emulator) await authorizeDatasets(client, projectId, '_factory', [layerSchema('published', domain)]);
        const taken = await q<{ table_ref: string; snapshot: string; source: string; row_count: number; checksum: string }>(
          'SELECT table_ref, snapshot, source, row_count, checksum FROM _factory.product_snapshots WHERE domain = @domain AND product = @product AND version = @version',
          { params: { domain, product, version } });
        const known = new Map(taken.map((r) => [r.table_ref, { table: r.table_ref, snapshot: r.snapshot, from: r.source, rows: Number(r.row_count), checksum: String(r.checksum) }]));
        return snapshotMissing(tables, known, async (t, ref) => {
          const [dataset, name] = snapshotTableName(domain, product, t.table, version);
          const source = await sourceOf(`${domain}.${product}`, t);
          // OR REPLACE: a copy left by a call that failed before recording it is taken again, whole.
          await q(`CREATE OR REPLACE TABLE ${pathOf(projectId, dataset, name)} AS ${source.select}`);
          const result = { table: ref, snapshot: `${dataset}.${name}`, from: source.from, ...(await stats(dataset, name)) };
          await q(`INSERT INTO _factory.product_snapshots (domain, product, version, table_ref, snapshot, source, row_count, checksum, taken_at)
            VALUES (@domain, @product, @version, @ref, @snapshot, @source, @rows, @checksum, CURRENT_TIMESTAMP())`, {
            params: { domain, product, version, ref, snapshot: result.snapshot, source: result.from, rows: result.rows, checksum: result.checksum },
          });
          return result;
        });
      });
    },

    promoteProduct({ domain, product, version, tables }: ProductVersionTables): Promise<PromoteProductResult> {
      assertDistinctTables(`${domain}.${product}`, tables);
      return queue(domain, product, async () => {
        for (const t of tables) {
          const [dataset, snapshot] = snapshotTableName(domain, product, t.table, version);
          if (!(await tableExists(dataset, snapshot))) {
            throw new InvalidInputError(`product ${domain}.${product} v${version}: no snapshot of ${t.domain}.${t.table} (expected ${dataset}.${snapshot}); build the candidate again`);
          }
        }
        const previous = await servedVersion(domain, product);
        const before = await publishedViews(domain, product);
        // 1. Views that serve the old version while the pointer names it, and the new one once it moves.
        for (const t of tables) {
          const branches = [await branch(domain, product, t.table, version)];
          const old = before.find((b) => b.table === `${t.domain}.${t.table}` && b.version !== version);
          if (old) branches.push(await branch(domain, product, t.table, old.version));
          await replaceView(domain, product, t.table, branches);
        }
        // 2. The commit readers see: one transaction; running it again (a retried call) changes nothing.
        const views = tables.map((t) => ({ table: `${t.domain}.${t.table}`, view: publishedViewName(domain, product, t.table).join('.') }));
        await runJob(client, `factory_promote_${crypto.randomUUID().replace(/-/g, '')}`, {
          query: { query: promoteScript(domain, product, version, views), useLegacySql: false, maximumBytesBilled: String(ops.maximumBytesBilled) },
        });
        // 3. Settle: each view reads its served snapshot alone; views of tables that left the product go.
        await settle(domain, product);
        const kept = new Set(views.map((v) => v.view));
        const droppedViews = (await productViews(domain, product)).filter((v) => !kept.has(v));
        for (const v of droppedViews) await q(dropViewSql(projectId, ...(v.split('.') as [string, string])));
        // As readers see it after the commit.
        const served: PublishedViewStats[] = [];
        for (const v of views) served.push({ ...v, ...(await stats(...(v.view.split('.') as [string, string]))) });
        return { views: served, previousVersion: previous, droppedViews };
      });
    },

    dropSnapshot({ domain, product, version, tables }: ProductVersionTables): Promise<{ dropped: string[] }> {
      return queue(domain, product, async () => {
        if ((await servedVersion(domain, product)) === version) return { dropped: [] };
        // A promotion to this version that never committed may have left views reading it.
        await settle(domain, product);
        const dropped: string[] = [];
        for (const t of tables) {
          const [dataset, name] = snapshotTableName(domain, product, t.table, version);
          if (!(await tableExists(dataset, name))) continue;
          await dropTable(dataset, name);
          dropped.push(`${dataset}.${name}`);
        }
        await q('DELETE FROM _factory.product_snapshots WHERE domain = @domain AND product = @product AND version = @version', { params: { domain, product, version } });
        return { dropped };
      });
    },

    publishedProduct({ domain, product }: PublishedProductInput): Promise<PublishedProductResult> {
      return queue(domain, product, async () => {
        const found = await publishedViews(domain, product);
        const views: PublishedViewStats[] = [];
        for (const f of found) views.push({ table: f.table, view: f.view, ...(await stats(...(f.view.split('.') as [string, string]))) });
        return { version: (await servedVersion(domain, product)) ?? null, views };
      });
    },
  };
}
