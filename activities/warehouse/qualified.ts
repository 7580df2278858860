import type { BuildQualifiedLayerResult } from '../../connectors/warehouse/qualified-port.js';
import type { Warehouse } from '../../connectors/warehouse/port.js';
import type { DomainRegistry } from '../../domains/registry.js';

export interface QualifiedActivityDeps {
  registry: DomainRegistry;
  warehouse: Warehouse;
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
export function createQualifiedActivities({ registry, warehouse }: QualifiedActivityDeps) {
  return {
    async buildQualifiedLayer(input: BuildQualifiedLayerActivityInput): Promise<BuildQualifiedLayerResult> {
      const domain = registry.domain(input.domain);
      const tables = input.tables === undefined ? [...domain.tables] : input.tables.map((name) => registry.table(`${domain.name}.${name}`));
      return warehouse.buildQualifiedLayer({ domain: domain.name, tables });
    },
  };
}
