import type { KpiContract } from '../contracts/kpis.js';
import { kpiAccess } from '../core/kpi/access.js';
import type { KpiTrend, KpiTrendReader } from '../core/kpi/values.js';
import { parseAccessRole } from '../core/access/policy.js';
import { accessContextOf } from './products.js';
import type { DomainRegistry } from './registry.js';

/**
 * A domain's KPIs as one role may see them: each KPI's declaration with its stored trend, or the
 * reason the role may not see it (core/kpi/access.ts states the rule). What the CLI's `factory kpi
 * show` prints and what the console shows; the trend comes from the catalog (connectors/catalog).
 */

export type KpiReading = {
  domain: string;
  kpi: KpiContract;
} & ({ status: 'refused'; reason: string } | { status: 'shown'; trend: KpiTrend });

export interface KpisForDeps {
  registry: DomainRegistry;
  trends: KpiTrendReader;
  /** How many of the latest periods each trend holds (default 14). */
  periods?: number;
}

/** `role` as roles are written: 'analyst', 'agency:101', 'dpo:booking'… (core/access/policy.ts). */
export async function kpisFor(domain: string, role: string, { registry, trends, periods = 14 }: KpisForDeps): Promise<KpiReading[]> {
  const contract = registry.domain(domain);
  const ctx = accessContextOf(registry);
  const who = parseAccessRole(role, registry.domains.map((d) => d.name));
  const readings: KpiReading[] = [];
  for (const kpi of contract.kpis ?? []) {
    const access = kpiAccess(ctx, who, domain, kpi);
    if (!access.allowed) readings.push({ domain, kpi, status: 'refused', reason: access.reason });
    else readings.push({ domain, kpi, status: 'shown', trend: await trends.kpiTrend({ domain, kpi: kpi.name, periods }) });
  }
  return readings;
}
