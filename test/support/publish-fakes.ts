import { ApplicationFailure } from '@temporalio/common';
import type { ApprovalPolicy, PublicationPlan } from '../../activities/catalog/publish.js';
import type { AppendAuditInput, CreateCandidateInput, RecordDecisionInput } from '../../connectors/catalog/port.js';
import type { Notification } from '../../connectors/notify/port.js';
import type { ProductVersionTables } from '../../connectors/warehouse/publish-port.js';
import { createIdentityActivities } from '../../activities/identity/index.js';
import { registry } from '../../domains/index.js';

/** The identity activities as FACTORY_AUTH=dev runs them: what every approval workflow's fake worker needs. */
export const devIdentityActivities = createIdentityActivities({ mode: 'dev', registry });

/**
 * Stand-ins for the publication workflow's activities (workflow tests, history recording): they
 * answer as the catalog and warehouse would, steered by `world`, and record what they were asked.
 */

export const dpo = 'dpo.booking';
export const deputies = ['deputy.booking.1', 'deputy.booking.2'];

export interface World {
  policy: ApprovalPolicy;
  publishedVersion: number | null;
  breaking: boolean;
  gate: 'pass' | 'warn' | 'block';
  nextVersion: number;
  openVersions: number[];
  candidates: CreateCandidateInput[];
  decisions: RecordDecisionInput[];
  audits: AppendAuditInput[];
  notes: Notification[];
  warehouse: string[];
  /** Products whose secured views the workflow had rebuilt. */
  accessBuilds: string[];
  /** When set, rebuilding secured views fails with this message. */
  accessFailure?: string;
  /** While set, the stand-in gate waits for it: a test can act while the gate runs. */
  gateHold?: Promise<void>;
}

export let world: World = freshWorld();

/** A fresh world for the next run. */
export function resetWorld(): World {
  world = freshWorld();
  return world;
}

export function freshWorld(): World {
  return {
    policy: { reminderHours: 8, escalationHours: 48, expiryDays: 7, autoApproveNonBreaking: false },
    publishedVersion: 3, breaking: false, gate: 'pass', nextVersion: 4, openVersions: [],
    candidates: [], decisions: [], audits: [], notes: [], warehouse: [], accessBuilds: [],
  };
}

/** Activities of the general task queue (catalog, notifier) and the stand-in gate's verdict. */
export const general = {
  // Who decides is judged by the real identity activity, as the local demo runs it (FACTORY_AUTH=dev).
  ...devIdentityActivities,
  async buildCandidate(): Promise<PublicationPlan> {
    return {
      domain: 'booking', product: 'bookings', qualifiedName: 'booking.bookings',
      tables: [{ domain: 'booking', table: 'booking' }, { domain: 'booking', table: 'booking_line' }],
      datasets: [], changes: world.breaking ? [{ table: 'booking.booking', column: 'CHANNEL', change: 'removed', breaking: true }] : [],
      breaking: world.breaking, publishedVersion: world.publishedVersion, lineage: [],
      approvers: { dpo, deputies }, policy: world.policy,
    };
  },
  async createCandidate(input: CreateCandidateInput) {
    // Idempotent per run, as the catalog is.
    const again = world.candidates.findIndex((c) => c.runId === input.runId);
    if (again >= 0) return { version: world.nextVersion - world.candidates.length + again, alreadyExisted: true, openVersions: [] };
    world.candidates.push(input);
    return { version: world.nextVersion++, alreadyExisted: false, openVersions: world.openVersions.splice(0) };
  },
  async recordDecision(input: RecordDecisionInput) {
    world.decisions.push(input);
    return { status: input.decision, alreadyRecorded: false, supersededVersion: null };
  },
  async appendAudit(input: AppendAuditInput) {
    world.audits.push(input);
    return { id: world.audits.length };
  },
  async notify(n: Notification) {
    world.notes.push(n);
  },
  async gateVerdict() {
    await world.gateHold;
    return world.gate;
  },
};

/** Activities of the warehouse owner's task queue. */
export const warehouse = {
  async snapshotProduct(i: ProductVersionTables) {
    world.warehouse.push(`snapshot v${i.version}`);
    return { tables: i.tables.map((t) => ({ table: `${t.domain}.${t.table}`, snapshot: `s${i.version}`, from: 'raw', rows: 10, checksum: '1' })), alreadyTaken: false };
  },
  async promoteProduct(i: ProductVersionTables) {
    world.warehouse.push(`promote v${i.version}`);
    return { views: i.tables.map((t) => ({ table: `${t.domain}.${t.table}`, view: `published_booking.bookings__${t.table}`, rows: 10, checksum: '1' })), previousVersion: 3, droppedViews: [] };
  },
  async dropSnapshot(i: ProductVersionTables) {
    world.warehouse.push(`drop v${i.version}`);
    return { dropped: [] };
  },
  async buildAccessViews(i: { product: string }) {
    world.accessBuilds.push(i.product);
    if (world.accessFailure) throw ApplicationFailure.nonRetryable(world.accessFailure, 'InvalidInputError');
    return { product: i.product, views: [], agencyViews: { count: 0, agencies: 0 }, dropped: [], droppedCount: 0 };
  },
};
