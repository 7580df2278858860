import { InvalidInputError } from '../../core/errors.js';
import { qualified } from '../../core/sql/bigquery.js';
import { layerSchema } from '../warehouse/load-port.js';
import { publishedViewName } from '../warehouse/publish-port.js';
import type { BigQueryOps } from './ops.js';
import { createBigQueryPublish, publicationQueue } from './publish.js';
import type {
  ChangeLogRetentionInput, ChangeLogRetentionResult, DroppedVersion, Retention, SnapshotRetentionInput, SnapshotRetentionResult,
} from '../warehouse/retention-port.js';

/**
 * Retention on BigQuery (retention-port.ts). A change log loses its rows ingested before the cutoff
 * in one DELETE (atomic on its own); the counts around it are read in the table's queue, which change
 * capture shares, so no batch lands between them. A product loses the snapshots of versions older
 * than the one its pointer names (publish.ts), aged from the first promotion of a newer version
 * (`_factory.product_promotions`), or from the served version's promotion when none is recorded —
 * later than the real supersession, so kept longer, never shorter, than declared. Drops are DDL,
 * not transactional: the views are settled first (none reads an older snapshot), then each table
 * goes and its records last, so a retry finishes what a failed run began.
 */

/** `published_<domain>.<product>__<table>__v<version>`, as stored: checked before it names a table to drop. */
function snapshotParts(domain: string, product: string, version: number, snapshot: string): [string, string] {
  const dataset = layerSchema('published', domain);
  const m = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(snapshot);
  if (!m || m[1] !== dataset || !m[2]!.startsWith(`${product}__`) || !m[2]!.endsWith(`__v${version}`)) {
    throw new InvalidInputError(`product ${domain}.${product} v${version}: stored snapshot name '${snapshot}' is not one of its snapshots`);
  }
  return [m[1]!, m[2]!];
}

export function createBigQueryRetention(ops: BigQueryOps): Retention {
  const { q, tableExists, inTableQueue, dropTable } = ops;
  const publication = createBigQueryPublish(ops);
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

    async pruneSnapshots({ domain, product, cutoff, dryRun }: SnapshotRetentionInput): Promise<SnapshotRetentionResult> {
      publishedViewName(domain, product, 'any');
      const limit = Date.parse(cutoff);
      if (Number.isNaN(limit) || !/(Z|[+-]\d\d:?\d\d)$/.test(cutoff)) throw new InvalidInputError(`cutoff '${cutoff}': expected an ISO-8601 UTC time such as 2026-09-01T03:30:00.000Z`);
      return inTableQueue(publicationQueue(domain, product), async () => {
        const servedVersion = await publication.servedVersion(domain, product);
        if (servedVersion === null) return { servedVersion: null, dropped: [], kept: [] };
        const params = { params: { domain, product } };
        const snapshots = await q<{ version: number; snapshot: string }>(
          'SELECT version, snapshot FROM _factory.product_snapshots WHERE domain = @domain AND product = @product ORDER BY version, snapshot', params);
        const promotions = (await q<{ version: number; at: number }>(
          'SELECT version, UNIX_MILLIS(promoted_at) AS at FROM _factory.product_promotions WHERE domain = @domain AND product = @product', params))
          .map((p) => ({ version: Number(p.version), at: Number(p.at) }));
        const [served] = await q<{ at: number }>('SELECT UNIX_MILLIS(promoted_at) AS at FROM _factory.published_versions WHERE domain = @domain AND product = @product', params);
        const older = [...new Set(snapshots.map((s) => Number(s.version)).filter((v) => v < servedVersion))];
        const dropped: DroppedVersion[] = [];
        const kept: number[] = [];
        for (const version of older) {
          const newer = promotions.filter((p) => p.version > version).map((p) => p.at);
          const supersededAt = newer.length ? Math.min(...newer) : Number(served!.at);
          if (supersededAt >= limit) {
            kept.push(version);
            continue;
          }
          dropped.push({ version, supersededAt: new Date(supersededAt).toISOString(), snapshots: snapshots.filter((s) => Number(s.version) === version).map((s) => s.snapshot) });
        }
        if (dryRun || dropped.length === 0) return { servedVersion, dropped, kept };
        await publication.settle(domain, product);
        for (const d of dropped) {
          for (const snapshot of d.snapshots) await dropTable(...snapshotParts(domain, product, d.version, snapshot));
          await q('DELETE FROM _factory.product_snapshots WHERE domain = @domain AND product = @product AND version = @version', { params: { domain, product, version: d.version } });
        }
        return { servedVersion, dropped, kept };
      });
    },
  };
}
