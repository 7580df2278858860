import { query } from '../../connectors/bigquery/client.js';
import type { BigQueryWarehouse } from '../../connectors/bigquery/warehouse.js';
import type { DuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { OpenWarehouse } from '../../connectors/warehouse/port.js';
import type { WarehouseDialect } from '../../core/sql/dialect.js';
import { workflowsSetting } from '../../workers/capabilities.js';
import { bigQueryEnv, dropProject, emulatorUnavailable, runProject } from './bigquery.js';

/**
 * The warehouses the end-to-end tests run on: DuckDB (embedded file) and BigQuery (the local
 * emulator). Each test file runs its body once per warehouse, with its own warehouse: a DuckDB file
 * in the test's folder, or a BigQuery project of its own on the emulator.
 */

export type WarehouseKind = WarehouseDialect;

export interface WarehouseVariant {
  kind: WarehouseKind;
  /** When set, this variant is skipped and the reason is in its name. */
  unavailable: string | undefined;
  /** Settings for the test's workers: the warehouse choice and, for BigQuery, the run's own project. */
  env(name: string): Record<string, string>;
  /** Drops what env() created (the BigQuery project's datasets; the DuckDB file goes with the test's folder). */
  cleanup(): Promise<void>;
}

const bigQueryMissing = await emulatorUnavailable();

export function warehouseVariants(): WarehouseVariant[] {
  const projects: string[] = [];
  return [
    { kind: 'duckdb', unavailable: undefined, env: () => ({ FACTORY_WAREHOUSE: 'duckdb' }), cleanup: async () => undefined },
    {
      kind: 'bigquery',
      unavailable: bigQueryMissing,
      env(name: string) {
        const project = runProject(name);
        projects.push(project);
        // The workflows BigQuery can run: the worker refuses to start for any other.
        return { ...bigQueryEnv(project), FACTORY_WORKFLOWS: workflowsSetting('bigquery') };
      },
      async cleanup() {
        for (const project of projects.splice(0)) await dropProject(project);
      },
    },
  ];
}

/** The suite title of a variant, with the reason when it is skipped. */
export const variantTitle = (title: string, v: WarehouseVariant): string =>
  `${title} [${v.kind}]${v.unavailable ? ` — skipped: ${v.unavailable}` : ''}`;

/**
 * A reader's query on an open warehouse (DuckDB through a reader connection, BigQuery through the
 * adapter's client): names spelt unquoted, column names upper-cased (the emulator answers unquoted
 * names in lower case), integers and decimals as numbers.
 */
export async function readWarehouse(warehouse: OpenWarehouse, sql: string): Promise<Array<Record<string, unknown>>> {
  const number = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v !== null && typeof v === 'object' && v.constructor?.name === 'Big' ? Number(String(v)) : v);
  const rows = warehouse.kind === 'duckdb'
    ? (await (await (warehouse as unknown as DuckDbWarehouse).connectReader()).runAndReadAll(sql)).getRowObjectsJS()
    : await query<Record<string, unknown>>((warehouse as unknown as BigQueryWarehouse).client, sql, { maximumBytesBilled: 10 ** 12 });
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toUpperCase(), number(v)])));
}
