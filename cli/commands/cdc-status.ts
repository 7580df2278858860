import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Admin } from 'kafkajs';
import { liveLag, type LiveLag } from '../../connectors/cdc/applied-offsets.js';
import { topicOf } from '../../connectors/kafka-connect/debezium.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { cdcStatus, type CdcStatus } from '../../workflows/api/cdc-ingest.js';
import { printTable } from './domains.js';

/**
 * What `factory cdc status` shows of one domain, each part read at the moment it is asked and each
 * able to fail alone: the lag from the broker's end offsets against the applied offsets (no worker
 * needed: applied-offsets.ts), the ingest activity's attempt and last failure (Temporal), and the
 * workflow's own counters (a query: a worker must answer it within a few seconds).
 */
export interface DomainCdcStatus {
  domain: string;
  workflowId: string;
  /** Lag now; null with `lagError` when the broker could not be asked. */
  live: LiveLag | null;
  lagError?: string;
  /** The pending ingest run: its attempt (1 = first), last failure and last heartbeat; null when none is pending. */
  ingest: { attempt: number; lastFailure: string | null; lastHeartbeat: string | null; state: string } | null;
  /** The workflow's counters, or null when no worker answered (`workflowError` says why). */
  workflow: CdcStatus | null;
  workflowError?: string;
}

export interface CdcStatusInput {
  domain: string;
  workflowId: string;
  consumer: string;
  topicPrefix: string;
  registry: DomainRegistry;
}

export async function readCdcStatus(client: Client, admin: Admin, input: CdcStatusInput): Promise<DomainCdcStatus> {
  const topics = input.registry.domain(input.domain).tables.map((t) => topicOf(input.topicPrefix, t.source.schema, t.source.table));
  const handle = client.workflow.getHandle(input.workflowId);
  const [live, description, workflow] = await Promise.all([
    liveLag(admin, input.consumer, topics).then((l) => ({ l }), (e: unknown) => ({ e: (e as Error).message })),
    handle.describe().then((d) => ({ d }), (e: unknown) => ({ e: (e as Error).message })),
    // A query needs a worker; without one it would wait, so it gets a deadline.
    client.withDeadline(Date.now() + 5000, () => handle.query(cdcStatus) as Promise<CdcStatus>).then((s) => ({ s }), (e: unknown) => ({ e: (e as Error).message })),
  ]);
  const pending = 'd' in description ? description.d.raw.pendingActivities?.find((a) => a.activityType?.name === 'ingestRun') : undefined;
  const time = (t: { seconds?: unknown } | null | undefined) => (t?.seconds ? new Date(Number(t.seconds) * 1000).toISOString() : null);
  return {
    domain: input.domain,
    workflowId: input.workflowId,
    live: 'l' in live ? live.l : null,
    ...('e' in live ? { lagError: live.e } : {}),
    ingest: pending ? {
      attempt: pending.attempt ?? 1,
      lastFailure: pending.lastFailure?.message ?? null,
      lastHeartbeat: time(pending.lastHeartbeatTime),
      state: activityState(pending.state),
    } : null,
    workflow: 's' in workflow ? workflow.s : null,
    ...('e' in workflow ? { workflowError: 'd' in description ? `no worker answered: ${workflow.e}` : description.e } : {}),
  };
}

// A CommonJS package: its enums are reached through the default export.
const { PendingActivityState } = proto.temporal.api.enums.v1;

/** 'scheduled' (waiting for a worker or a retry), 'started', … from PENDING_ACTIVITY_STATE_*. */
function activityState(state: number | null | undefined): string {
  const name = state === null || state === undefined ? undefined : PendingActivityState[state];
  return name ? name.replace(/^PENDING_ACTIVITY_STATE_/, '').toLowerCase().replace(/_/g, '-') : 'unknown';
}

export function printCdcStatus(statuses: DomainCdcStatus[]): void {
  const asOf = statuses.map((s) => s.live?.asOf).find(Boolean);
  console.log(`lag as of ${asOf ?? '?'} (broker end offsets now, against the offsets change capture applied)`);
  // Freshness counts from each change's source commit; the capture delay (source commit → Kafka
  // record) is the part of it before the pipeline, so a reader sees which side to look at.
  console.log('freshness: source commit → warehouse commit, and capture: source commit → Kafka record, over the last ingest run');
  printTable(['domain', 'state', 'lag', 'ingest run', 'events/s', 'applied', 'dead letters', 'freshness p50/p99 ms', 'capture p50/p99 ms', 'paused tables'], statuses.map((s) => {
    const w = s.workflow;
    return [
      s.domain,
      w ? (w.paused ? 'paused' : w.stopping ? 'stopping' : 'running') : (s.workflowError ?? 'unknown'),
      s.live ? String(s.live.lag) : `? (${s.lagError})`,
      s.ingest ? `${s.ingest.state}, attempt ${s.ingest.attempt}` : '-',
      w ? String(w.eventsPerSecond) : '-',
      w ? String(w.totals.applied) : '-',
      w ? String(w.totals.deadLettered) : '-',
      w?.freshness ? `${w.freshness.p50Ms} / ${w.freshness.p99Ms}` : '-',
      w?.captureDelay ? `${w.captureDelay.p50Ms} / ${w.captureDelay.p99Ms}` : '-',
      w?.pausedTables.map((p) => p.table).join(' ') || '-',
    ];
  }));
  for (const s of statuses) {
    if (s.workflow?.withoutSourceTime) console.log(`\n${s.domain}: ${s.workflow.withoutSourceTime} changes of the last run carried no source commit time (not in freshness)`);
    if (s.ingest?.lastFailure) console.log(`\n${s.domain}: ingest run attempt ${s.ingest.attempt}, last failure: ${s.ingest.lastFailure}`);
    for (const p of s.workflow?.pausedTables ?? []) {
      console.log(`\n${p.table} paused at offset ${p.offset}: ${p.reason}`);
      if (p.approval?.note) console.log(`  ${p.approval.note}`);
    }
  }
}
