import type { ComputeKpiInput, ComputeKpiResult, Kpis } from '../../connectors/warehouse/kpi-port.js';
import type { DomainRegistry } from '../../domains/registry.js';
import type { PlannedKpi } from '../../workflows/api/kpis.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface KpiWarehouseActivitiesDeps {
  registry: DomainRegistry;
  warehouse: Kpis;
}

/** KPIs on the warehouse owner's task queue: the plan from the contracts, then one query per KPI. */
export function createKpiWarehouseActivities({ registry, warehouse }: KpiWarehouseActivitiesDeps) {
  return {
    /** Every KPI of the given domains (all when omitted), in declaration order. */
    async planKpis(input: { domains?: string[] }): Promise<PlannedKpi[]> {
      // registry.domain names the closest domains when one is unknown (a permanent error).
      const domains = input.domains?.length ? input.domains.map((d) => registry.domain(d)) : registry.domains;
      return domains.flatMap((d) => (d.kpis ?? []).map(({ name, product, table, measure, grain, target }) => ({
        domain: d.name, kpi: { name, product, table, measure, grain, target },
      })));
    },

    /** A scan of a large published table can take minutes: heartbeats say the owner is alive meanwhile. */
    async computeKpi(input: ComputeKpiInput): Promise<ComputeKpiResult> {
      return withHeartbeat({ kpi: `${input.domain}.${input.kpi.name}` }, () => warehouse.computeKpi(input));
    },
  };
}
