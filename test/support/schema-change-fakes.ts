import type { SchemaChangePlan } from '../../activities/catalog/schema-change.js';
import type { IngestRunInput, IngestRunResult } from '../../activities/cdc/index.js';
import type { PausedTable } from '../../connectors/cdc/pipeline.js';
import type { AppendAuditInput, CreateSchemaChangeInput, DecideSchemaChangeInput } from '../../connectors/catalog/port.js';
import type { Notification } from '../../connectors/notify/port.js';
import type { AcceptedSchemaChange } from '../../core/cdc/schema-change.js';
import { devIdentityActivities } from './publish-fakes.js';

/**
 * Stand-ins for the activities of change capture and schema change approvals (workflow tests): they
 * answer as the catalog and the warehouse owner's ingest runs would, steered by `world`, and record
 * what they were asked. An ingest run reports the pause a test planted for its consumer once.
 */

export const dpo = 'dpo.booking';
export const deputies = ['deputy.booking.1', 'deputy.booking.2'];
export const table = 'booking.booking_status_history';

export const droppedReasonCode: PausedTable = {
  table, topic: 'factory.BOOK.BOOKING_STAT_HIST', offset: '1234',
  reason: 'topic factory.BOOK.BOOKING_STAT_HIST partition 0 offset 1234 (booking.booking_status_history): schema change: column REASON_CODE dropped',
  change: { added: [], dropped: ['REASON_CODE'], retyped: [] }, blockers: [],
};

export interface World {
  policy: SchemaChangePlan['policy'];
  /** Consumer → the pause its next ingest run reports. */
  pauses: Map<string, PausedTable>;
  runs: IngestRunInput[];
  requests: CreateSchemaChangeInput[];
  decisions: DecideSchemaChangeInput[];
  audits: AppendAuditInput[];
  notes: Notification[];
  accepted: Record<string, AcceptedSchemaChange>;
}

export const world: World = {
  policy: { reminderHours: 8, escalationHours: 48, expiryDays: 7, autoApproveNonBreaking: false },
  pauses: new Map(), runs: [], requests: [], decisions: [], audits: [], notes: [], accepted: {},
};

const idle = (): Omit<IngestRunResult, 'paused'> => ({
  events: 0, applied: 0, tombstones: 0, deadLettered: 0, addedColumns: {}, lastPosition: {}, lag: [], seconds: 1, freshness: null,
});

export const general = {
  // Who decides is judged by the real identity activity, as the local demo runs it (FACTORY_AUTH=dev).
  ...devIdentityActivities,
  async listTables() {
    return { tables: ['booking.booking', table] };
  },
  async acceptedSchemaChanges() {
    return world.accepted;
  },
  async planSchemaChange(input: { table: string }): Promise<SchemaChangePlan> {
    return { table: input.table, domain: 'booking', approvers: { dpo, deputies }, policy: world.policy };
  },
  async recordSchemaChange(input: CreateSchemaChangeInput) {
    const again = world.requests.findIndex((r) => r.workflowId === input.workflowId && r.runId === input.runId);
    if (again >= 0) return { id: 100 + again, alreadyExisted: true };
    world.requests.push(input);
    return { id: 100 + world.requests.length - 1, alreadyExisted: false };
  },
  async decideSchemaChange(input: DecideSchemaChangeInput) {
    world.decisions.push(input);
    return { status: input.decision, alreadyRecorded: false };
  },
  async appendAudit(input: AppendAuditInput) {
    world.audits.push(input);
    return { id: world.audits.length };
  },
  async notify(n: Notification) {
    world.notes.push(n);
  },
};

export const warehouse = {
  async ingestRun(input: IngestRunInput): Promise<IngestRunResult> {
    world.runs.push(input);
    // Paces the loop of a workflow that has nothing to ingest (a real run lasts runSeconds).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pause = world.pauses.get(input.consumer);
    if (pause && input.tables.includes(pause.table)) {
      world.pauses.delete(input.consumer);
      return { ...idle(), paused: [pause] };
    }
    return { ...idle(), paused: [] };
  },
};
