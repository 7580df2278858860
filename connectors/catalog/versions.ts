import type pg from 'pg';
import { InvalidInputError } from '../../core/errors.js';
import type {
  CreateCandidateInput, CreateCandidateResult, PendingApproval, ProductRef, ProductVersion, QualityStatus,
  RecordDecisionInput, RecordDecisionResult, VersionEvent, VersionStatus,
} from './port.js';
import { checkTransition } from './transitions.js';

/**
 * Product versions: candidates, decisions and the approval history. Each function runs inside the
 * caller's transaction; those that number or move versions first take the product's advisory lock,
 * so two workflows (or a retry racing its first attempt) never get the same version number nor move a
 * version past each other.
 */

export interface VersionRow {
  domain: string; product: string; version: number; status: VersionStatus; workflow_id: string; run_id: string;
  datasets: ProductVersion['datasets']; changes: ProductVersion['changes']; breaking: boolean; quality_status: QualityStatus;
  quality_report_id: string | null; lineage: ProductVersion['lineage']; created_at: Date; decided_by: string | null;
  decided_at: Date | null; comment: string | null; published_at: Date | null;
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const name = (p: ProductRef) => `${p.domain}.${p.product}`;

async function lockProduct(client: pg.ClientBase, p: ProductRef): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('catalog.product:' || $1))`, [name(p)]);
}

export function toProductVersion(row: VersionRow, history: VersionEvent[]): ProductVersion {
  return {
    domain: row.domain, product: row.product, version: row.version, status: row.status, workflowId: row.workflow_id,
    runId: row.run_id || null, datasets: row.datasets, changes: row.changes, breaking: row.breaking, qualityStatus: row.quality_status,
    qualityReportId: row.quality_report_id, lineage: row.lineage, createdAt: row.created_at.toISOString(), decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at), comment: row.comment, publishedAt: iso(row.published_at), history,
  };
}

export async function loadVersion(client: pg.ClientBase, where: string, params: unknown[]): Promise<ProductVersion | null> {
  const { rows } = await client.query<VersionRow>(`SELECT * FROM catalog.product_versions WHERE ${where}`, params);
  const row = rows[0];
  if (!row) return null;
  const events = await client.query<{ decision: VersionEvent['decision']; decided_by: string | null; comment: string | null; at: Date }>(
    'SELECT decision, decided_by, comment, at FROM catalog.version_events WHERE domain = $1 AND product = $2 AND version = $3 ORDER BY id',
    [row.domain, row.product, row.version],
  );
  return toProductVersion(row, events.rows.map((e) => ({ decision: e.decision, by: e.decided_by, comment: e.comment, at: e.at.toISOString() })));
}

export async function createCandidate(client: pg.ClientBase, input: CreateCandidateInput): Promise<CreateCandidateResult> {
  await lockProduct(client, input);
  const known = await client.query('SELECT 1 FROM catalog.data_products WHERE domain = $1 AND name = $2', [input.domain, input.product]);
  if (!known.rowCount) throw new InvalidInputError(`data product ${name(input)} is not in the catalog: declare it in domains/${input.domain}.ts and run 'factory catalog sync'`);
  const runId = input.runId ?? '';
  const existing = await client.query<{ version: number }>(
    'SELECT version FROM catalog.product_versions WHERE domain = $1 AND product = $2 AND workflow_id = $3 AND run_id = $4',
    [input.domain, input.product, input.workflowId, runId],
  );
  let version = existing.rows[0]?.version;
  const alreadyExisted = version !== undefined;
  if (version === undefined) {
    const inserted = await client.query<{ version: number }>(
      `INSERT INTO catalog.product_versions (domain, product, version, status, workflow_id, run_id, datasets, changes, breaking,
         quality_status, quality_report_id, lineage, created_at)
       SELECT $1, $2, coalesce(max(version), 0) + 1, 'pending', $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10::jsonb, coalesce($11::timestamptz, now())
       FROM catalog.product_versions WHERE domain = $1 AND product = $2
       RETURNING version`,
      [input.domain, input.product, input.workflowId, runId, JSON.stringify(input.datasets), JSON.stringify(input.changes), input.breaking,
        input.qualityStatus, input.qualityReportId ?? null, JSON.stringify(input.lineage), input.at ?? null],
    );
    version = inserted.rows[0]!.version;
  }
  const open = await client.query<{ version: number }>(
    `SELECT version FROM catalog.product_versions WHERE domain = $1 AND product = $2 AND version <> $3 AND status IN ('pending', 'approved') ORDER BY version`,
    [input.domain, input.product, version],
  );
  return { version, alreadyExisted, openVersions: open.rows.map((r) => r.version) };
}

export async function recordDecision(client: pg.ClientBase, input: RecordDecisionInput): Promise<RecordDecisionResult> {
  await lockProduct(client, input);
  const { rows } = await client.query<{ status: VersionStatus }>(
    'SELECT status FROM catalog.product_versions WHERE domain = $1 AND product = $2 AND version = $3',
    [input.domain, input.product, input.version],
  );
  const current = rows[0];
  if (!current) throw new InvalidInputError(`${name(input)} has no version ${input.version} in the catalog`);
  if (checkTransition(name(input), input.version, current.status, input.decision) === 'already') {
    return { status: current.status, alreadyRecorded: true, supersededVersion: null };
  }
  let supersededVersion: number | null = null;
  if (input.decision === 'published') {
    const previous = await client.query<{ version: number }>(
      `UPDATE catalog.product_versions SET status = 'superseded' WHERE domain = $1 AND product = $2 AND status = 'published' RETURNING version`,
      [input.domain, input.product],
    );
    supersededVersion = previous.rows[0]?.version ?? null;
    if (supersededVersion !== null) {
      await insertEvent(client, { ...input, version: supersededVersion, decision: 'superseded', by: input.by, comment: `superseded by version ${input.version}` });
    }
  }
  // decided_* keep the decision that ended the pending state; later steps (publication) only add events.
  await client.query(
    `UPDATE catalog.product_versions SET status = $4,
       decided_by = CASE WHEN status = 'pending' THEN $5 ELSE decided_by END,
       decided_at = CASE WHEN status = 'pending' THEN $6::timestamptz ELSE decided_at END,
       comment = CASE WHEN status = 'pending' THEN $7 ELSE comment END,
       published_at = CASE WHEN $4 = 'published' THEN $6::timestamptz ELSE published_at END
     WHERE domain = $1 AND product = $2 AND version = $3`,
    [input.domain, input.product, input.version, input.decision, input.by ?? null, input.at, input.comment ?? null],
  );
  await insertEvent(client, input);
  return { status: input.decision, alreadyRecorded: false, supersededVersion };
}

async function insertEvent(client: pg.ClientBase, e: RecordDecisionInput): Promise<void> {
  await client.query(
    'INSERT INTO catalog.version_events (domain, product, version, decision, decided_by, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [e.domain, e.product, e.version, e.decision, e.by ?? null, e.comment ?? null, e.at],
  );
}

export async function pendingApprovals(client: pg.ClientBase, user: string): Promise<PendingApproval[]> {
  const { rows } = await client.query<{
    domain: string; product: string; version: number; role: 'dpo' | 'deputy'; breaking: boolean; quality_status: QualityStatus;
    changes: number; workflow_id: string; created_at: Date;
  }>(
    `SELECT v.domain, v.product, v.version, p.role, v.breaking, v.quality_status, jsonb_array_length(v.changes) AS changes, v.workflow_id, v.created_at
     FROM catalog.product_versions v JOIN catalog.people p ON p.domain = v.domain AND p.person_id = $1
     WHERE v.status = 'pending'
     ORDER BY v.created_at, v.domain, v.product, v.version`,
    [user],
  );
  return rows.map((r) => ({
    domain: r.domain, product: r.product, version: r.version, role: r.role, breaking: r.breaking, qualityStatus: r.quality_status,
    changes: r.changes, workflowId: r.workflow_id, createdAt: r.created_at.toISOString(),
  }));
}
