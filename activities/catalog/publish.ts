import type {
  AppendAuditInput, CandidateDataset, CatalogStore, CreateCandidateInput, CreateCandidateResult, LineageEdge, RecordDecisionInput,
  RecordDecisionResult, RecordQualityReportInput,
} from '../../connectors/catalog/port.js';
import { assertDistinctTables, publishedViewName, type ProductTableRef } from '../../connectors/warehouse/publish-port.js';
import { InvalidInputError } from '../../core/errors.js';
import { diffSchemas, type ColumnChange } from '../../core/schema-diff.js';
import { resolveProduct } from '../../domains/products.js';
import { qualifiedColumns } from '../../core/qualified/columns.js';
import type { DomainRegistry } from '../../domains/registry.js';

/** The part of the catalog store publication uses. */
export type PublicationCatalog = Pick<CatalogStore, 'publishedVersion' | 'createCandidate' | 'recordDecision' | 'appendAudit' | 'recordQualityReport'>;

export interface PublicationCatalogDeps {
  registry: DomainRegistry;
  catalog: PublicationCatalog;
}

export interface ApprovalPolicy {
  reminderHours: number;
  escalationHours: number;
  expiryDays: number;
  autoApproveNonBreaking: boolean;
}

/** Everything the workflow decides on, taken from the contracts and the catalog once, at build time. */
export interface PublicationPlan {
  domain: string;
  product: string;
  /** '<domain>.<product>'. */
  qualifiedName: string;
  tables: ProductTableRef[];
  datasets: CandidateDataset[];
  changes: ColumnChange[];
  breaking: boolean;
  /** The version readers get now, or null before the first publication. */
  publishedVersion: number | null;
  lineage: LineageEdge[];
  /** User ids entitled to decide: the domain's DPO and deputies, as the contract declares them. */
  approvers: { dpo: string; deputies: string[] };
  policy: ApprovalPolicy;
}

/**
 * The publication workflow's catalog side, on the general task queue: the candidate's schema from
 * the contracts, its diff against the published version, and the catalog writes (candidate,
 * decisions, audit). Thin over the CatalogStore port.
 */
export function createPublicationCatalogActivities({ registry, catalog }: PublicationCatalogDeps) {
  return {
    async buildCandidate(input: { product: string }): Promise<PublicationPlan> {
      const found = resolveProduct(registry, input.product);
      const domain = found.domain.name;
      const product = found.product.name;
      const tables = found.tables.map((qualified) => {
        const [d, t] = qualified.split('.') as [string, string];
        return { domain: d, table: t };
      });
      try {
        assertDistinctTables(found.qualifiedName, tables);
      } catch (error) {
        throw new InvalidInputError((error as Error).message);
      }
      // What a snapshot holds: the qualified view's columns, derived ones with the PII of their inputs.
      const datasets: CandidateDataset[] = tables.map(({ domain: d, table: t }) => ({
        table: `${d}.${t}`,
        columns: qualifiedColumns(registry.table(`${d}.${t}`), (ref) => registry.table(ref)).map((c) => ({
          name: c.name, type: c.type, nullable: c.nullable, pii: c.pii, ...(c.description ? { description: c.description } : {}),
        })),
      }));
      const published = await catalog.publishedVersion({ domain, product });
      const diff = diffSchemas(published?.datasets ?? null, datasets);
      const lineage: LineageEdge[] = tables.map(({ domain: d, table: t }, i) => {
        const [schema, view] = publishedViewName(domain, product, t);
        const columns = datasets[i]!.columns.map((c) => ({ from: c.name, to: c.name }));
        return { from: `qualified_${d}.${t}`, to: `${schema}.${view}`, columns };
      });
      return {
        domain, product, qualifiedName: found.qualifiedName, tables, datasets,
        changes: diff.changes, breaking: diff.breaking, publishedVersion: published?.version ?? null, lineage,
        approvers: { dpo: found.domain.dpo.id, deputies: found.domain.deputies.map((p) => p.id) },
        policy: { ...found.domain.approval },
      };
    },

    async createCandidate(input: CreateCandidateInput): Promise<CreateCandidateResult> {
      return catalog.createCandidate(input);
    },

    async recordDecision(input: RecordDecisionInput): Promise<RecordDecisionResult> {
      return catalog.recordDecision(input);
    },

    async appendAudit(input: AppendAuditInput): Promise<{ id: number }> {
      return catalog.appendAudit(input);
    },

    /** A quality gate run's summary, the catalog's evidence of it (`catalog show`); idempotent per report id. */
    async recordQualityReport(input: RecordQualityReportInput): Promise<{ alreadyRecorded: boolean }> {
      return catalog.recordQualityReport(input);
    },
  };
}
