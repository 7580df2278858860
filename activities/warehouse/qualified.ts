import type { BuildQualifiedLayerResult, QualifiedLayer } from '../../connectors/warehouse/qualified-port.js';
import type { DomainRegistry } from '../../domains/registry.js';

export interface QualifiedActivityDeps {
  registry: DomainRegistry;
  /**
   * The warehouse's qualified layer; undefined where it has none. backfillDomain
   * and backfillAll build the views once every table is in: failing there would fail a backfill
   * whose tables all landed, so without the capability every table is answered skipped, with why.
   */
  warehouse: QualifiedLayer | undefined;
  /** The warehouse's name, for the reason of a skip. */
  warehouseName: string;
}

export interface BuildQualifiedLayerActivityInput {
  domain: string;
  /** Table names of the domain; every table when absent. */
  tables?: string[];
}

/**
 * The qualified layer, built by the warehouse owner (its task queue only). The contracts come from
 * the registry this worker serves, so a deployed rule change takes effect at the next build.
 */
export function createQualifiedActivities({ registry, warehouse, warehouseName }: QualifiedActivityDeps) {
  return {
    async buildQualifiedLayer(input: BuildQualifiedLayerActivityInput): Promise<BuildQualifiedLayerResult> {
      const domain = registry.domain(input.domain);
      const tables = input.tables === undefined ? [...domain.tables] : input.tables.map((name) => registry.table(`${domain.name}.${name}`));
      if (warehouse) return warehouse.buildQualifiedLayer({ domain: domain.name, tables });
      const reason = `the qualified layer is not built on the ${warehouseName} warehouse yet: no view`;
      return { domain: domain.name, views: [], skipped: tables.map((t) => ({ table: `${domain.name}.${t.name}`, reason })) };
    },
  };
}
