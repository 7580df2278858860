import type { KpiRunValues, KpiTrend } from '../../core/kpi/values.js';
import type { DomainContract, PiiClass } from '../../contracts/contract.js';
import type { SchemaChange } from '../../core/schema-compare.js';
import type { ColumnChange } from '../../core/schema-diff.js';

/**
 * The catalog store port: what the catalog CLI and the publication workflow's activities need from the
 * data catalog (PostgreSQL in connectors/catalog/postgres.ts). Every operation takes one input object
 * and returns JSON-safe data (ISO-8601 UTC strings for times, no Date, no bigint), so results can
 * cross a Temporal activity boundary as they are.
 *
 * Versions of a data product and their states:
 *
 *   pending ──approved──► approved ──published──► published ──(a newer version is published)──► superseded
 *      │                     │
 *      ├──rejected──► rejected          approved ──superseded──► superseded
 *      ├──expired───► expired
 *      └──superseded► superseded        (pending ──published──► published: auto-approval by domain policy)
 *
 * Decided states (rejected, expired, superseded) are final. Recording the decision a version already
 * has is accepted and changes nothing (an activity retry), anything else outside the arrows fails with
 * CatalogStateError naming the product, the version, its state and the decision refused.
 */

export type QualityStatus = 'pass' | 'warn' | 'block';
export type VersionStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'superseded' | 'published';
export type Decision = Exclude<VersionStatus, 'pending'>;
export type ApproverRole = 'dpo' | 'deputy';

export interface SyncContractsInput {
  domains: readonly DomainContract[];
  /** Also remove the domains the catalog holds that are not listed (with what they declare; versions and audit stay). */
  prune?: boolean;
}

/** How many rows of each kind the catalog holds for the synced domains, and how many rows the sync wrote. */
export interface SyncContractsResult {
  domains: number;
  people: number;
  products: number;
  datasets: number;
  columns: number;
  lineageEdges: number;
  /** Rows inserted, updated or deleted by this sync; 0 when the catalog already matched the contracts. */
  changed: number;
}

export interface CandidateColumn {
  name: string;
  /** Warehouse type as published (e.g. 'DECIMAL(31,8)', 'VARCHAR'). */
  type: string;
  nullable: boolean;
  pii: PiiClass;
  description?: string;
}

export interface CandidateDataset {
  /** '<domain>.<table>'. */
  table: string;
  columns: CandidateColumn[];
}

export interface ColumnMapping {
  from: string;
  to: string;
  /** Business rule id that maps the column, when one does. */
  rule?: string;
}

/** A lineage edge between two warehouse or source objects, e.g. 'qualified_booking.booking' → 'published_booking.booking'. */
export interface LineageEdge {
  from: string;
  to: string;
  /** Column-level mappings, when the step is a plain mapping. */
  columns?: ColumnMapping[];
}

export interface CreateCandidateInput {
  domain: string;
  product: string;
  /**
   * Idempotency key, with runId: an activity retry with the same pair returns the same version. Pass
   * the run id too when the workflow id is the business id (`publish:<domain>.<product>`), which
   * repeats across runs.
   */
  workflowId: string;
  runId?: string;
  datasets: CandidateDataset[];
  changes: ColumnChange[];
  breaking: boolean;
  qualityStatus: QualityStatus;
  qualityReportId?: string;
  lineage: LineageEdge[];
  /** ISO-8601; defaults to the database's clock. */
  at?: string;
}

export interface CreateCandidateResult {
  version: number;
  alreadyExisted: boolean;
  /** Versions of the product still pending (or approved, not yet published) other than this one: the workflow supersedes them. */
  openVersions: number[];
}

export interface VersionEvent {
  decision: Decision;
  by: string | null;
  comment: string | null;
  at: string;
}

export interface ProductVersion {
  domain: string;
  product: string;
  version: number;
  status: VersionStatus;
  workflowId: string;
  runId: string | null;
  datasets: CandidateDataset[];
  changes: ColumnChange[];
  breaking: boolean;
  qualityStatus: QualityStatus;
  qualityReportId: string | null;
  lineage: LineageEdge[];
  createdAt: string;
  /** Author, time and comment of the decision that ended the pending state (null while pending). */
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  publishedAt: string | null;
  /** Every decision on this version, oldest first: the approval history. */
  history: VersionEvent[];
}

export interface ProductRef { domain: string; product: string }
export interface ProductVersionRef extends ProductRef { version: number }

export interface RecordDecisionInput extends ProductVersionRef {
  decision: Decision;
  by?: string;
  comment?: string;
  /** ISO-8601. */
  at: string;
}

export interface RecordDecisionResult {
  status: VersionStatus;
  /** True when the version already had this decision (nothing was written). */
  alreadyRecorded: boolean;
  /** The version that was published before and is now superseded (decision 'published' only). */
  supersededVersion: number | null;
}

/** The attempt fields of a decision's audit entry (accepted or refused). */
export interface AuditAttempt {
  outcome?: 'accepted' | 'refused';
  /** The user id the request named (`by`), if any: what the caller claimed. */
  claimedBy?: string;
  /** The user id a verified token proved; absent when nothing was verified (FACTORY_AUTH=dev, or a refused token). */
  verifiedBy?: string;
  /** How it arrived: 'update', 'signal', 'policy', 'cli'. */
  via?: string;
  /** Why it was refused. */
  reason?: string;
}

export interface AppendAuditInput extends AuditAttempt {
  /** Omitted for entries that concern no domain (e.g. a login to a privileged command). */
  domain?: string;
  product?: string;
  version?: number;
  /** User id, or 'system' / a workflow id for automatic steps. */
  actor: string;
  /** E.g. 'candidate.created', 'approve', 'reject', 'signal.refused', 'reminder.sent'. */
  action: string;
  authorized: boolean;
  /** Human-readable, without personal data or row values. */
  detail: string;
  /** ISO-8601. */
  at: string;
}

export interface AuditEntry {
  id: number;
  domain: string | null;
  product: string | null;
  version: number | null;
  actor: string;
  action: string;
  authorized: boolean;
  detail: string;
  at: string;
  outcome: 'accepted' | 'refused' | null;
  claimedBy: string | null;
  verifiedBy: string | null;
  via: string | null;
  reason: string | null;
}

export interface AuditTrailInput {
  /** Omitted: every domain. */
  domain?: string;
  /** Omitted: the whole domain. */
  product?: string;
  /** Entries at or after this ISO-8601 time. */
  since?: string;
  /** Entries whose actor, claimed or verified user is this id. */
  actor?: string;
  /** Entries whose action is this one or starts with it and a dot ('decide' matches 'decide.refused'). */
  kind?: string;
  outcome?: 'accepted' | 'refused';
  /** The newest this many, oldest first (default 1000). */
  limit?: number;
}

export interface PendingApprovalsInput { user: string }

export interface PendingApproval extends ProductVersionRef {
  /** The user's role in the product's domain. */
  role: ApproverRole;
  breaking: boolean;
  qualityStatus: QualityStatus;
  changes: number;
  workflowId: string;
  createdAt: string;
}

export interface ApproverRoleInput { domain: string; user: string }

export interface RecordQualityReportInput {
  reportId: string;
  domain: string;
  product: string;
  status: QualityStatus;
  rules: number;
  warned: number;
  blocked: number;
  durationMs: number;
  /** ISO-8601 start of the run. */
  checkedAt: string;
}

export type QualityReportSummary = RecordQualityReportInput;

export type SearchKind = 'domain' | 'product' | 'table' | 'column';

export interface SearchInput { text: string; limit?: number }

export interface SearchHit {
  kind: SearchKind;
  /** 'booking', 'booking.reservations', 'booking.booking', 'booking.booking.STATUS'. */
  name: string;
  domain: string;
  description: string | null;
  rank: number;
  /** Why it matched, e.g. ['name', 'column BOOKING_CHANNEL description']. */
  matched: string[];
}

export interface ShowProductColumn {
  name: string;
  type: string;
  nullable: boolean;
  pii: PiiClass;
  description: string | null;
}

/** A domain's operational health: its products' last five gate runs each, publications awaiting a decision. */
export interface DomainHealth {
  lastPublishedAt: string | null;
  gateRuns: number;
  gatePassed: number;
  pendingApprovals: number;
}

export interface ShowProductDataset {
  /** '<domain>.<table>'. */
  table: string;
  description: string | null;
  source: string | null;
  columns: ShowProductColumn[];
}

export interface CatalogPerson { id: string; name: string; email: string | null }

export interface ShowProductResult {
  domain: string;
  product: string;
  description: string;
  consumers: string[];
  owner: { dpo: CatalogPerson | null; deputies: CatalogPerson[] };
  /** From the synced contracts; the published version's own schema is in `published.datasets`. */
  datasets: ShowProductDataset[];
  /** Columns with a PII class other than 'none', as '<domain>.<table>.<COLUMN>' → class. */
  pii: Record<string, PiiClass>;
  /** The last gate run's summary; `qualityRuns` the newest five, newest first. */
  quality: QualityReportSummary | null;
  qualityRuns: QualityReportSummary[];
  freshness: { lastPublishedAt: string | null; lastQualityAt: string | null };
  lineage: LineageEdge[];
  published: ProductVersion | null;
  /** Versions not yet decided (pending) or approved and not yet published. */
  open: Array<Pick<ProductVersion, 'version' | 'status' | 'breaking' | 'qualityStatus' | 'createdAt'>>;
}

export type SchemaChangeStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** A breaking source schema change change capture stopped at, as the DPO is asked to decide on it. */
export interface CreateSchemaChangeInput {
  /** '<domain>.<table>'. */
  table: string;
  /** Idempotency key with runId (the approval workflow's). */
  workflowId: string;
  runId: string;
  topic: string;
  /** Kafka offset of the first event not applied. */
  offset: string;
  reason: string;
  change: SchemaChange;
  blockers: string[];
  /** ISO-8601. */
  at: string;
}

export interface DecideSchemaChangeInput {
  id: number;
  decision: Exclude<SchemaChangeStatus, 'pending'>;
  by: string;
  comment: string;
  /** ISO-8601. */
  at: string;
}

export interface SchemaChangeRecord {
  id: number;
  table: string;
  workflowId: string;
  topic: string;
  offset: string;
  reason: string;
  change: CreateSchemaChangeInput['change'];
  blockers: string[];
  status: SchemaChangeStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  createdAt: string;
}

export interface PendingSchemaChange extends SchemaChangeRecord { role: ApproverRole }

/** An approved change change capture can decode with (no blockers). */
export interface AcceptedSchemaChangeRow {
  id: number;
  table: string;
  dropped: string[];
  retyped: Array<{ column: string; event: string }>;
}

export interface CatalogStore {
  /** Writes the contracts' domains, people, products, datasets, columns and static lineage; idempotent. */
  syncContracts(input: SyncContractsInput): Promise<SyncContractsResult>;
  publishedVersion(input: ProductRef): Promise<ProductVersion | null>;
  productVersion(input: ProductVersionRef): Promise<ProductVersion | null>;
  createCandidate(input: CreateCandidateInput): Promise<CreateCandidateResult>;
  recordDecision(input: RecordDecisionInput): Promise<RecordDecisionResult>;
  appendAudit(input: AppendAuditInput): Promise<{ id: number }>;
  /** Several entries in one statement: one commit for all of them. */
  appendAudits(inputs: AppendAuditInput[]): Promise<{ appended: number }>;
  auditTrail(input: AuditTrailInput): Promise<AuditEntry[]>;
  pendingApprovals(input: PendingApprovalsInput): Promise<PendingApproval[]>;
  /** The user's role in a domain as last synced, or null when they may not decide there. */
  approverRole(input: ApproverRoleInput): Promise<ApproverRole | null>;
  recordQualityReport(input: RecordQualityReportInput): Promise<{ alreadyRecorded: boolean }>;
  search(input: SearchInput): Promise<SearchHit[]>;
  /** Null when the product is not in the catalog (not synced). */
  showProduct(input: ProductRef): Promise<ShowProductResult | null>;
  /** A domain's last publication, recent gate runs and pending approvals, in one read. */
  domainHealth(input: { domain: string }): Promise<DomainHealth>;
  /** Records a schema change approval request; idempotent per workflow run. */
  createSchemaChange(input: CreateSchemaChangeInput): Promise<{ id: number; alreadyExisted: boolean }>;
  decideSchemaChange(input: DecideSchemaChangeInput): Promise<{ status: SchemaChangeStatus; alreadyRecorded: boolean }>;
  schemaChange(input: { id: number }): Promise<SchemaChangeRecord | null>;
  /** Approved changes without blockers of a domain's tables, oldest first. */
  acceptedSchemaChanges(input: { domain: string }): Promise<AcceptedSchemaChangeRow[]>;
  /** Schema changes waiting for a decision in the domains where the user is DPO or deputy. */
  pendingSchemaChanges(input: PendingApprovalsInput): Promise<PendingSchemaChange[]>;
  /** Writes one computation run of a KPI; idempotent per run, and never over a later run's values. */
  writeKpiValues(input: KpiRunValues): Promise<{ written: number; alreadyRecorded: boolean }>;
  /** A KPI's values over its last `periods` periods, oldest first, with the target each was judged against. */
  kpiTrend(input: { domain: string; kpi: string; periods: number }): Promise<KpiTrend>;
  close(): Promise<void>;
}
