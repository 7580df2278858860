import type pg from 'pg';
import { CatalogStateError } from '../../core/errors.js';
import type {
  AcceptedSchemaChangeRow, CreateSchemaChangeInput, DecideSchemaChangeInput, PendingSchemaChange, SchemaChangeRecord, SchemaChangeStatus,
} from './port.js';

/**
 * Breaking source schema changes and their DPO decisions (catalog.schema_changes). A request is
 * pending until approved, rejected or expired, all final; recording the decision it already has is
 * accepted and writes nothing (an activity retry), anything else is a CatalogStateError.
 */

interface Row {
  id: string; domain: string; dataset: string; workflow_id: string; topic: string; kafka_offset: string; reason: string;
  change: SchemaChangeRecord['change']; blockers: string[]; status: SchemaChangeStatus;
  decided_by: string | null; decided_at: Date | null; comment: string | null; created_at: Date;
}

const toRecord = (r: Row): SchemaChangeRecord => ({
  id: Number(r.id), table: `${r.domain}.${r.dataset}`, workflowId: r.workflow_id, topic: r.topic, offset: r.kafka_offset, reason: r.reason,
  change: r.change, blockers: r.blockers, status: r.status, decidedBy: r.decided_by, decidedAt: r.decided_at?.toISOString() ?? null,
  comment: r.comment, createdAt: r.created_at.toISOString(),
});

function splitTable(table: string): [string, string] {
  const [domain, dataset, ...rest] = table.split('.');
  if (!domain || !dataset || rest.length) throw new CatalogStateError(`schema change table '${table}': expected '<domain>.<table>'`);
  return [domain, dataset];
}

export async function createSchemaChange(client: pg.ClientBase, input: CreateSchemaChangeInput): Promise<{ id: number; alreadyExisted: boolean }> {
  const [domain, dataset] = splitTable(input.table);
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO catalog.schema_changes (domain, dataset, workflow_id, run_id, topic, kafka_offset, reason, change, blockers, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (workflow_id, run_id) DO NOTHING RETURNING id`,
    [domain, dataset, input.workflowId, input.runId, input.topic, input.offset, input.reason, JSON.stringify(input.change), JSON.stringify(input.blockers), input.at],
  );
  if (inserted.rows[0]) return { id: Number(inserted.rows[0].id), alreadyExisted: false };
  const { rows } = await client.query<{ id: string }>('SELECT id FROM catalog.schema_changes WHERE workflow_id = $1 AND run_id = $2', [input.workflowId, input.runId]);
  return { id: Number(rows[0]!.id), alreadyExisted: true };
}

export async function decideSchemaChange(client: pg.ClientBase, input: DecideSchemaChangeInput): Promise<{ status: SchemaChangeStatus; alreadyRecorded: boolean }> {
  const { rows } = await client.query<{ status: SchemaChangeStatus; domain: string; dataset: string }>(
    'SELECT status, domain, dataset FROM catalog.schema_changes WHERE id = $1 FOR UPDATE', [input.id],
  );
  const row = rows[0];
  if (!row) throw new CatalogStateError(`schema change request ${input.id} does not exist`);
  if (row.status === input.decision) return { status: row.status, alreadyRecorded: true };
  if (row.status !== 'pending') {
    throw new CatalogStateError(`schema change request ${input.id} of ${row.domain}.${row.dataset} is ${row.status} (final): cannot record '${input.decision}'`);
  }
  await client.query(
    'UPDATE catalog.schema_changes SET status = $2, decided_by = $3, decided_at = $4, comment = $5 WHERE id = $1',
    [input.id, input.decision, input.by, input.at, input.comment],
  );
  return { status: input.decision, alreadyRecorded: false };
}

/** Approved changes without blockers, oldest first: what change capture decodes with. */
export async function acceptedSchemaChanges(client: pg.ClientBase, domain: string): Promise<AcceptedSchemaChangeRow[]> {
  const { rows } = await client.query<Row>(
    `SELECT * FROM catalog.schema_changes WHERE domain = $1 AND status = 'approved' AND blockers = '[]'::jsonb ORDER BY id`, [domain],
  );
  return rows.map((r) => ({ id: Number(r.id), table: `${r.domain}.${r.dataset}`, dropped: r.change.dropped, retyped: r.change.retyped }));
}

export async function schemaChange(client: pg.ClientBase, id: number): Promise<SchemaChangeRecord | null> {
  const { rows } = await client.query<Row>('SELECT * FROM catalog.schema_changes WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function pendingSchemaChanges(client: pg.ClientBase, user: string): Promise<PendingSchemaChange[]> {
  const { rows } = await client.query<Row & { role: 'dpo' | 'deputy' }>(
    `SELECT s.*, p.role FROM catalog.schema_changes s JOIN catalog.people p ON p.domain = s.domain AND p.person_id = $1
     WHERE s.status = 'pending' ORDER BY s.created_at, s.id`,
    [user],
  );
  return rows.map((r) => ({ ...toRecord(r), role: r.role }));
}
