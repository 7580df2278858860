/** The public face of workflow warehouseStats (workflows/warehouse-stats.ts). */

export interface WarehouseStatsInput {
  /** Qualified table names '<domain>.<table>'. */
  tables: string[];
  warehouseTaskQueue: string;
}

export interface WarehouseStatsResult {
  tables: Array<{ table: string; rows: number; checksum: string; lastBackfill: { rows: number; checksum: string; recordedAt: string; sourcePosition: string } | null }>;
}

export const warehouseStatsWorkflowType = 'warehouseStats';
export type WarehouseStatsWorkflow = (input: WarehouseStatsInput) => Promise<WarehouseStatsResult>;

/** `warehouse-stats:<label>:<stamp>`: a read, so every call runs under its own id. */
export function warehouseStatsWorkflowId(label: string, stamp: number | string): string {
  return `warehouse-stats:${label}:${stamp}`;
}
