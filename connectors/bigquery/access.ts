import type { TableField } from '@google-cloud/bigquery';
import { securedViewSql } from '../../core/access/sql.js';
import { bigquery } from '../../core/sql/bigquery.js';
import type { AccessViewOutcome, AccessViews, BuildAccessViewsInput, BuildAccessViewsResult } from '../warehouse/access-port.js';
import { layerSchema } from '../warehouse/load-port.js';
import { publishedViewName } from '../warehouse/publish-port.js';
import { withRetry } from './client.js';
import { authorizeDatasets } from './authorize.js';
import type { BigQueryOps } from './ops.js';
import { dropViewSql, pathOf } from './publish-sql.js';

/**
 * Secured views on BigQuery (access-port.ts): per role a dataset `access_<role>` with a view per
 * table of each product the role may read, over `published_<domain>.<product>__<table>`, the same
 * SELECT as DuckDB's (core/access/sql.ts). On BigQuery itself the role's dataset is then
 * authorized on the datasets its views read (authorized datasets: the views, not their readers,
 * read the published data), so a reader needs access to `access_<role>` only. The emulator has no
 * dataset access lists (it ignores them), so there the views are built and queried only.
 *
 * Not one transaction (BigQuery DDL is not transactional): views are replaced one by one, each
 * correct for its table on its own; stale views of the product are dropped last.
 *
 * The policy tags, data-masking policies and row access policies of core/access/bigquery.ts are not
 * applied here: they need the directory's group e-mail domain for their IAM members, which the
 * configuration does not carry yet; connectors/bigquery/real.test.ts applies them to BigQuery.
 */

/** An error's first line, without hex runs a key could hide in (the statement holds the pseudonym key's material). */
const redactSql = (message: string) => message.split('\n')[0]!.replace(/[0-9a-f]{32,}/gi, '[redacted]');

export function createBigQueryAccess(ops: BigQueryOps): AccessViews {
  const { q, client, projectId, tableExists, ensureDataset } = ops;
  async function columnsOf(dataset: string, name: string): Promise<string[]> {
    if (!(await tableExists(dataset, name))) return [];
    const [metadata] = await withRetry(() => client.dataset(dataset).table(name).getMetadata());
    return ((metadata.schema?.fields ?? []) as TableField[]).map((f) => f.name!);
  }

  /** Views of the product in every `access_` dataset: one listing per role dataset. */
  async function existingViews(domain: string, product: string): Promise<string[]> {
    const prefix = `${domain}__${product}__`;
    const [datasets] = await withRetry(() => client.getDatasets({ autoPaginate: true }));
    const found: string[] = [];
    for (const d of datasets.filter((d) => d.id?.startsWith('access_'))) {
      const [tables] = await withRetry(() => d.getTables({ autoPaginate: true }));
      for (const t of tables) if (t.metadata?.type === 'VIEW' && t.id?.startsWith(prefix)) found.push(`${d.id!}.${t.id!}`);
    }
    return found;
  }

  return {
    async agencyIds(): Promise<string[]> {
      const dataset = layerSchema('raw', 'distribution');
      const present = await columnsOf(dataset, 'agency');
      if (!present.includes('AGENCY_ID')) return [];
      const live = present.includes('_deleted') ? ' WHERE NOT COALESCE(_deleted, FALSE)' : '';
      return (await q<{ id: string }>(`SELECT DISTINCT CAST(AGENCY_ID AS STRING) AS id FROM ${pathOf(projectId, dataset, 'agency')}${live} ORDER BY 1`))
        .map((r) => String(r.id));
    },

    async buildAccessViews({ domain, product, views, sources, key }: BuildAccessViewsInput): Promise<BuildAccessViewsResult> {
      const tables = [...new Set(views.map((v) => v.table.table))];
      const published = new Map<string, string[]>();
      for (const table of tables) published.set(table, await columnsOf(...publishedViewName(domain, product, table.split('.')[1]!)));
      const unpublished = tables.filter((t) => published.get(t)!.length === 0);
      if (unpublished.length > 0) {
        return { product: `${domain}.${product}`, views: [], dropped: [], skipped: `not published yet: no published view of ${unpublished.join(', ')}` };
      }
      const available = new Map<string, [string, string]>();
      for (const [table, [dataset, name]] of Object.entries(sources)) {
        if (await tableExists(dataset, name)) available.set(table, [dataset, name]);
      }
      const outcomes: AccessViewOutcome[] = [];
      const datasets = new Set<string>();
      for (const spec of views) {
        const secured = securedViewSql({
          dialect: bigquery, table: spec.table, present: published.get(spec.table.table)!,
          relation: (t) => { const at = available.get(t); return at ? pathOf(projectId, ...at) : undefined; }, key,
        });
        if (!datasets.has(spec.schema)) {
          await ensureDataset(spec.schema, { layer: 'access' });
          datasets.add(spec.schema);
        }
        try {
          await q(`CREATE OR REPLACE VIEW ${pathOf(projectId, spec.schema, spec.view)} AS ${secured.select}`);
        } catch (error) {
          // No `cause`: the error may quote the statement, whose text holds the pseudonym key's material.
          throw new Error(`secured view ${spec.schema}.${spec.view} (role ${spec.role}): ${redactSql((error as Error).message)}`);
        }
        outcomes.push({
          role: spec.role, view: `${spec.schema}.${spec.view}`, columns: secured.columns, hidden: secured.hidden,
          filtered: spec.table.filter !== undefined, missingSources: secured.missingSources,
        });
      }
      if (!ops.emulator) {
        const read = new Set([...available.values()].map(([dataset]) => dataset));
        for (const source of read) await authorizeDatasets(client, projectId, source, [...datasets]);
      }
      const kept = new Set(outcomes.map((o) => o.view));
      const dropped = (await existingViews(domain, product)).filter((v) => !kept.has(v));
      for (const v of dropped) await q(dropViewSql(projectId, ...(v.split('.') as [string, string])));
      return { product: `${domain}.${product}`, views: outcomes, dropped };
    },
  };
}

