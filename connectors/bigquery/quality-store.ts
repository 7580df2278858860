import { BigQueryDate, BigQueryDatetime, BigQueryTime, BigQueryTimestamp } from '@google-cloud/bigquery';
import type { CheckMetrics } from '../../core/quality/types.js';
import type { QualityBaseline, QualityReport, QualityRuleOutcome } from '../../core/quality-report.js';
import { toQualityValue, type QualityValue } from '../../core/quality/values.js';
import { qualified } from '../../core/sql/bigquery.js';
import type { QualityStore, QualityTargetInput, QualityTargetResult, RunQualityQueryInput, RunQualityQueryResult } from '../warehouse/quality-port.js';
import { layerSchema } from '../warehouse/load-port.js';
import { runJob, withRetry } from './client.js';
import type { BigQueryOps } from './ops.js';
import { baselinesSql, lastRunSql, reportResultsSql, storeReportScript } from './quality-sql.js';
import { quarantineTableName } from '../../core/quality/quarantine-rules.js';

/**
 * The quality side of the BigQuery warehouse (quality-port.ts). Checks are query jobs under the
 * byte cap: BigQuery reads a snapshot, so a check never holds up a load or a change batch. A report
 * is stored by one multi-statement transaction that replaces it whole; stores go one at a time
 * through one queue, because two transactions on the same control table abort one another.
 */

/** Live rows only: raw tables on BigQuery always carry `_deleted` (sql.ts lineageFields). */
const liveFilter = 'NOT COALESCE(`_deleted`, FALSE)';

export function createBigQueryQuality(ops: BigQueryOps): QualityStore {
  const { q, tableExists, inTableQueue } = ops;
  return {
    async qualityTarget({ domain, table }: QualityTargetInput): Promise<QualityTargetResult> {
      const schema = layerSchema('raw', domain);
      if (!(await tableExists(schema, table))) return { target: null };
      const found: QualityTargetResult = { target: qualified(schema, table), liveFilter };
      const quarantine = quarantineTableName(table);
      if (await tableExists(schema, quarantine)) found.quarantine = qualified(schema, quarantine);
      return found;
    },

    async runQualityQuery({ sql }: RunQualityQueryInput): Promise<RunQualityQueryResult> {
      const [first] = await firstRows(ops, sql);
      if (!first) return { row: null };
      return { row: Object.fromEntries(Object.entries(first).map(([k, v]) => [k, qualityValue(v)])) };
    },

    async storeQualityReport(report: QualityReport): Promise<void> {
      await inTableQueue('_factory.quality_reports', () => q(storeReportScript(report)));
    },

    async lastQualityReport({ product }: { product: string }): Promise<QualityReport | null> {
      const [run] = await q<Record<string, unknown>>(lastRunSql, { params: { product } });
      if (!run) return null;
      const reportId = String(run.report_id);
      const results = (await q<Record<string, unknown>>(reportResultsSql, { params: { reportId } })).map(outcomeOf);
      return {
        reportId, product, domain: String(run.domain), status: String(run.status) as QualityReport['status'], results,
        durationMs: Number(run.duration_ms), checkedAt: new Date(Number(run.checked_ms)).toISOString(),
      };
    },

    async qualityBaselines({ tables }: { tables: Array<{ domain: string; table: string }> }): Promise<QualityBaseline[]> {
      if (tables.length === 0) return [];
      const names = tables.map((t) => `${t.domain}.${t.table}`);
      return (await q<Record<string, unknown>>(baselinesSql, { params: { names }, types: { names: ['STRING'] } })).map((r) => ({
        domain: String(r.domain), table: String(r.table_name), ruleId: String(r.rule_id), metrics: JSON.parse(String(r.metrics)) as CheckMetrics,
        recordedAt: new Date(Number(r.recorded_ms)).toISOString(),
      }));
    },
  };
}

/**
 * The first rows of a query, with INT64 as bigint: the client would otherwise refuse (or round)
 * counts and sums beyond 2^53. A check returns one row; two are read to keep the page small.
 */
async function firstRows(ops: BigQueryOps, sql: string): Promise<Record<string, unknown>[]> {
  const { jobId } = await runJob(ops.client, `factory_check_${crypto.randomUUID().replace(/-/g, '')}`, {
    query: { query: sql, useLegacySql: false, maximumBytesBilled: String(ops.maximumBytesBilled) },
  });
  const [rows] = await withRetry(() => ops.client.job(jobId).getQueryResults({
    maxResults: 2, autoPaginate: false, wrapIntegers: { integerTypeCastFunction: (v: string) => BigInt(v) },
  }));
  return rows as Record<string, unknown>[];
}

/** A value as the client library hands it (Big, date and time wrappers) in the plain types toQualityValue takes. */
export function qualityValue(value: unknown): QualityValue {
  return toQualityValue(plain(value));
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (isBig(value)) {
    const text = value.toFixed();
    return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
  }
  if (value instanceof BigQueryTimestamp) return new Date(value.value);
  // DATETIME has no zone: UTC by convention, as DuckDB's TIMESTAMP.
  if (value instanceof BigQueryDatetime) return new Date(`${value.value.replace(' ', 'T')}Z`);
  if (value instanceof BigQueryDate || value instanceof BigQueryTime) return value.value;
  return value;
}

/** NUMERIC and BIGNUMERIC arrive as big.js numbers (a dependency of the client, not ours: recognised by shape). */
function isBig(value: unknown): value is { toFixed(): string } {
  return typeof value === 'object' && value !== null && 'c' in value && 'e' in value && 's' in value
    && typeof (value as { toFixed?: unknown }).toFixed === 'function';
}

function outcomeOf(r: Record<string, unknown>): QualityRuleOutcome {
  const outcome: QualityRuleOutcome = {
    domain: String(r.domain), table: String(r.table_name), ruleId: String(r.rule_id), kind: String(r.kind) as QualityRuleOutcome['kind'],
    severity: String(r.severity) as QualityRuleOutcome['severity'], status: String(r.status) as QualityRuleOutcome['status'],
    metric: r.metric === null ? null : Number(r.metric), threshold: Number(r.threshold), sampleKeys: JSON.parse(String(r.sample_keys)) as string[],
    detail: String(r.detail), measured: JSON.parse(String(r.measured)) as CheckMetrics, durationMs: Number(r.duration_ms),
  };
  if (r.failing !== null) outcome.failing = Number(r.failing);
  if (r.total !== null) outcome.total = Number(r.total);
  return outcome;
}
