import { createBigQueryClient, query } from '../../connectors/bigquery/client.js';
import { createDuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { Config } from '../../core/config.js';
import { bigquery } from '../../core/sql/bigquery.js';
import type { SqlDialect } from '../../core/sql/dialect.js';
import { duckdb } from '../../core/sql/duckdb.js';

/**
 * Reads a test's warehouse from outside its workers, after the run: the DuckDB file (the workers
 * must have stopped: they own it) or the BigQuery project the config names. Queries are written
 * with `dialect` (ident, textType) so one text serves both; rows come back as arrays in select order.
 */
export interface WarehouseInspector {
  dialect: SqlDialect;
  rows(sql: string): Promise<unknown[][]>;
  /** Whether a table or view exists. */
  exists(schema: string, name: string): Promise<boolean>;
  /** The published snapshots holding a table ('<domain>.<table>'), as 'schema.name'. */
  snapshots(ref: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function inspectWarehouse(config: Config): Promise<WarehouseInspector> {
  if (config.FACTORY_WAREHOUSE === 'bigquery') {
    const bq = createBigQueryClient({ projectId: config.GOOGLE_CLOUD_PROJECT!, location: config.BIGQUERY_LOCATION, apiEndpoint: config.BIGQUERY_API_ENDPOINT });
    const rows = async (sql: string) => (await query<Record<string, unknown>>(bq, sql, { maximumBytesBilled: config.BIGQUERY_MAX_BYTES_BILLED }))
      .map((r) => Object.values(r).map((v) => (v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v)));
    return {
      dialect: bigquery,
      rows,
      exists: async (schema, name) => (await bq.dataset(schema).table(name).exists().catch(() => [false]))[0],
      // Snapshots as publication names them (publish-port.ts snapshotTableName), in every published dataset.
      async snapshots(ref) {
        const table = ref.split('.')[1]!;
        const [datasets] = await bq.getDatasets();
        const found: string[] = [];
        for (const d of datasets.filter((x) => x.id?.startsWith('published_'))) {
          const [tables] = await d.getTables();
          found.push(...tables.filter((t) => new RegExp(`__${table}__v\\d+$`).test(t.id ?? '')).map((t) => `${d.id}.${t.id}`));
        }
        return found;
      },
      close: async () => undefined,
    };
  }
  const wh = await createDuckDbWarehouse({ path: config.FACTORY_DUCKDB_PATH });
  const db = await wh.connectReader();
  const rows = async (sql: string) => (await db.runAndReadAll(sql)).getRowsJS() as unknown[][];
  return {
    dialect: duckdb,
    rows,
    exists: async (schema, name) => (await rows(`SELECT 1 FROM duckdb_tables() WHERE schema_name = '${schema}' AND table_name = '${name}'
      UNION ALL SELECT 1 FROM duckdb_views() WHERE schema_name = '${schema}' AND view_name = '${name}'`)).length > 0,
    snapshots: async (ref) => ((await rows(`SELECT 1 FROM duckdb_tables() WHERE schema_name = '_factory' AND table_name = 'product_snapshots'`)).length === 0 ? []
      : (await rows(`SELECT DISTINCT snapshot FROM _factory.product_snapshots WHERE table_ref = '${ref}'`)).map((r) => String(r[0]))),
    close: () => wh.close(),
  };
}
