import type { QualityStore } from '../../connectors/warehouse/quality-port.js';
import { InvalidInputError } from '../../core/errors.js';
import type { QualityBaseline, QualityReport, QualityRuleOutcome } from '../../core/quality-report.js';
import { checkQuery } from '../../core/quality/check-sql.js';
import { evaluateCheck } from '../../core/quality/evaluate.js';
import type { CheckMetrics, CheckTarget, WarehouseDialect } from '../../core/quality/types.js';
import type { QualityRule, QualityRuleKind } from '../../contracts/quality-rules.js';
import { resolveProduct } from '../../domains/products.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { withHeartbeat } from '../lib/heartbeat.js';
import { noMetrics, type FactoryMetrics } from '../lib/metrics.js';

export interface QualityActivityDeps {
  registry: DomainRegistry;
  warehouse: QualityStore;
  /** The SQL dialect of the warehouse the checks run in. */
  dialect: WarehouseDialect;
  metrics?: FactoryMetrics;
}

export interface QualityPlanTable {
  domain: string;
  table: string;
  rules: Array<{ id: string; kind: QualityRuleKind; severity: 'warn' | 'block' }>;
}

export interface PlanQualityGateResult {
  /** '<domain>.<product>'. */
  product: string;
  domain: string;
  tables: QualityPlanTable[];
}

export interface RunQualityCheckInput {
  domain: string;
  table: string;
  ruleId: string;
  /** ISO-8601 UTC: the instant freshness is measured against (the gate's start, the same for every rule). */
  now: string;
  /** Metrics of the last run of this rule (volume, distribution). */
  baseline?: CheckMetrics;
  /** Source row count and checksum (reconciliation), taken by the gate on a source worker. */
  source?: { rows: number; checksum: string };
  /** Why the source statistics could not be taken, for a reconciliation rule that then cannot run. */
  sourceError?: string;
}

/**
 * The quality gate's activities. They run on the warehouse owner's task queue: checks are SQL run
 * inside the warehouse, and only one result row per rule comes back. Rules are named by id and
 * looked up here, so the workflow history carries references, not rule bodies.
 */
export function createQualityActivities({ registry, warehouse, dialect, metrics = noMetrics }: QualityActivityDeps) {
  const ruleOf = (domain: string, table: string, ruleId: string): QualityRule => {
    const rule = registry.table(`${domain}.${table}`).qualityRules.find((r) => r.id === ruleId);
    if (!rule) throw new InvalidInputError(`${domain}.${table}: no quality rule '${ruleId}' in the contract`);
    return rule;
  };

  return {
    /** The product's tables and their rules; an unknown product fails with the closest names. */
    async planQualityGate(input: { product: string }): Promise<PlanQualityGateResult> {
      const found = resolveProduct(registry, input.product);
      const tables = found.tables.map((qualified) => {
        const [domain, table] = qualified.split('.') as [string, string];
        const rules = registry.table(qualified).qualityRules.map((r) => ({ id: r.id, kind: r.kind, severity: r.severity }));
        return { domain, table, rules };
      });
      return { product: found.qualifiedName, domain: found.domain.name, tables };
    },

    async qualityBaselines(input: { tables: Array<{ domain: string; table: string }> }): Promise<{ baselines: QualityBaseline[] }> {
      return { baselines: await warehouse.qualityBaselines({ tables: input.tables }) };
    },

    async runQualityCheck(input: RunQualityCheckInput): Promise<QualityRuleOutcome> {
      const { domain, table } = input;
      const contract = registry.table(`${domain}.${table}`);
      const rule = ruleOf(domain, table, input.ruleId);
      const started = Date.now();
      const outcome = (result: Omit<QualityRuleOutcome, 'domain' | 'table' | 'durationMs'>): QualityRuleOutcome =>
        ({ ...result, domain, table, durationMs: Date.now() - started });
      const notRun = (reason: string) => outcome(unmeasured(rule, reason));

      if (rule.kind === 'reconciliation' && !input.source) return notRun(`source statistics unavailable: ${input.sourceError ?? 'not taken'}`);
      const here = await warehouse.qualityTarget({ domain, table });
      if (!here.target) return notRun(`${domain}.${table} is not in the warehouse yet (no backfill swapped in)`);
      const targets = new Map<string, CheckTarget>([[`${domain}.${table}`, { target: here.target, liveFilter: here.liveFilter, quarantine: here.quarantine }]]);
      if (rule.kind === 'references') {
        const [refDomain, refTable] = rule.to.split('.') as [string, string];
        const there = await warehouse.qualityTarget({ domain: refDomain, table: refTable });
        if (!there.target) return notRun(`referenced table ${refDomain}.${refTable} is not in the warehouse yet`);
        targets.set(`${refDomain}.${refTable}`, { target: there.target, liveFilter: there.liveFilter });
      }
      const resolve = (d: string, t: string): CheckTarget => {
        const found = targets.get(`${d}.${t}`);
        if (!found) throw new InvalidInputError(`${domain}.${table} rule '${rule.id}': table ${d}.${t} was not resolved for this check`);
        return found;
      };
      let sql: string;
      try {
        ({ sql } = checkQuery({ rule, table: contract, dialect, ...targets.get(`${domain}.${table}`)!, resolve, now: input.now }));
      } catch (error) {
        // The contract load checks rules against their tables; a rule that still cannot compile will not heal by retrying.
        return notRun(`check cannot be compiled: ${(error as Error).message}`);
      }
      let row;
      try {
        ({ row } = await withHeartbeat({ rule: rule.id }, () => warehouse.runQualityQuery({ sql })));
      } catch (error) {
        // A check that cannot run (a custom assertion that does not bind, a value that does not cast)
        // is reported under the rule's severity: a gate must never pass on a check it could not make.
        return notRun(`check query failed: ${redactQueryError((error as Error).message)}`);
      }
      if (!row) return notRun('check query returned no row');
      return outcome(evaluateCheck({ rule, row, baseline: input.baseline, source: input.source }));
    },

    async storeQualityReport(report: QualityReport): Promise<{ reportId: string }> {
      await warehouse.storeQualityReport(report);
      metrics.gateResult({ domain: report.domain }, report.status);
      return { reportId: report.reportId };
    },

    async lastQualityReport(input: { product: string }): Promise<QualityReport | null> {
      const found = resolveProduct(registry, input.product);
      return warehouse.lastQualityReport({ product: found.qualifiedName });
    },
  };
}

/** A result for a rule that could not be measured: it counts at the rule's own severity. */
function unmeasured(rule: QualityRule, reason: string): Omit<QualityRuleOutcome, 'domain' | 'table' | 'durationMs'> {
  return { ruleId: rule.id, kind: rule.kind, severity: rule.severity, status: rule.severity, metric: null, threshold: thresholdOf(rule), sampleKeys: [], measured: {}, detail: reason };
}

/** The threshold in the unit the rule's metric has (core/quality/evaluate.ts reports the same). */
function thresholdOf(rule: QualityRule): number {
  if (rule.kind === 'volume' || rule.kind === 'distribution') return rule.maxChangePercent;
  if (rule.kind === 'freshness') return rule.maxAgeMinutes * 60;
  return rule.threshold;
}

/** Warehouse errors may quote values ("could not convert string 'x'"): keep where and why only. */
export function redactQueryError(message: string): string {
  return message.split('\n')[0]!.replace(/'(?:[^']|'')*'/g, "'…'").slice(0, 300);
}
