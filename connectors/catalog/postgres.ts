import pg from 'pg';
import { appendAudit, appendAudits, auditTrail, recordQualityReport } from './audit.js';
import { kpiTrend, writeKpiValues } from './kpis.js';
import { migrateCatalog } from './migrate.js';
import type {
  ApproverRole, ApproverRoleInput, CatalogStore, CreateCandidateInput, PendingApprovalsInput, ProductRef, ProductVersionRef,
  RecordDecisionInput, SearchInput, SyncContractsInput,
} from './port.js';
import { acceptedSchemaChanges, createSchemaChange, decideSchemaChange, pendingSchemaChanges, schemaChange } from './schema-changes.js';
import { search } from './search.js';
import { domainHealth } from './health.js';
import { showProduct } from './show.js';
import { syncContracts } from './sync.js';
import { createCandidate, loadVersion, pendingApprovals, recordDecision } from './versions.js';

/** The catalog store on PostgreSQL (schema `catalog`, created and upgraded by the migrations in ./migrations). */

export interface OpenCatalogStoreInput {
  /** FACTORY_CATALOG_URL. */
  url: string;
  /** Apply pending migrations first (idempotent; creates the database if missing). Default true. */
  migrate?: boolean;
  /** Pool size; the catalog is light, a few connections per process are plenty. */
  maxConnections?: number;
}

export async function openCatalogStore(input: OpenCatalogStoreInput): Promise<PostgresCatalogStore> {
  if (input.migrate !== false) await migrateCatalog({ url: input.url });
  const pool = new pg.Pool({ connectionString: input.url, max: input.maxConnections ?? 4 });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new PostgresCatalogStore(pool);
}

export class PostgresCatalogStore implements CatalogStore {
  constructor(private readonly pool: pg.Pool) {}

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private async read<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  syncContracts(input: SyncContractsInput) {
    return this.transaction(async (client) => {
      // Two syncs at once would race on the same rows: the second waits for the first and then finds nothing to change.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('catalog.sync'))`);
      return syncContracts(client, input.domains, { prune: input.prune });
    });
  }

  publishedVersion(input: ProductRef) {
    return this.read((c) => loadVersion(c, `domain = $1 AND product = $2 AND status = 'published'`, [input.domain, input.product]));
  }

  productVersion(input: ProductVersionRef) {
    return this.read((c) => loadVersion(c, 'domain = $1 AND product = $2 AND version = $3', [input.domain, input.product, input.version]));
  }

  createCandidate(input: CreateCandidateInput) {
    return this.transaction((c) => createCandidate(c, input));
  }

  recordDecision(input: RecordDecisionInput) {
    return this.transaction((c) => recordDecision(c, input));
  }

  appendAudit(input: Parameters<CatalogStore['appendAudit']>[0]) {
    return this.read((c) => appendAudit(c, input));
  }

  appendAudits(inputs: Parameters<CatalogStore['appendAudits']>[0]) {
    return this.read((c) => appendAudits(c, inputs));
  }

  auditTrail(input: Parameters<CatalogStore['auditTrail']>[0]) {
    return this.read((c) => auditTrail(c, input));
  }

  pendingApprovals(input: PendingApprovalsInput) {
    return this.read((c) => pendingApprovals(c, input.user));
  }

  approverRole(input: ApproverRoleInput): Promise<ApproverRole | null> {
    return this.read(async (c) => {
      const { rows } = await c.query<{ role: ApproverRole }>('SELECT role FROM catalog.people WHERE domain = $1 AND person_id = $2', [input.domain, input.user]);
      return rows[0]?.role ?? null;
    });
  }

  recordQualityReport(input: Parameters<CatalogStore['recordQualityReport']>[0]) {
    return this.read((c) => recordQualityReport(c, input));
  }

  search(input: SearchInput) {
    return this.read((c) => search(c, input));
  }

  showProduct(input: ProductRef) {
    return this.read((c) => showProduct(c, input));
  }

  domainHealth(input: { domain: string }) {
    return this.read((c) => domainHealth(c, input));
  }

  createSchemaChange(input: Parameters<CatalogStore['createSchemaChange']>[0]) {
    return this.read((c) => createSchemaChange(c, input));
  }

  decideSchemaChange(input: Parameters<CatalogStore['decideSchemaChange']>[0]) {
    return this.transaction((c) => decideSchemaChange(c, input));
  }

  schemaChange(input: { id: number }) {
    return this.read((c) => schemaChange(c, input.id));
  }

  acceptedSchemaChanges(input: { domain: string }) {
    return this.read((c) => acceptedSchemaChanges(c, input.domain));
  }

  pendingSchemaChanges(input: PendingApprovalsInput) {
    return this.read((c) => pendingSchemaChanges(c, input.user));
  }

  writeKpiValues(input: Parameters<CatalogStore['writeKpiValues']>[0]) {
    return this.transaction((c) => writeKpiValues(c, input));
  }

  kpiTrend(input: Parameters<CatalogStore['kpiTrend']>[0]) {
    return this.read((c) => kpiTrend(c, input));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
