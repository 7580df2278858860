import type { CheckMetrics, RuleResult, RuleStatus } from './quality/types.js';

/**
 * What a quality gate run produces and stores: one outcome per rule, the product's status, and the
 * metrics that become the baselines of the next run. Pure types and helpers shared by the workflow,
 * the activities, the warehouse port and the CLI.
 */

export type GateStatus = RuleStatus;

/** The result of one rule on one table, as the gate reports and stores it. */
export interface QualityRuleOutcome extends RuleResult {
  /** Domain of the table the rule is declared on (a product may include other domains' tables). */
  domain: string;
  table: string;
  durationMs: number;
}

export interface QualityBaseline {
  domain: string;
  table: string;
  ruleId: string;
  metrics: CheckMetrics;
  /** ISO-8601 UTC of the report that stored it. */
  recordedAt: string;
}

export interface QualityReport {
  reportId: string;
  /** '<domain>.<product>'. */
  product: string;
  domain: string;
  status: GateStatus;
  results: QualityRuleOutcome[];
  durationMs: number;
  /** ISO-8601 UTC of the start of the run. */
  checkedAt: string;
}

/** Rule kinds that compare against the metrics of the last run. */
export const baselineKinds: readonly string[] = ['volume', 'distribution'];

const rank: Record<GateStatus, number> = { pass: 0, warn: 1, block: 2 };

/** The product's status: the worst of its rules' statuses; a product without rules passes. */
export function gateStatus(results: readonly Pick<QualityRuleOutcome, 'status'>[]): GateStatus {
  return results.reduce<GateStatus>((worst, r) => (rank[r.status] > rank[worst] ? r.status : worst), 'pass');
}

/**
 * The metrics of a run that become the next run's baselines. A rule that blocked keeps its old
 * baseline: a sudden drop would otherwise become the norm at once and the next run would pass.
 */
export function baselinesToKeep(report: Pick<QualityReport, 'results'>): Array<Omit<QualityBaseline, 'recordedAt'>> {
  return report.results
    .filter((r) => baselineKinds.includes(r.kind) && r.status !== 'block' && Object.keys(r.measured).length > 0)
    .map((r) => ({ domain: r.domain, table: r.table, ruleId: r.ruleId, metrics: r.measured }));
}
