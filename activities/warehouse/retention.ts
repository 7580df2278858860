import type { Retention, ChangeLogRetentionInput, ChangeLogRetentionResult, SnapshotRetentionInput, SnapshotRetentionResult } from '../../connectors/warehouse/retention-port.js';
import { changeLogRetention, snapshotRetention } from '../../contracts/retention.js';
import type { DomainRegistry } from '../../domains/registry.js';
import type { RetentionPlan } from '../../workflows/api/retention.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface RetentionActivitiesDeps {
  registry: DomainRegistry;
  warehouse: Retention;
}

/**
 * Retention on the warehouse owner's task queue: the plan from the contracts (each table's and
 * product's age), then one call per table and per product, each one transaction in the warehouse and
 * idempotent for a given cutoff, so a retry after a crash removes nothing the first attempt kept.
 */
export function createRetentionActivities({ registry, warehouse }: RetentionActivitiesDeps) {
  return {
    /** Every table and product of the given domains (all when omitted), with its age in days. */
    async planRetention(input: { domains?: string[] }): Promise<RetentionPlan> {
      // registry.domain names the closest domains when one is unknown (a permanent error).
      const domains = input.domains?.length ? input.domains.map((d) => registry.domain(d)) : registry.domains;
      return {
        tables: domains.flatMap((d) => d.tables.map((t) => ({ domain: d.name, table: t.name, days: changeLogRetention(t).days }))),
        products: domains.flatMap((d) => d.products.map((p) => ({ domain: d.name, product: p.name, days: snapshotRetention(p).days }))),
      };
    },

    async pruneChangeLog(input: ChangeLogRetentionInput): Promise<ChangeLogRetentionResult> {
      return withHeartbeat({ changeLog: `${input.domain}.${input.table}` }, () => warehouse.pruneChangeLog(input));
    },

    async pruneSnapshots(input: SnapshotRetentionInput): Promise<SnapshotRetentionResult> {
      return withHeartbeat({ product: `${input.domain}.${input.product}` }, () => warehouse.pruneSnapshots(input));
    },
  };
}
