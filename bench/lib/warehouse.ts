import { join } from 'node:path';
import { createBigQueryWarehouse } from '../../connectors/bigquery/warehouse.js';
import { createDuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { LoadAndCapture, OpenWarehouse } from '../../connectors/warehouse/port.js';
import type { Config } from '../../core/config.js';
import type { WarehouseDialect } from '../../core/sql/dialect.js';
import { workflowsSetting } from '../../workers/capabilities.js';
import { dropProject } from '../../test/support/bigquery.js';

/**
 * The warehouse a bench measures (`--warehouse duckdb|bigquery`), opened in-process or handed to
 * worker processes through their settings. BigQuery is the local emulator unless
 * GOOGLE_CLOUD_PROJECT names a project without BIGQUERY_API_ENDPOINT (BigQuery itself). On the
 * emulator each run works in a project of its own, dropped at the end; on BigQuery the run's tables
 * stay in the bench's datasets (raw_<domain>), under load ids of their own.
 */

export type WarehouseKind = WarehouseDialect;

export interface BenchWarehouse {
  kind: WarehouseKind;
  /** Opens the warehouse in this process; `name` tells DuckDB files apart. Its other capabilities are in `provides`. */
  open(name: string): Promise<LoadAndCapture & Pick<OpenWarehouse, 'provides'>>;
  /** Worker settings for the same warehouse; `name` as for open. */
  env(name: string): Record<string, string>;
  cleanup(): Promise<void>;
}

const localEmulator = 'http://127.0.0.1:9050';

export function benchWarehouse(kind: string | undefined, config: Config, dir: string): BenchWarehouse {
  if (kind === 'duckdb' || kind === undefined) {
    return {
      kind: 'duckdb',
      open: (name) => createDuckDbWarehouse({ path: join(dir, `${name}.duckdb`) }),
      env: (name) => ({ FACTORY_WAREHOUSE: 'duckdb', FACTORY_DUCKDB_PATH: join(dir, `${name}.duckdb`) }),
      cleanup: async () => undefined,
    };
  }
  if (kind !== 'bigquery') throw new Error(`--warehouse: expected duckdb or bigquery, got '${kind}'`);
  const apiEndpoint = config.BIGQUERY_API_ENDPOINT ?? (config.GOOGLE_CLOUD_PROJECT ? undefined : localEmulator);
  const projectId = apiEndpoint ? `bench-${Date.now().toString(36)}` : config.GOOGLE_CLOUD_PROJECT!;
  const location = config.BIGQUERY_LOCATION;
  return {
    kind: 'bigquery',
    open: () => createBigQueryWarehouse({ projectId, location, apiEndpoint, maximumBytesBilled: config.BIGQUERY_MAX_BYTES_BILLED }),
    env: () => ({
      FACTORY_WAREHOUSE: 'bigquery', FACTORY_WORKFLOWS: workflowsSetting('bigquery'), GOOGLE_CLOUD_PROJECT: projectId, BIGQUERY_LOCATION: location,
      ...(apiEndpoint ? { BIGQUERY_API_ENDPOINT: apiEndpoint } : {}),
    }),
    cleanup: async () => {
      if (apiEndpoint) await dropProject(projectId);
    },
  };
}
