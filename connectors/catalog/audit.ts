import type pg from 'pg';
import type { AppendAuditInput, AuditEntry, AuditTrailInput, RecordQualityReportInput } from './port.js';

/** The audit log (append-only: the table's triggers refuse updates and deletes) and quality report summaries. */

export async function appendAudit(client: pg.ClientBase, e: AppendAuditInput): Promise<{ id: number }> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO catalog.audit_log (domain, product, version, actor, action, authorized, detail, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [e.domain, e.product ?? null, e.version ?? null, e.actor, e.action, e.authorized, e.detail, e.at],
  );
  return { id: Number(rows[0]!.id) };
}

export async function auditTrail(client: pg.ClientBase, input: AuditTrailInput): Promise<AuditEntry[]> {
  const { rows } = await client.query<{
    id: string; domain: string; product: string | null; version: number | null; actor: string; action: string; authorized: boolean; detail: string; at: Date;
  }>(
    `SELECT * FROM (
       SELECT * FROM catalog.audit_log WHERE domain = $1 AND ($2::text IS NULL OR product = $2) ORDER BY id DESC LIMIT $3
     ) AS newest ORDER BY id`,
    [input.domain, input.product ?? null, input.limit ?? 1000],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), at: r.at.toISOString() }));
}

export async function recordQualityReport(client: pg.ClientBase, r: RecordQualityReportInput): Promise<{ alreadyRecorded: boolean }> {
  const { rowCount } = await client.query(
    `INSERT INTO catalog.quality_reports (report_id, domain, product, status, rules, warned, blocked, duration_ms, checked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (report_id) DO NOTHING`,
    [r.reportId, r.domain, r.product, r.status, r.rules, r.warned, r.blocked, Math.round(r.durationMs), r.checkedAt],
  );
  return { alreadyRecorded: rowCount === 0 };
}
