import type pg from 'pg';
import type { AppendAuditInput, AuditEntry, AuditTrailInput, RecordQualityReportInput } from './port.js';

/** The audit log (append-only: the table's triggers refuse updates and deletes) and quality report summaries. */

export async function appendAudit(client: pg.ClientBase, e: AppendAuditInput): Promise<{ id: number }> {
  const { ids } = await insertAudits(client, [e]);
  return { id: ids[0]! };
}

/**
 * Entries in one INSERT, so in one commit: many privileged reads at once cost one WAL flush instead
 * of one each.
 */
export async function appendAudits(client: pg.ClientBase, entries: AppendAuditInput[]): Promise<{ appended: number }> {
  if (entries.length === 0) return { appended: 0 };
  return { appended: (await insertAudits(client, entries)).ids.length };
}

async function insertAudits(client: pg.ClientBase, entries: AppendAuditInput[]): Promise<{ ids: number[] }> {
  const columns = 13;
  const params: unknown[] = [];
  const rows = entries.map((e, i) => {
    params.push(e.domain ?? null, e.product ?? null, e.version ?? null, e.actor, e.action, e.authorized, e.detail, e.at,
      e.outcome ?? null, e.claimedBy ?? null, e.verifiedBy ?? null, e.via ?? null, e.reason ?? null);
    return `(${Array.from({ length: columns }, (_, k) => `$${i * columns + k + 1}`).join(', ')})`;
  });
  const { rows: inserted } = await client.query<{ id: string }>(
    `INSERT INTO catalog.audit_log (domain, product, version, actor, action, authorized, detail, at, outcome, claimed_by, verified_by, via, reason)
     VALUES ${rows.join(', ')} RETURNING id`,
    params,
  );
  return { ids: inserted.map((r) => Number(r.id)) };
}

export async function auditTrail(client: pg.ClientBase, input: AuditTrailInput): Promise<AuditEntry[]> {
  const { rows } = await client.query<{
    id: string; domain: string | null; product: string | null; version: number | null; actor: string; action: string; authorized: boolean; detail: string; at: Date;
    outcome: 'accepted' | 'refused' | null; claimed_by: string | null; verified_by: string | null; via: string | null; reason: string | null;
  }>(
    `SELECT * FROM (
       SELECT * FROM catalog.audit_log
        WHERE ($1::text IS NULL OR domain = $1) AND ($2::text IS NULL OR product = $2) AND ($3::timestamptz IS NULL OR at >= $3)
          AND ($4::text IS NULL OR $4 IN (actor, claimed_by, verified_by))
          AND ($5::text IS NULL OR action = $5 OR starts_with(action, $5 || '.')) AND ($6::text IS NULL OR outcome = $6)
        ORDER BY id DESC LIMIT $7
     ) AS newest ORDER BY id`,
    [input.domain ?? null, input.product ?? null, input.since ?? null, input.actor ?? null, input.kind ?? null, input.outcome ?? null, input.limit ?? 1000],
  );
  return rows.map(({ claimed_by, verified_by, ...r }) => ({ ...r, id: Number(r.id), at: r.at.toISOString(), claimedBy: claimed_by, verifiedBy: verified_by }));
}

export async function recordQualityReport(client: pg.ClientBase, r: RecordQualityReportInput): Promise<{ alreadyRecorded: boolean }> {
  const { rowCount } = await client.query(
    `INSERT INTO catalog.quality_reports (report_id, domain, product, status, rules, warned, blocked, duration_ms, checked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (report_id) DO NOTHING`,
    [r.reportId, r.domain, r.product, r.status, r.rules, r.warned, r.blocked, Math.round(r.durationMs), r.checkedAt],
  );
  return { alreadyRecorded: rowCount === 0 };
}
