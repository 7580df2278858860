import { z } from 'zod';
import { meetsTarget, type KpiContract } from '../../contracts/kpis.js';
import { formatKpiTarget, formatKpiValue } from '../../core/kpi/format.js';
import type { KpiTrend } from '../../core/kpi/values.js';
import { kpisFor, type KpiReading } from '../../domains/kpis.js';
import { identityOf } from '../auth.js';
import { errorBody, routeSchema } from '../schema.js';
import type { ApiRoutes } from './context.js';

/**
 * A domain's steering KPIs for the signed-in user, next to the domain's operational health. A KPI
 * is shown when one of the user's roles may see it (core/kpi/access.ts), else listed with the
 * reason it is refused. A KPI with a dimension (e.g. per resort) has a value per period and
 * dimension value: the trend adds numerators and denominators over the dimension values, which is
 * exact for counts, sums and ratios of them, not for distinct counts (their trend is left out).
 */

const point = z.object({ period: z.string(), value: z.number().nullable(), meets: z.boolean().nullable() });
const kpi = z.object({
  name: z.string(), description: z.string(), product: z.string(), owner: z.string(), grain: z.string(), target: z.string(),
  status: z.enum(['shown', 'refused']), reason: z.string().optional(),
  /** The whole domain (every dimension value) per period, oldest first. */
  trend: z.array(point),
  /** The latest period's values per dimension value, target misses first. */
  latest: z.array(z.object({ dimension: z.string(), value: z.string(), meets: z.boolean().nullable() })),
});
const health = z.object({
  lastPublishedAt: z.string().nullable(),
  gateRuns: z.number(), gatePassed: z.number(),
  pendingApprovals: z.number(),
});

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case domain name such as booking');

function trendOf(k: KpiContract, trend: KpiTrend): Array<z.infer<typeof point>> {
  if (k.grain.by && k.measure.kind === 'count_distinct') return [];
  return trend.periods.map((period) => {
    const rows = trend.values.filter((v) => v.period === period);
    const numerator = rows.reduce((s, r) => s + r.numerator, 0);
    const ratio = k.measure.kind === 'ratio';
    const denominator = ratio ? rows.reduce((s, r) => s + (r.denominator ?? 0), 0) : null;
    const value = denominator === null ? numerator : denominator === 0 ? null : numerator / denominator;
    // A per-dimension target judges each dimension value, not their total: only an undimensioned KPI meets it as a whole.
    const meets = k.grain.by || value === null ? null : meetsTarget(value, k.target);
    return { period, value, meets };
  });
}

function shape(reading: KpiReading): z.infer<typeof kpi> {
  const k = reading.kpi;
  const base = {
    name: k.name, description: k.description, product: k.product, owner: k.owner, target: formatKpiTarget(k),
    grain: `per ${k.grain.time}${k.grain.by ? ` and ${k.grain.by}` : ''}`,
  };
  if (reading.status === 'refused') return { ...base, status: 'refused', reason: reading.reason, trend: [], latest: [] };
  const last = reading.trend.periods.at(-1);
  const latest = reading.trend.values.filter((v) => v.period === last)
    .sort((a, b) => Number(a.meets ?? true) - Number(b.meets ?? true) || a.dimension.localeCompare(b.dimension))
    .map((v) => ({ dimension: v.dimension, value: formatKpiValue(k, v.value), meets: v.meets }));
  return { ...base, status: 'shown', trend: trendOf(k, reading.trend), latest };
}

export const kpiRoutes: ApiRoutes = (app, { catalog, registry }) => {
  app.get('/api/kpis/:domain', {
    schema: routeSchema({
      summary: "a domain's steering KPIs with their trend (as the caller's roles may see them) and the domain's operational health", tags: ['kpis'],
      params: z.object({ domain: name }),
      querystring: z.object({ periods: z.coerce.number().int().min(1).max(90).default(14) }),
      response: { 200: z.object({ domain: z.string(), domains: z.array(z.string()), kpis: z.array(kpi), health }), 404: errorBody },
    }),
  }, async (request, reply) => {
    const { domain } = request.params as { domain: string };
    const { periods } = request.query as { periods: number };
    if (!registry.domains.some((d) => d.name === domain)) return reply.code(404).send({ error: `unknown domain '${domain}' (expected one of ${registry.domains.map((d) => d.name).join(', ')})` });
    const { roles } = identityOf(request);
    const byRole = await Promise.all(roles.map((role) => kpisFor(domain, role, { registry, trends: catalog, periods })));
    // Readings come in declaration order for every role: a KPI is shown if any role may see it.
    const readings: KpiReading[] = byRole.length === 0
      ? (registry.domain(domain).kpis ?? []).map((k) => ({ domain, kpi: k, status: 'refused', reason: 'your account has no role (directory group) that may read KPIs' }))
      : byRole[0]!.map((first, i) => byRole.map((r) => r[i]!).find((r) => r.status === 'shown') ?? first);
    return { domain, domains: registry.domains.map((d) => d.name), kpis: readings.map(shape), health: await catalog.domainHealth({ domain }) };
  });
};
