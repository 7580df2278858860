import type { CatalogStore, CreateSchemaChangeInput, DecideSchemaChangeInput, SchemaChangeStatus } from '../../connectors/catalog/port.js';
import { mergeAccepted, type AcceptedSchemaChange } from '../../core/cdc/schema-change.js';
import type { DomainRegistry } from '../../domains/registry.js';
import type { ApprovalPolicy } from './publish.js';

/** The part of the catalog store schema change approvals use. */
export type SchemaChangeCatalog = Pick<CatalogStore, 'createSchemaChange' | 'decideSchemaChange' | 'acceptedSchemaChanges'>;

export interface SchemaChangePlan {
  /** '<domain>.<table>'. */
  table: string;
  domain: string;
  approvers: { dpo: string; deputies: string[] };
  policy: ApprovalPolicy;
}

/**
 * Catalog side of schema change approvals (workflow schemaChangeApproval) and of change capture
 * restarting with the changes approved before. General task queue; thin over the catalog port.
 */
export function createSchemaChangeCatalogActivities({ registry, catalog }: { registry: DomainRegistry; catalog: SchemaChangeCatalog }) {
  return {
    /** Who decides on a table's schema changes and when reminders fall due: its domain's DPO, deputies and policy. */
    async planSchemaChange(input: { table: string }): Promise<SchemaChangePlan> {
      registry.table(input.table);
      const domain = registry.domain(input.table.split('.')[0]!);
      return {
        table: input.table, domain: domain.name,
        approvers: { dpo: domain.dpo.id, deputies: domain.deputies.map((p) => p.id) },
        policy: { ...domain.approval },
      };
    },

    async recordSchemaChange(input: CreateSchemaChangeInput): Promise<{ id: number; alreadyExisted: boolean }> {
      return catalog.createSchemaChange(input);
    },

    async decideSchemaChange(input: DecideSchemaChangeInput): Promise<{ status: SchemaChangeStatus; alreadyRecorded: boolean }> {
      return catalog.decideSchemaChange(input);
    },

    /** The approved changes of a domain's tables, merged per table in approval order: what change capture decodes with. */
    async acceptedSchemaChanges(input: { domain: string }): Promise<Record<string, AcceptedSchemaChange>> {
      const accepted: Record<string, AcceptedSchemaChange> = {};
      for (const row of await catalog.acceptedSchemaChanges(input)) {
        accepted[row.table] = mergeAccepted(accepted[row.table], row);
      }
      return accepted;
    },
  };
}
