import type { QualityRule } from '../../contracts/quality-rules.js';
import type { CheckMetrics, EvaluateCheckInput, RuleResult } from './types.js';

/**
 * Turns the one row a check query returned into a rule result. Pure: the caller supplies the
 * baseline (the last run's metrics) and the source figures, and stores `measured` for next time.
 */
export function evaluateCheck({ rule, row, baseline, source }: EvaluateCheckInput): RuleResult {
  const base = { ruleId: rule.id, kind: rule.kind, severity: rule.severity, sampleKeys: [] as string[] };
  const verdict = (failed: boolean) => (failed ? rule.severity : 'pass');
  switch (rule.kind) {
    case 'freshness': {
      const age = optionalNumber(row.age_seconds);
      const threshold = rule.maxAgeMinutes * 60;
      const measured: CheckMetrics = { row_count: number(row.row_count), age_seconds: age };
      if (age === null) {
        return { ...base, status: verdict(true), metric: null, threshold, measured, detail: `no rows: freshness cannot be shown (newest value at most ${minutes(threshold)} old expected)` };
      }
      return { ...base, status: verdict(age > threshold), metric: age, threshold, measured, detail: `newest value is ${minutes(age)} old, at most ${minutes(threshold)} allowed` };
    }
    case 'volume': {
      const rows = number(row.row_count);
      const measured: CheckMetrics = { row_count: rows };
      if (baseline?.row_count === undefined) {
        return { ...base, status: 'pass', metric: null, threshold: rule.maxChangePercent, measured, detail: `first run: ${rows} rows, kept as the baseline for the next run` };
      }
      const change = relativeChange(rows, baseline.row_count);
      return {
        ...base, status: verdict(change > rule.maxChangePercent), metric: change, threshold: rule.maxChangePercent, measured,
        detail: `${rows} rows against ${baseline.row_count} last run: ${round(change)}% change, at most ${rule.maxChangePercent}% allowed`,
      };
    }
    case 'distribution': return distribution(rule, row, baseline, base, verdict);
    case 'reconciliation': {
      const rows = number(row.row_count);
      const checksum = String(row.checksum);
      const measured: CheckMetrics = { row_count: rows, checksum };
      if (!source) {
        return { ...base, status: verdict(true), metric: null, threshold: rule.threshold, measured, detail: 'no source row count and checksum to reconcile with' };
      }
      const share = Math.abs(rows - source.rows) / Math.max(source.rows, 1);
      // With no tolerance the content must match too; a tolerance accepts differing content within it.
      const failed = share > rule.threshold || (rule.threshold === 0 && checksum !== source.checksum);
      const content = checksum === source.checksum ? 'checksums match' : 'checksums differ';
      return {
        ...base, status: verdict(failed), metric: share, threshold: rule.threshold, measured,
        detail: `warehouse ${rows} rows, source ${source.rows} rows, ${content}${rule.threshold > 0 ? `; at most ${percent(rule.threshold)} row difference allowed` : ''}`,
      };
    }
    default: {
      const failing = number(row.failing);
      const total = number(row.total);
      const share = total === 0 ? (failing > 0 ? 1 : 0) : failing / total;
      const sampleKeys = Array.isArray(row.samples) ? row.samples.map(String) : [];
      return {
        ...base, status: verdict(share > rule.threshold), metric: share, threshold: rule.threshold, failing, total, sampleKeys,
        measured: { row_count: total },
        detail: `${failing} of ${total} rows ${what(rule)} (${percent(share)}), at most ${percent(rule.threshold)} allowed`,
      };
    }
  }
}

function distribution(
  rule: Extract<QualityRule, { kind: 'distribution' }>, row: Record<string, unknown>, baseline: CheckMetrics | undefined,
  base: Pick<RuleResult, 'ruleId' | 'kind' | 'severity' | 'sampleKeys'>, verdict: (failed: boolean) => RuleResult['status'],
): RuleResult {
  const value = number(row[rule.metric]);
  const measured: CheckMetrics = { row_count: number(row.row_count), [rule.metric]: value };
  const threshold = rule.maxChangePercent;
  const previous = baseline?.[rule.metric];
  const shown = rule.metric === 'null_rate' ? `null rate ${percent(value)}` : `${value} distinct values`;
  if (previous === undefined) {
    return { ...base, status: 'pass', metric: null, threshold, measured, detail: `first run: ${shown} of ${rule.column}, kept as the baseline` };
  }
  // A null rate moves in percentage points (1% → 3% is 2 points, not +200%); a distinct count relatively.
  const change = rule.metric === 'null_rate' ? Math.abs(value - previous) * 100 : relativeChange(value, previous);
  const unit = rule.metric === 'null_rate' ? 'percentage points' : '%';
  const before = rule.metric === 'null_rate' ? percent(previous) : String(previous);
  return {
    ...base, status: verdict(change > threshold), metric: change, threshold, measured,
    detail: `${shown} of ${rule.column} against ${before} at the baseline: ${round(change)} ${unit} change, at most ${threshold} allowed`,
  };
}

function what(rule: QualityRule): string {
  switch (rule.kind) {
    case 'not_null': return `have NULL in ${rule.columns.join(', ')}`;
    case 'accepted_values': return `hold a ${rule.column} outside the accepted values`;
    case 'range': return `hold a ${rule.column} outside ${rule.min ?? '…'}..${rule.max ?? '…'}`;
    case 'format': return `hold a ${rule.column} that is not ${rule.format === 'regex' ? 'matching the pattern' : `a valid ${rule.format}`}`;
    case 'unique': return `share a duplicated ${rule.columns.join(', ')}`;
    case 'references': return `reference a missing ${rule.to}`;
    default: return 'fail the assertion';
  }
}

/** |now − before| in percent of before; from an empty baseline, one row counts as 100%. */
function relativeChange(now: number, before: number): number {
  return (Math.abs(now - before) / Math.max(Math.abs(before), 1)) * 100;
}

function number(value: unknown): number {
  const n = optionalNumber(value);
  if (n === null) throw new Error(`expected a number in the check result, got ${value === null ? 'NULL' : typeof value}`);
  return n;
}

function optionalNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number in the check result, got ${typeof value}`);
  return n;
}

function round(n: number): number {
  return Number(n.toPrecision(3));
}

function percent(share: number): string {
  return `${round(share * 100)}%`;
}

function minutes(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : `${round(seconds / 60)} min`;
}
