import type { TableField } from '@google-cloud/bigquery';
import { qualifiedViewSql } from '../../core/qualified/sql.js';
import { viewBlocker, viewColumnCount, viewSources } from '../../core/qualified/readiness.js';
import { bigquery } from '../../core/sql/bigquery.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult, QualifiedLayer, QualifiedViewOutcome, SkippedQualifiedView } from '../warehouse/qualified-port.js';
import { layerSchema } from '../warehouse/load-port.js';
import { withRetry } from './client.js';
import type { BigQueryOps } from './ops.js';

/**
 * The qualified layer on BigQuery: one view per table in `qualified_<domain>`, created or replaced
 * (core/qualified/sql.ts, BigQuery text). A view is only made when its raw table and the raw tables
 * its rules read exist with the columns it needs (checked from table metadata, so the reason names
 * the missing table or columns rather than quoting a failed CREATE); otherwise the table is skipped
 * with the same reason as on DuckDB and an older view of it is dropped (it would describe a contract
 * that no longer holds). BigQuery has no transactional DDL: each view is replaced on its own
 * (CREATE OR REPLACE VIEW is atomic for that view), so during a build a reader may see some views
 * of the domain new and others old.
 *
 * Names inside the views carry the project (`project.dataset.table`): a view is expanded in its
 * reader's query, which may run in another project (published products, self-BI).
 */
export function createBigQueryQualifiedLayer(ops: BigQueryOps): QualifiedLayer {
  return {
    async buildQualifiedLayer({ domain, tables }: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult> {
      const columns = await rawColumns(ops, tables.flatMap((t) => viewSources(domain, t)));
      const columnsOf = (d: string, t: string) => columns.get(`${d}.${t}`);
      const tombstones = (d: string, t: string) => columnsOf(d, t)?.has('_deleted') ?? false;
      const schema = layerSchema('qualified', domain);
      await ops.ensureDataset(schema, { domain, layer: 'qualified' });
      const views: QualifiedViewOutcome[] = [];
      const skipped: SkippedQualifiedView[] = [];
      for (const table of tables) {
        const reason = viewBlocker(columnsOf, domain, table);
        if (reason !== undefined) {
          skipped.push({ table: `${domain}.${table.name}`, reason });
          // DDL rather than tables.delete: the emulator's tables.delete runs DROP TABLE, which fails on a view.
          await ops.q(`DROP VIEW IF EXISTS ${bigquery.path([ops.projectId, schema, table.name])}`);
          continue;
        }
        await ops.q(qualifiedViewSql({
          domain, table, dialect: 'bigquery', tombstones,
          resolve: (d, t, layer) => bigquery.path([ops.projectId, layerSchema(layer, d), t]),
        }));
        views.push({ table: `${domain}.${table.name}`, view: `${schema}.${table.name}`, columns: viewColumnCount(table), tombstoneFilter: tombstones(domain, table.name) });
      }
      return { domain, views, skipped };
    },
  };
}

/** Column names of the given raw tables, from their metadata, by '<domain>.<table>'; missing tables are left out. */
async function rawColumns(ops: BigQueryOps, sources: Array<{ domain: string; table: string }>): Promise<Map<string, Set<string>>> {
  const columns = new Map<string, Set<string>>();
  for (const { domain, table } of sources) {
    const key = `${domain}.${table}`;
    if (columns.has(key)) continue;
    const dataset = layerSchema('raw', domain);
    if (!(await ops.tableExists(dataset, table))) continue;
    const [metadata] = await withRetry(() => ops.client.dataset(dataset).table(table).getMetadata());
    columns.set(key, new Set(((metadata.schema?.fields ?? []) as TableField[]).map((f) => f.name!)));
  }
  return columns;
}
