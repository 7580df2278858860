import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.js';
import { qualified } from '../../core/sql/duckdb.js';
import { layerSchema } from '../warehouse/load-port.js';
import { publishedViewName } from '../warehouse/publish-port.js';
import type {
  ChangeLogRetentionInput, ChangeLogRetentionResult, DroppedVersion, Retention, SnapshotRetentionInput, SnapshotRetentionResult,
} from '../warehouse/retention-port.js';
import { publishControlSql } from './publish.js';

/**
 * Retention on DuckDB (retention-port.ts), on the owner's single writer. Change logs lose their rows
 * ingested before the cutoff; a product loses the snapshots of versions older than the served one,
 * aged from the promotion that superseded them (`_factory.product_promotions`). A version superseded
 * before that table existed is aged from the served version's promotion instead: later than the real
 * supersession, so such a snapshot is kept longer, never shorter, than declared.
 */

export interface DuckDbRetentionDeps {
  writer: DuckDBConnection;
  serial<T>(work: () => Promise<T>): Promise<T>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** DuckDB stores UTC as a naive TIMESTAMP: '2026-12-03 10:00:00.000'. */
function timestampText(field: string, iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at) || !/(Z|[+-]\d\d:?\d\d)$/.test(iso)) throw new InvalidInputError(`${field} '${iso}': expected an ISO-8601 UTC time such as 2026-09-01T03:30:00.000Z`);
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Each version older than the served one (params: domain, product twice, served version, cutoff),
 * with its snapshots and when it was superseded: the first promotion of a newer version.
 */
const olderVersionsSql = `WITH served AS (SELECT min(promoted_at) AS served_at FROM _factory.published_views WHERE domain = ? AND product = ?),
older AS (
  SELECT s.version, list(s.snapshot ORDER BY s.snapshot) AS snapshots,
         coalesce((SELECT min(p.promoted_at) FROM _factory.product_promotions p
                   WHERE p.domain = s.domain AND p.product = s.product AND p.version > s.version), (SELECT served_at FROM served)) AS superseded_at
  FROM _factory.product_snapshots s WHERE s.domain = ? AND s.product = ? AND s.version < ?
  GROUP BY s.domain, s.product, s.version)
SELECT version, snapshots, strftime(superseded_at, '%Y-%m-%dT%H:%M:%S.%gZ'), superseded_at < CAST(? AS TIMESTAMP) FROM older ORDER BY version`;

/** `published_<domain>.<product>__<table>__v<version>`, as stored: checked before it goes into DDL. */
function snapshotParts(domain: string, product: string, version: number, snapshot: string): [string, string] {
  const schema = layerSchema('published', domain);
  const prefix = `${product}__`;
  const m = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(snapshot);
  if (!m || m[1] !== schema || !m[2]!.startsWith(prefix) || !m[2]!.endsWith(`__v${version}`)) {
    throw new InvalidInputError(`product ${domain}.${product} v${version}: stored snapshot name '${snapshot}' is not one of its snapshots`);
  }
  return [m[1]!, m[2]!];
}

export function createDuckDbRetention({ writer, serial, transaction }: DuckDbRetentionDeps): Retention {
  const rows = async (sql: string, params: DuckDBValue[] = []) => (await writer.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
  const count = async (sql: string, params: DuckDBValue[] = []) => Number((await rows(sql, params))[0]![0]);

  return {
    async pruneChangeLog({ domain, table, cutoff, dryRun }: ChangeLogRetentionInput): Promise<ChangeLogRetentionResult> {
      const schema = layerSchema('raw', domain);
      const name = `${table}__changes`;
      const changeLog = `${schema}.${name}`;
      const before = timestampText('cutoff', cutoff);
      return serial(() => transaction(async () => {
        const exists = await count(
          'SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [schema, name]);
        if (!exists) return { changeLog, exists: false, before: 0, deleted: 0, after: 0 };
        const target = qualified(schema, name);
        const total = await count(`SELECT count(*) FROM ${target}`);
        const old = `"_ingested_at" < CAST(? AS TIMESTAMP)`;
        const deleted = await count(`SELECT count(*) FROM ${target} WHERE ${old}`, [before]);
        if (!dryRun && deleted > 0) await writer.run(`DELETE FROM ${target} WHERE ${old}`, [before]);
        return { changeLog, exists: true, before: total, deleted, after: dryRun ? total : await count(`SELECT count(*) FROM ${target}`) };
      }));
    },

    async pruneSnapshots({ domain, product, cutoff, dryRun }: SnapshotRetentionInput): Promise<SnapshotRetentionResult> {
      publishedViewName(domain, product, 'any');
      const limit = timestampText('cutoff', cutoff);
      return serial(async () => {
        for (const sql of publishControlSql) await writer.run(sql);
        return transaction(async () => {
          const [[low, high]] = (await rows(
            'SELECT min(version), max(version) FROM _factory.published_views WHERE domain = ? AND product = ?', [domain, product])) as [[unknown, unknown]];
          if (low === null) return { servedVersion: null, dropped: [], kept: [] };
          if (low !== high) throw new InvalidInputError(`product ${domain}.${product}: its views serve versions ${String(low)} and ${String(high)}; promote one version again before retention runs`);
          const servedVersion = Number(low);
          const older = await rows(olderVersionsSql, [domain, product, domain, product, servedVersion, limit]);
          const dropped: DroppedVersion[] = [];
          const kept: number[] = [];
          for (const [v, snapshots, supersededAt, expired] of older) {
            const version = Number(v);
            if (!expired) {
              kept.push(version);
              continue;
            }
            const names = (snapshots as unknown[]).map(String);
            dropped.push({ version, supersededAt: String(supersededAt), snapshots: names });
            if (dryRun) continue;
            for (const snapshot of names) await writer.run(`DROP TABLE IF EXISTS ${qualified(...snapshotParts(domain, product, version, snapshot))}`);
            await writer.run('DELETE FROM _factory.product_snapshots WHERE domain = ? AND product = ? AND version = ?', [domain, product, version]);
          }
          return { servedVersion, dropped, kept };
        });
      });
    },
  };
}

