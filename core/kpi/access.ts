import { kpiColumns, simpleMeasures, type KpiContract } from '../../contracts/kpis.js';
import { describeFilter, effectiveAccess, type AccessContext, type AccessRole } from '../access/policy.js';

/**
 * Whether a role may see a KPI's values. KPIs are computed once, in the warehouse, on the clear
 * published values; a role sees them only when that gives away nothing the access policy keeps from it:
 *
 * 1. the role may read the KPI's product;
 * 2. the role reads every row of the KPI's table (a row-filtered role — an agency — would otherwise
 *    learn totals over rows it may not see);
 * 3. every column the KPI reads (grain, dimension, measure, filters) is clear for the role — except a
 *    column that is only counted distinct and that the role reads pseudonymised: the keyed hash is
 *    one-to-one, so the role could count the same number itself, and no value is shown.
 *
 * A masked or hidden column, or a pseudonymised one used any other way, refuses the KPI for the role
 * with a reason naming the column. (Computing on masked values would give a different KPI — bookings
 * per birth year instead of per birth date — so a KPI that wants one declares it on that column.)
 */

export type KpiAccess = { allowed: true } | { allowed: false; reason: string };

/** Columns a KPI only counts distinct: nowhere in its grain, dimension, sums or filters. */
function onlyCountedDistinct(kpi: Pick<KpiContract, 'grain' | 'measure'>): Set<string> {
  const elsewhere = new Set([kpi.grain.column, ...(kpi.grain.by ? [kpi.grain.by] : [])]);
  const distinct = new Set<string>();
  for (const m of simpleMeasures(kpi.measure)) {
    if (m.kind === 'count_distinct') distinct.add(m.column);
    if (m.kind === 'sum') elsewhere.add(m.column);
    m.where.forEach((f) => elsewhere.add(f.column));
  }
  return new Set([...distinct].filter((c) => !elsewhere.has(c)));
}

export function kpiAccess(ctx: AccessContext, role: AccessRole, domain: string, kpi: Pick<KpiContract, 'name' | 'product' | 'table' | 'grain' | 'measure'>): KpiAccess {
  const product = `${domain}.${kpi.product}`;
  const table = `${domain}.${kpi.table}`;
  const access = effectiveAccess(ctx, role, product);
  if (!access.readable) return { allowed: false, reason: `role ${role.role} may not read product ${product}` };
  const effective = access.tables.find((t) => t.table === table);
  if (!effective) return { allowed: false, reason: `table ${table} is not published by product ${product}` };
  if (effective.filter) {
    return { allowed: false, reason: `role ${role.role} reads only some rows of ${table} (${describeFilter(effective.filter)}); the KPI counts all rows` };
  }
  const distinctOnly = onlyCountedDistinct(kpi);
  for (const name of kpiColumns(kpi)) {
    const column = effective.columns.find((c) => c.name === name);
    if (!column) return { allowed: false, reason: `column ${table}.${name} is not published by product ${product}` };
    if (column.treatment === 'clear') continue;
    if (column.treatment === 'pseudonymised' && distinctOnly.has(name)) continue;
    return { allowed: false, reason: `column ${table}.${name} (${column.pii}) is ${column.treatment} for role ${role.role}; the KPI reads it` };
  }
  return { allowed: true };
}
