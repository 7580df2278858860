/**
 * DuckDB SQL of the quality gate's control tables: one row per gate run, one per rule result, and
 * the baselines the next run compares against. No constraints, like the other control tables: the
 * owner's single write queue serialises every change.
 */

export const qualityTablesSql = [
  `CREATE TABLE IF NOT EXISTS _factory.quality_runs (report_id VARCHAR, product VARCHAR, domain VARCHAR, status VARCHAR,
     rule_count INTEGER, duration_ms BIGINT, checked_at TIMESTAMP)`,
  // sample_keys: a JSON array of at most 20 key texts; measured: the metrics as a JSON object.
  `CREATE TABLE IF NOT EXISTS _factory.quality_reports (report_id VARCHAR, position INTEGER, product VARCHAR, domain VARCHAR,
     table_name VARCHAR, rule_id VARCHAR, kind VARCHAR, severity VARCHAR, metric DOUBLE, threshold DOUBLE, status VARCHAR,
     failing BIGINT, total BIGINT, sample_keys VARCHAR, detail VARCHAR, measured VARCHAR, duration_ms BIGINT, checked_at TIMESTAMP)`,
  // One row per volume or distribution rule: the metrics (JSON) its next run compares against.
  `CREATE TABLE IF NOT EXISTS _factory.quality_baselines (domain VARCHAR, table_name VARCHAR, rule_id VARCHAR, metrics VARCHAR,
     report_id VARCHAR, recorded_at TIMESTAMP)`,
];

export const deleteReportSql = [
  'DELETE FROM _factory.quality_runs WHERE report_id = ?',
  'DELETE FROM _factory.quality_reports WHERE report_id = ?',
];

export const insertRunSql = 'INSERT INTO _factory.quality_runs VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))';

export const insertResultSql =
  'INSERT INTO _factory.quality_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))';

export const replaceBaselineSql = [
  'DELETE FROM _factory.quality_baselines WHERE domain = ? AND table_name = ? AND rule_id = ?',
  'INSERT INTO _factory.quality_baselines VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))',
];

const isoText = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

export const lastRunSql = `SELECT report_id, domain, status, duration_ms, ${isoText('checked_at')} FROM _factory.quality_runs
  WHERE product = ? ORDER BY checked_at DESC, report_id DESC LIMIT 1`;

export const reportResultsSql = `SELECT domain, table_name, rule_id, kind, severity, status, metric, threshold, failing, total,
  sample_keys, detail, measured, duration_ms FROM _factory.quality_reports WHERE report_id = ? ORDER BY position`;

/** Baselines of the given tables; `?` is a list of '<domain>.<table>' texts. */
export const baselinesSql = `SELECT domain, table_name, rule_id, metrics, ${isoText('recorded_at')} FROM _factory.quality_baselines
  WHERE list_contains(?::VARCHAR[], domain || '.' || table_name) ORDER BY domain, table_name, rule_id`;

export const tableColumnsSql = `SELECT column_name FROM duckdb_columns()
  WHERE database_name = current_database() AND schema_name = ? AND table_name = ?`;

/** An ISO-8601 UTC instant as DuckDB TIMESTAMP text (no zone: the session zone must not shift it). */
export function timestampText(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}
