import type { KpiContract } from '../../contracts/kpis.js';

/** A KPI value as its unit reads (the CLI and the console show the same text): a share in percent, an amount with cents, a count as it is. */
export function formatKpiValue(kpi: Pick<KpiContract, 'unit'>, value: number | null): string {
  if (value === null) return '-';
  if (kpi.unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  if (kpi.unit === 'amount') return value.toFixed(2);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The target as people say it: '≥ 20', '≤ 15.0 %'. */
export function formatKpiTarget(kpi: Pick<KpiContract, 'unit' | 'target'>): string {
  return `${kpi.target.direction === 'at_least' ? '≥' : '≤'} ${formatKpiValue(kpi, kpi.target.value)}`;
}
