import { ActivityFailure, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAccessActivities } from '../../activities/warehouse/access.js';
import type { createPublicationCatalogActivities, PublicationPlan } from '../../activities/catalog/publish.js';
import type { createPublishWarehouseActivities } from '../../activities/warehouse/publish.js';
import type { AppendAuditInput } from '../../connectors/catalog/port.js';
import type { NotificationKind } from '../../connectors/notify/port.js';
import type { PublishedViewStats } from '../../connectors/warehouse/publish-port.js';
import type { DecisionRecord, PublishDataProductInput, PublicationStatus, PublishRequest } from '../api/publish-data-product.js';
import { longChunk, shortIo } from './activity-options.js';
import type { DecisionWait, NudgeKind } from './approval-component.js';
import { approvalNotifier } from './approval-notify.js';

interface StepsContext {
  input: PublishDataProductInput;
  status: PublicationStatus;
  domain: string;
  workflowId: string;
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;

/**
 * The activity-calling steps of publishDataProduct, kept apart so the workflow file reads as the
 * approval's control flow. Every catalog change has an audit entry; notifications that cannot be
 * delivered after their retries are audited as such and do not stop the approval.
 */
export function publicationSteps({ input, status, domain, workflowId }: StepsContext) {
  const catalog = proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>(shortIo);
  const warehouseOptions = { taskQueue: input.warehouseTaskQueue };
  const warehouse = proxyActivities<ReturnType<typeof createPublishWarehouseActivities>>({ ...shortIo, ...warehouseOptions });
  const copying = proxyActivities<ReturnType<typeof createPublishWarehouseActivities>>({ ...longChunk, ...warehouseOptions });
  const securing = proxyActivities<ReturnType<typeof createAccessActivities>>({ ...shortIo, ...warehouseOptions });
  const now = () => new Date().toISOString();
  const product = input.product.split('.')[1]!;
  const tablesOf = (plan: PublicationPlan, version: number) => ({ domain, product, version, tables: plan.tables });

  async function audit(entry: Omit<AppendAuditInput, 'domain' | 'product' | 'at'>): Promise<void> {
    await catalog.appendAudit({ domain, product, ...(status.version !== null && entry.version === undefined ? { version: status.version } : {}), ...entry, at: now() });
  }

  const send = approvalNotifier(audit);
  async function notify(kind: NotificationKind, to: string[], message: string, version?: number, howToDecide?: string[]): Promise<void> {
    await send({ kind, product: input.product, to: [...new Set(to)], message, at: now(), workflowId, ...(version ? { version } : {}), ...(howToDecide ? { howToDecide } : {}) });
  }

  const everyone = (plan: PublicationPlan) => [plan.approvers.dpo, ...plan.approvers.deputies];

  /**
   * The roles' secured views over the version just published. The publication stands when they
   * cannot be built (its views serve the approved version): the failure is audited, and
   * `factory access build` rebuilds them; until then the secured views show the columns they had.
   */
  async function secureViews(version: number): Promise<void> {
    try {
      const built = await securing.buildAccessViews({ product: input.product });
      const agencies = built.agencyViews.count ? ` (${built.agencyViews.count} of them for ${built.agencyViews.agencies} agencies)` : '';
      const detail = built.skipped
        ?? `${built.views.length + built.agencyViews.count} secured views${agencies} over v${version}${built.droppedCount ? `, ${built.droppedCount} dropped` : ''}`;
      await audit({ actor: 'system', action: 'access.views.built', authorized: true, version, detail });
    } catch (error) {
      const why = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
      await audit({ actor: 'system', action: 'access.views.failed', authorized: true, version, detail: `secured views not rebuilt: ${why}` });
    }
  }

  return {
    audit,
    notify,

    build: () => catalog.buildCandidate({ product: input.product }),

    async blocked(plan: PublicationPlan, reportId: string): Promise<void> {
      await audit({ actor: 'system', action: 'publish.blocked', authorized: true, detail: `quality gate blocked the candidate (report ${reportId}); nothing recorded for approval` });
      await notify('blocked', [input.request.by, plan.approvers.dpo], `${plan.qualifiedName}: the quality gate blocked the publication requested by ${input.request.by} (report ${reportId})`);
    },

    /** Records the candidate, supersedes versions left open by earlier runs, and freezes its tables. */
    async candidate(plan: PublicationPlan, gate: { status: 'pass' | 'warn'; reportId: string }): Promise<number> {
      const created = await catalog.createCandidate({
        domain, product, workflowId, runId: workflowInfo().runId, datasets: plan.datasets, changes: plan.changes, breaking: plan.breaking,
        qualityStatus: gate.status, qualityReportId: gate.reportId, lineage: plan.lineage, at: now(),
      });
      for (const open of created.openVersions) {
        await catalog.recordDecision({ domain, product, version: open, decision: 'superseded', by: workflowId, comment: `superseded by version ${created.version}`, at: now() });
        await warehouse.dropSnapshot(tablesOf(plan, open));
      }
      const snapshot = await copying.snapshotProduct(tablesOf(plan, created.version));
      const rows = snapshot.tables.map((t) => `${t.table} ${t.rows} rows from ${t.from}`).join('; ');
      await audit({
        actor: input.request.by, action: 'candidate.created', authorized: true, version: created.version,
        detail: `v${created.version}: ${plan.changes.length} schema changes (${plan.breaking ? 'breaking' : 'non-breaking'}), quality ${gate.status}; ${rows}`,
      });
      return created.version;
    },

    /** What the approval request and its reminder and escalation say, in the audit trail and to the approvers. */
    approvalTexts(plan: PublicationPlan, version: number): Pick<DecisionWait, 'requested' | 'nudged'> {
      const why = `${plan.changes.length} schema changes${plan.breaking ? ', breaking' : ''}, quality gate ${status.gate}`;
      return {
        requested: { detail: `v${version} waits for ${plan.approvers.dpo}`, message: `${plan.qualifiedName} v${version} waits for your approval (${why}); requested by ${input.request.by}` },
        nudged: (kind: NudgeKind, waitedMs: number, to: string[]) => ({
          detail: `v${version} undecided after ${hours(waitedMs)}: ${kind} to ${to.join(', ')}`,
          message: kind === 'reminder'
            ? `${plan.qualifiedName} v${version} still waits for your approval (${hours(waitedMs)})`
            : `${plan.qualifiedName} v${version} undecided for ${hours(waitedMs)}: escalated to the deputies of ${domain}`,
        }),
      };
    },

    async supersede(plan: PublicationPlan, version: number, newer: PublishRequest): Promise<void> {
      await catalog.recordDecision({ domain, product, version, decision: 'superseded', by: newer.by, comment: `superseded by a newer publication requested by ${newer.by}`, at: now() });
      await warehouse.dropSnapshot(tablesOf(plan, version));
      await audit({ actor: newer.by, action: 'candidate.superseded', authorized: true, version, detail: `v${version} superseded before a decision; its approval request is closed` });
      await notify('superseded', everyone(plan), `${plan.qualifiedName} v${version}: approval request closed, superseded by a newer publication requested by ${newer.by}`, version);
    },

    async expire(plan: PublicationPlan, version: number): Promise<void> {
      await catalog.recordDecision({ domain, product, version, decision: 'expired', by: 'system', comment: `no decision within ${plan.policy.expiryDays} days`, at: now() });
      await warehouse.dropSnapshot(tablesOf(plan, version));
      await audit({ actor: 'system', action: 'candidate.expired', authorized: true, version, detail: `v${version} expired undecided after ${plan.policy.expiryDays} days` });
      await notify('expired', [...everyone(plan), input.request.by], `${plan.qualifiedName} v${version} expired without a decision after ${plan.policy.expiryDays} days`, version);
    },

    async reject(plan: PublicationPlan, version: number, decision: DecisionRecord): Promise<void> {
      await catalog.recordDecision({ domain, product, version, decision: 'rejected', by: decision.by, comment: decision.comment, at: decision.at });
      await warehouse.dropSnapshot(tablesOf(plan, version));
      await notify('rejected', [input.request.by, plan.approvers.dpo], `${plan.qualifiedName} v${version} rejected by ${decision.by}: ${decision.comment}`, version);
    },

    /** Approved → the views serve the version (one warehouse transaction) → published, with who, when and why. */
    async promote(plan: PublicationPlan, version: number, decision: DecisionRecord): Promise<PublishedViewStats[]> {
      await catalog.recordDecision({ domain, product, version, decision: 'approved', by: decision.by, comment: decision.comment, at: decision.at });
      const promoted = await warehouse.promoteProduct(tablesOf(plan, version));
      const views = promoted.views.map((v) => v.view).join(', ');
      await catalog.recordDecision({ domain, product, version, decision: 'published', by: decision.by, comment: `${views} serve v${version}`, at: now() });
      await audit({ actor: decision.by, action: 'published', authorized: true, version, detail: `${views} serve v${version} (before: ${promoted.previousVersion === null ? 'none' : `v${promoted.previousVersion}`})` });
      // Runs recorded before secured views existed replay without this step.
      if (patched('access-views')) await secureViews(version);
      await notify('published', [input.request.by, plan.approvers.dpo], `${plan.qualifiedName} v${version} published, approved by ${decision.by}: ${decision.comment}`, version);
      return promoted.views;
    },
  };
}
