import { baselinesToKeep, type QualityReport, type QualityRuleOutcome } from '../../core/quality-report.js';
import { literal } from '../../core/sql/bigquery.js';

/**
 * BigQuery SQL of the quality gate's control tables (created with the others, sql.ts
 * controlTablesSql), the same layout as DuckDB's (connectors/duckdb/quality-sql.ts): one row per gate
 * run, one per rule result, and the baselines the next run compares against.
 */

/** A number as a SQL literal: integers as they are, NULL for none (FLOAT64 columns take any finite number). */
function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (!Number.isFinite(value)) throw new Error(`quality report: ${value} cannot be stored (expected a finite number)`);
  return String(value);
}

/** A TIMESTAMP literal in GoogleSQL's canonical form ('YYYY-MM-DD HH:MM:SS.fff+00'), the one both BigQuery and the emulator read. */
const at = (iso: string): string => `TIMESTAMP ${literal(`${new Date(iso).toISOString().replace('T', ' ').replace('Z', '')}+00`)}`;

function resultRow(report: QualityReport, r: QualityRuleOutcome, position: number): string {
  return `(${[
    literal(report.reportId), position, literal(report.product), literal(r.domain), literal(r.table), literal(r.ruleId), literal(r.kind),
    literal(r.severity), num(r.metric), num(r.threshold), literal(r.status), num(r.failing), num(r.total),
    literal(JSON.stringify(r.sampleKeys.slice(0, 20))), literal(r.detail), literal(JSON.stringify(r.measured)), Math.round(r.durationMs),
    at(report.checkedAt),
  ].join(', ')})`;
}

/**
 * One transaction that replaces the report (its run row and result rows) and the baselines it
 * yields: a retried store leaves one copy. Values are inlined as escaped literals because the
 * emulator does not bind query parameters in multi-statement scripts.
 */
export function storeReportScript(report: QualityReport): string {
  const id = literal(report.reportId);
  const statements = [
    'BEGIN TRANSACTION',
    `DELETE FROM _factory.quality_runs WHERE report_id = ${id}`,
    `DELETE FROM _factory.quality_reports WHERE report_id = ${id}`,
    `INSERT INTO _factory.quality_runs (report_id, product, domain, status, rule_count, duration_ms, checked_at) VALUES (${[
      id, literal(report.product), literal(report.domain), literal(report.status), report.results.length, Math.round(report.durationMs), at(report.checkedAt),
    ].join(', ')})`,
  ];
  if (report.results.length > 0) {
    statements.push(`INSERT INTO _factory.quality_reports (report_id, position, product, domain, table_name, rule_id, kind, severity, metric,
  threshold, status, failing, total, sample_keys, detail, measured, duration_ms, checked_at) VALUES
${report.results.map((r, i) => resultRow(report, r, i)).join(',\n')}`);
  }
  const baselines = baselinesToKeep(report);
  if (baselines.length > 0) {
    const which = baselines.map((b) => `(domain = ${literal(b.domain)} AND table_name = ${literal(b.table)} AND rule_id = ${literal(b.ruleId)})`);
    statements.push(`DELETE FROM _factory.quality_baselines WHERE ${which.join(' OR ')}`);
    const rows = baselines.map((b) => `(${[literal(b.domain), literal(b.table), literal(b.ruleId), literal(JSON.stringify(b.metrics)), id, at(report.checkedAt)].join(', ')})`);
    statements.push(`INSERT INTO _factory.quality_baselines (domain, table_name, rule_id, metrics, report_id, recorded_at) VALUES ${rows.join(', ')}`);
  }
  statements.push('COMMIT TRANSACTION');
  return `${statements.join(';\n')};`;
}

// Times travel as epoch milliseconds: the emulator does not support FORMAT_TIMESTAMP's %E3S.
export const lastRunSql = `SELECT report_id, domain, status, duration_ms, UNIX_MILLIS(checked_at) AS checked_ms FROM _factory.quality_runs
  WHERE product = @product ORDER BY checked_at DESC, report_id DESC LIMIT 1`;

export const reportResultsSql = `SELECT domain, table_name, rule_id, kind, severity, status, metric, threshold, failing, total,
  sample_keys, detail, measured, duration_ms FROM _factory.quality_reports WHERE report_id = @reportId ORDER BY position`;

/** Baselines of the given tables; @names is an array of '<domain>.<table>' texts. */
export const baselinesSql = `SELECT domain, table_name, rule_id, metrics, UNIX_MILLIS(recorded_at) AS recorded_ms FROM _factory.quality_baselines
  WHERE CONCAT(domain, '.', table_name) IN UNNEST(@names) ORDER BY domain, table_name, rule_id`;
