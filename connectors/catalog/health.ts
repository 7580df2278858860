import type pg from 'pg';
import type { DomainHealth } from './port.js';

/**
 * A domain's operational health in one statement (the KPI page shows it beside the KPIs): the last
 * publication of any of its products, its products' last five quality gate runs each (the runs a
 * product page shows), and the publications waiting for a decision.
 */
export async function domainHealth(client: pg.ClientBase, input: { domain: string }): Promise<DomainHealth> {
  const { rows } = await client.query<{ last_published: Date | null; runs: string; passed: string; pending: string }>(
    `SELECT (SELECT max(published_at) FROM catalog.product_versions WHERE domain = $1) AS last_published,
            count(*) AS runs, count(*) FILTER (WHERE r.status = 'pass') AS passed,
            (SELECT count(*) FROM catalog.product_versions WHERE domain = $1 AND status = 'pending') AS pending
       FROM (SELECT status, row_number() OVER (PARTITION BY product ORDER BY checked_at DESC, report_id DESC) AS n
               FROM catalog.quality_reports WHERE domain = $1) r
      WHERE r.n <= 5`,
    [input.domain],
  );
  const row = rows[0]!;
  return {
    lastPublishedAt: row.last_published ? row.last_published.toISOString() : null,
    gateRuns: Number(row.runs), gatePassed: Number(row.passed), pendingApprovals: Number(row.pending),
  };
}
