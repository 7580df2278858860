import { summarizeAccessViews, type AccessViews, type AccessViewsSummary } from '../../connectors/warehouse/access-port.js';
import { accessRoles } from '../../core/access/policy.js';
import { planProductAccess } from '../../core/access/plan.js';
import { accessContextOf, resolveProduct } from '../../domains/products.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface AccessActivityDeps {
  registry: DomainRegistry;
  warehouse: AccessViews;
  /** The pseudonym key (workers/ reads it from FACTORY_PSEUDONYM_KEYS): it stays in this process, never in an activity's input or result. */
  pseudonymKey: Uint8Array;
  /** The agencies with secured views (FACTORY_ACCESS_AGENCIES): 'all' of the warehouse's, or these of them. */
  agencies?: 'all' | readonly string[];
}

/**
 * The secured views of a product, on the warehouse owner: one per role that may read it, over the
 * product's published views. Agencies are those in raw_distribution.agency: the warehouse has
 * them at hand, a new agency gets its schema at the next build, and a schema nobody's directory
 * group maps to is read by nobody. A configured list keeps to those of them (the agencies with users).
 */
export function createAccessActivities({ registry, warehouse, pseudonymKey, agencies = 'all' }: AccessActivityDeps) {
  return {
    async buildAccessViews(input: { product: string }): Promise<AccessViewsSummary> {
      const resolved = resolveProduct(registry, input.product);
      const ctx = accessContextOf(registry);
      const known = await warehouse.agencyIds();
      const roles = accessRoles(registry.domains.map((d) => d.name), agencies === 'all' ? known : known.filter((id) => agencies.includes(id)));
      const plan = planProductAccess(ctx, resolved.qualifiedName, roles);
      const built = await withHeartbeat({ accessViews: resolved.qualifiedName }, () => warehouse.buildAccessViews({
        domain: plan.domain, product: plan.product, views: plan.views, sources: plan.sources, key: pseudonymKey,
      }));
      return summarizeAccessViews(built);
    },
  };
}
