import type { RetentionRunResult } from '../api/retention.js';

/**
 * The audit entries of a retention run: a summary, and per domain its counts by table and product.
 * Names, ages, cutoffs and counts only: never a value of a row.
 */

export interface RetentionAuditText {
  summary: string;
  /** Domains where a change log or a published product exists, each with its detail. */
  domains: { domain: string; detail: string }[];
}

const n = (value: number) => value.toLocaleString('en');

export function retentionAuditText(run: Omit<RetentionRunResult, 'auditIds'>, workflowId: string): RetentionAuditText {
  const verb = run.dryRun ? 'would delete' : 'deleted';
  const { totals } = run;
  const summary = `${run.dryRun ? 'retention dry run' : 'retention run'} ${workflowId} at ${run.startedAt}: `
    + `${run.changeLogs.length} change logs, ${n(totals.changeLogRowsDeleted)} rows ${verb}; `
    + `${run.snapshots.length} published products, ${totals.snapshotVersionsDropped} superseded versions (${totals.snapshotTablesDropped} snapshots) ${run.dryRun ? 'would be dropped' : 'dropped'}`;
  const names = [...new Set([...run.changeLogs.map((c) => c.domain), ...run.snapshots.map((s) => s.domain)])].sort();
  const domains = names.map((domain) => {
    const logs = run.changeLogs.filter((c) => c.domain === domain)
      .map((c) => `${c.table} ${n(c.deleted)} of ${n(c.before)} ${verb}, ${n(c.after)} left (${c.days} d, before ${c.cutoff})`);
    const products = run.snapshots.filter((s) => s.domain === domain).map((s) => {
      const dropped = s.dropped.map((d) => `v${d.version}`).join(', ') || 'none';
      return `${s.product} serves v${s.servedVersion}, superseded ${run.dryRun ? 'to drop' : 'dropped'}: ${dropped}, kept: ${s.kept.map((v) => `v${v}`).join(', ') || 'none'} (${s.days} d, before ${s.cutoff})`;
    });
    return { domain, detail: [logs.length ? `change logs: ${logs.join('; ')}` : '', products.length ? `snapshots: ${products.join('; ')}` : ''].filter(Boolean).join(' | ') };
  });
  return { summary, domains };
}
