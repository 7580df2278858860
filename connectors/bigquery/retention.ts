import { qualified } from '../../core/sql/bigquery.js';
import { layerSchema } from '../warehouse/load-port.js';
import type { BigQueryOps } from './ops.js';
import type {
  ChangeLogRetentionInput, ChangeLogRetentionResult, Retention, SnapshotRetentionInput, SnapshotRetentionResult,
} from '../warehouse/retention-port.js';

/**
 * Retention on BigQuery (retention-port.ts). A change log loses its rows ingested before the cutoff
 * in one DELETE (atomic on its own); the counts around it are read in the table's queue, which change
 * capture shares, so no batch lands between them. Publication is not built on BigQuery yet, so no
 * product has snapshots here: pruneSnapshots says so, and refuses once publication control tables
 * appear, rather than silently keeping snapshots forever.
 */

export function createBigQueryRetention({ q, tableExists, inTableQueue }: BigQueryOps): Retention {
  return {
    async pruneChangeLog({ domain, table, cutoff, dryRun }: ChangeLogRetentionInput): Promise<ChangeLogRetentionResult> {
      const schema = layerSchema('raw', domain);
      const name = `${table}__changes`;
      const changeLog = `${schema}.${name}`;
      if (Number.isNaN(Date.parse(cutoff))) throw new Error(`cutoff '${cutoff}': expected an ISO-8601 UTC time such as 2026-09-01T03:30:00.000Z`);
      return inTableQueue(`${domain}.${table}`, async () => {
        if (!(await tableExists(schema, name))) return { changeLog, exists: false, before: 0, deleted: 0, after: 0 };
        const target = qualified(schema, name);
        const old = '_ingested_at < TIMESTAMP(@cutoff)';
        const count = async (where = 'TRUE') => Number((await q<{ n: number }>(`SELECT COUNT(*) AS n FROM ${target} WHERE ${where}`, { params: { cutoff } }))[0]!.n);
        const before = await count();
        const deleted = await count(old);
        if (!dryRun && deleted > 0) await q(`DELETE FROM ${target} WHERE ${old}`, { params: { cutoff } });
        return { changeLog, exists: true, before, deleted, after: dryRun ? before : await count() };
      });
    },

    async pruneSnapshots({ domain, product }: SnapshotRetentionInput): Promise<SnapshotRetentionResult> {
      if (await tableExists('_factory', 'published_views')) {
        throw new Error(`product ${domain}.${product}: BigQuery has publication control tables but no snapshot retention yet; implement pruneSnapshots in connectors/bigquery/retention.ts`);
      }
      return { servedVersion: null, dropped: [], kept: [] };
    },
  };
}
