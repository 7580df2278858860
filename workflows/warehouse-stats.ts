import { proxyActivities } from '@temporalio/workflow';
import type { createWarehouseActivities } from '../activities/warehouse/index.js';
import { shortIo } from './lib/activity-options.js';
import type { WarehouseStatsInput, WarehouseStatsResult } from './api/warehouse-stats.js';

/**
 * Row count and content checksum of warehouse tables, asked of the warehouse owner: nothing else
 * opens the warehouse file, so the CLI and tests read through this workflow.
 */
export async function warehouseStats(input: WarehouseStatsInput): Promise<WarehouseStatsResult> {
  const warehouse = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  const tables = await Promise.all(
    input.tables.map(async (qualified) => {
      const [domain, table] = qualified.split('.') as [string, string];
      const [stats, last] = await Promise.all([warehouse.tableStats({ domain, table }), warehouse.lastBackfill({ domain, table })]);
      return {
        table: qualified,
        ...stats,
        lastBackfill: last && { rows: last.rows, checksum: last.checksum, recordedAt: last.recordedAt, sourcePosition: last.sourcePosition },
      };
    }),
  );
  return { tables };
}
