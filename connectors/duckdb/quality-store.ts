import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import type { CheckMetrics } from '../../core/quality/types.js';
import { baselinesToKeep, type QualityBaseline, type QualityReport, type QualityRuleOutcome } from '../../core/quality-report.js';
import type {
  QualityTargetInput, QualityTargetResult, QualityStore, RunQualityQueryInput, RunQualityQueryResult,
} from '../warehouse/quality-port.js';
import { toQualityValue } from '../../core/quality/values.js';
import { layerSchema } from '../warehouse/port.js';
import { qualified } from '../../core/sql/duckdb.js';
import { quarantineTableName } from './quarantine-sql.js';
import {
  baselinesSql, deleteReportSql, insertResultSql, insertRunSql, lastRunSql, replaceBaselineSql, reportResultsSql, tableColumnsSql,
  timestampText,
} from './quality-sql.js';
import { inTransaction } from './session.js';

/**
 * The quality side of the DuckDB warehouse owner. Checks run on short-lived reader connections of
 * the owner's instance: DuckDB reads a committed snapshot there while the writer keeps loading, so
 * a long check never holds up a backfill or change capture. Reports and baselines are writes and
 * go through the owner's single write queue.
 */
export interface DuckDbQualityDeps {
  instance: DuckDBInstance;
  writer: DuckDBConnection;
  /** The owner's write queue: `work` runs after every earlier write. */
  serial<T>(work: () => Promise<T>): Promise<T>;
}

export function createDuckDbQuality({ instance, writer, serial }: DuckDbQualityDeps): QualityStore {
  async function read<T>(work: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    const reader = await instance.connect();
    try {
      return await work(reader);
    } finally {
      reader.closeSync();
    }
  }
  const rows = async (c: DuckDBConnection, sql: string, params: Parameters<DuckDBConnection['runAndReadAll']>[1] = []) =>
    (await c.runAndReadAll(sql, params)).getRowsJS() as unknown[][];

  return {
    qualityTarget({ domain, table }: QualityTargetInput): Promise<QualityTargetResult> {
      return read(async (reader) => {
        const schema = layerSchema('raw', domain);
        const columns = (await rows(reader, tableColumnsSql, [schema, table])).map((r) => String(r[0]));
        if (columns.length === 0) return { target: null };
        const target = qualified(schema, table);
        const found: QualityTargetResult = columns.includes('_deleted') ? { target, liveFilter: 'NOT coalesce("_deleted", false)' } : { target };
        const quarantine = quarantineTableName(table);
        if ((await rows(reader, tableColumnsSql, [schema, quarantine])).length > 0) found.quarantine = qualified(schema, quarantine);
        return found;
      });
    },

    runQualityQuery({ sql }: RunQualityQueryInput): Promise<RunQualityQueryResult> {
      return read(async (reader) => {
        const [first] = (await reader.runAndReadAll(sql)).getRowObjectsJS();
        if (!first) return { row: null };
        return { row: Object.fromEntries(Object.entries(first).map(([k, v]) => [k, toQualityValue(v)])) };
      });
    },

    storeQualityReport(report: QualityReport): Promise<void> {
      return serial(() => inTransaction(writer, async () => {
        for (const sql of deleteReportSql) await writer.run(sql, [report.reportId]);
        const at = timestampText(report.checkedAt);
        await writer.run(insertRunSql, [report.reportId, report.product, report.domain, report.status, report.results.length, Math.round(report.durationMs), at]);
        for (const [i, r] of report.results.entries()) await writer.run(insertResultSql, resultParams(report, r, i, at));
        for (const b of baselinesToKeep(report)) {
          await writer.run(replaceBaselineSql[0]!, [b.domain, b.table, b.ruleId]);
          await writer.run(replaceBaselineSql[1]!, [b.domain, b.table, b.ruleId, JSON.stringify(b.metrics), report.reportId, at]);
        }
      }));
    },

    lastQualityReport({ product }: { product: string }): Promise<QualityReport | null> {
      return read(async (reader) => {
        const [run] = await rows(reader, lastRunSql, [product]);
        if (!run) return null;
        const reportId = String(run[0]);
        const results = (await rows(reader, reportResultsSql, [reportId])).map(outcomeOf);
        return {
          reportId, product, domain: String(run[1]), status: String(run[2]) as QualityReport['status'], results,
          durationMs: Number(run[3]), checkedAt: String(run[4]),
        };
      });
    },

    qualityBaselines({ tables }: { tables: Array<{ domain: string; table: string }> }): Promise<QualityBaseline[]> {
      // An empty list has no item type DuckDB could bind.
      if (tables.length === 0) return Promise.resolve([]);
      return read(async (reader) => {
        const names = listValue(tables.map((t) => `${t.domain}.${t.table}`));
        return (await rows(reader, baselinesSql, [names])).map((r) => ({
          domain: String(r[0]), table: String(r[1]), ruleId: String(r[2]), metrics: JSON.parse(String(r[3])) as CheckMetrics, recordedAt: String(r[4]),
        }));
      });
    },
  };
}

function resultParams(report: QualityReport, r: QualityRuleOutcome, position: number, at: string) {
  return [
    report.reportId, position, report.product, r.domain, r.table, r.ruleId, r.kind, r.severity, r.metric, r.threshold, r.status,
    r.failing ?? null, r.total ?? null, JSON.stringify(r.sampleKeys.slice(0, 20)), r.detail, JSON.stringify(r.measured),
    Math.round(r.durationMs), at,
  ];
}

function outcomeOf(r: unknown[]): QualityRuleOutcome {
  const outcome: QualityRuleOutcome = {
    domain: String(r[0]), table: String(r[1]), ruleId: String(r[2]), kind: String(r[3]) as QualityRuleOutcome['kind'],
    severity: String(r[4]) as QualityRuleOutcome['severity'], status: String(r[5]) as QualityRuleOutcome['status'],
    metric: r[6] === null ? null : Number(r[6]), threshold: Number(r[7]), sampleKeys: JSON.parse(String(r[10])) as string[],
    detail: String(r[11]), measured: JSON.parse(String(r[12])) as CheckMetrics, durationMs: Number(r[13]),
  };
  if (r[8] !== null) outcome.failing = Number(r[8]);
  if (r[9] !== null) outcome.total = Number(r[9]);
  return outcome;
}
