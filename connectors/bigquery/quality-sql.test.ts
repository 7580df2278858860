import { describe, expect, it } from 'vitest';
import type { QualityReport } from '../../core/quality-report.js';
import { storeReportScript } from './quality-sql.js';

// The report store's script text: what the emulator and BigQuery both run as one transaction.

const report: QualityReport = {
  reportId: "run-'1'", product: 'res.guests', domain: 'res', status: 'block', durationMs: 12.4, checkedAt: '2024-05-01T10:00:00Z',
  results: [
    {
      domain: 'res', table: 'guest', ruleId: 'email_present', kind: 'not_null', severity: 'block', status: 'block', metric: 2 / 3, threshold: 0,
      failing: 2, total: 3, sampleKeys: ['a\\b'], measured: { row_count: 3 }, detail: "it's 67%", durationMs: 5,
    },
    {
      domain: 'res', table: 'guest', ruleId: 'guest_volume', kind: 'volume', severity: 'warn', status: 'block', metric: null, threshold: 10,
      sampleKeys: [], measured: { row_count: 3 }, detail: 'first run', durationMs: 1,
    },
  ],
};

describe('storeReportScript', () => {
  it('replaces the report in one transaction, values as escaped literals, NULL where nothing was measured', () => {
    const script = storeReportScript(report);
    expect(script.startsWith('BEGIN TRANSACTION;\n')).toBe(true);
    expect(script.endsWith('COMMIT TRANSACTION;')).toBe(true);
    expect(script).toContain("DELETE FROM _factory.quality_runs WHERE report_id = 'run-\\'1\\''");
    expect(script).toContain("'[\"a\\\\\\\\b\"]'");
    expect(script).toContain("'it\\'s 67%'");
    expect(script).toContain(`0.6666666666666666, 0, 'block', 2, 3,`);
    expect(script).toContain("NULL, 10, 'block', NULL, NULL,");
    expect(script).toContain("TIMESTAMP '2024-05-01 10:00:00.000+00'");
    // A blocked volume rule keeps its old baseline: no baseline statement at all.
    expect(script).not.toContain('quality_baselines');
  });

  it('refuses a metric that is not a finite number', () => {
    expect(() => storeReportScript({ ...report, results: [{ ...report.results[0]!, metric: Number.POSITIVE_INFINITY }] }))
      .toThrow('quality report: Infinity cannot be stored (expected a finite number)');
  });
});
