import { proxyActivities } from '@temporalio/workflow';
import type { createSourceActivities } from '../activities/source/index.js';
import type { createWarehouseActivities } from '../activities/warehouse/index.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { runPool } from './lib/pool.js';
import type { VerifyTablesInput, VerifyTablesResult } from './api/verify.js';

/** Source vs warehouse, per table: row count and content checksum, each computed where the data lives. */
export async function verifyTables(input: VerifyTablesInput): Promise<VerifyTablesResult> {
  const source = proxyActivities<ReturnType<typeof createSourceActivities>>(longChunk);
  const listing = proxyActivities<ReturnType<typeof createSourceActivities>>(shortIo);
  const warehouse = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...longChunk, taskQueue: input.warehouseTaskQueue });
  const names = input.tables.length ? input.tables : (await listing.listTables({ domain: input.domain })).tables;
  const tables = await runPool(names, 4, async (qualified) => {
    const [domain, table] = qualified.split('.') as [string, string];
    const [s, w] = await Promise.all([source.sourceTableStats({ domain, table }), warehouse.tableStats({ domain, table })]);
    return { table: qualified, source: s, warehouse: w, equal: s.rows === w.rows && s.checksum === w.checksum };
  });
  return { tables, allEqual: tables.every((t) => t.equal) };
}
