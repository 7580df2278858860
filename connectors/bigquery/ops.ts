import type { BigQuery, TableField } from '@google-cloud/bigquery';
import type { QueryOptions } from './client.js';

/**
 * What the BigQuery adapter's capability modules (retention.ts, and one file per capability) share
 * of the open warehouse: queries under the byte cap, dataset and table housekeeping, and the
 * per-table queue that change capture uses, so a module's mutating statements on a table never
 * race a change batch on it.
 */
export interface BigQueryOps {
  /** For job runs (runJob) and metadata calls; queries go through `q`, which carries the byte cap. */
  readonly client: BigQuery;
  readonly projectId: string;
  readonly location: string;
  /** The byte cap every query carries (maximumBytesBilled). */
  readonly maximumBytesBilled: number;
  /** True against the local emulator (BIGQUERY_API_ENDPOINT set). */
  readonly emulator: boolean;
  q<T = Record<string, unknown>>(sql: string, extra?: Omit<QueryOptions, 'maximumBytesBilled'>): Promise<T[]>;
  tableExists(dataset: string, table: string): Promise<boolean>;
  ensureDataset(name: string, labels: Record<string, string>): Promise<void>;
  /** Creates the table when missing; true when it existed. */
  ensureTable(dataset: string, table: string, fields: TableField[], extra?: { clustering?: string[]; labels?: Record<string, string> }): Promise<boolean>;
  /** Drops the table; a missing one is fine. */
  dropTable(dataset: string, table: string): Promise<void>;
  /** Runs `work` in the table's queue (the one applyChanges uses for '<domain>.<table>'). */
  inTableQueue<T>(key: string, work: () => Promise<T>): Promise<T>;
}
