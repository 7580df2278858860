import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Notification } from '../connectors/notify/port.js';
import { deputies, dpo, general, resetWorld, warehouse, world } from '../test/support/publish-fakes.js';
import { startTimeSkippingWorkers, supportWorkflowsPath, type TimeSkippingWorkers } from '../test/support/time-skipping.js';
import {
  decideSignal, decideUpdate, publicationStatus, publishDataProductWorkflowType, publishRequested,
  type DecideInput, type PublicationStatus, type PublishDataProductInput, type PublishDataProductResult, type PublishDataProductWorkflow, type PublishRequest,
} from './api/publish-data-product.js';

// Workflow logic on the time-skipping test server: activities are replaced only to steer the
// workflow (what the catalog answers, the gate's verdict) and to record what it asked for; the child
// quality gate is a stand-in returning the verdict the test chose. Timers are real durable timers:
// the server skips time while the test waits for a result.

const hour = 3_600_000;

describe('publishDataProduct: DPO approval with durable timers', () => {
  let env: TestWorkflowEnvironment;
  let started: TimeSkippingWorkers | undefined;
  beforeAll(async () => {
    started = await startTimeSkippingWorkers({ workflowsPath: supportWorkflowsPath('publish-workflows.ts'), general, warehouse });
    env = started.env;
  });
  afterAll(async () => {
    await started?.stop();
  });
  beforeEach(() => {
    resetWorld();
  });

  let seq = 0;
  const input = (requestId = 'r1', by = 'analyst.anna'): PublishDataProductInput =>
    ({ product: 'booking.bookings', warehouseTaskQueue: 'wh', request: { id: requestId, by } });

  async function start(name: string, requestId = 'r1', by = 'analyst.anna'): Promise<WorkflowHandle> {
    const workflowId = `publish:booking.bookings:${name}:${++seq}`;
    await env.client.workflow.signalWithStart<PublishDataProductWorkflow, [PublishRequest]>(publishDataProductWorkflowType, {
      taskQueue: 'main', workflowId, args: [input(requestId, by)], signal: publishRequested, signalArgs: [input(requestId, by).request],
    });
    return env.client.workflow.getHandle(workflowId);
  }

  async function until(handle: WorkflowHandle, test: (s: PublicationStatus) => boolean): Promise<PublicationStatus> {
    for (;;) {
      const status = await handle.query(publicationStatus);
      if (test(status)) return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const awaiting = (version: number) => (s: PublicationStatus) => s.phase === 'awaiting-approval' && s.version === version;
  const decide = (handle: WorkflowHandle, d: DecideInput) => handle.executeUpdate(decideUpdate, { args: [d] });
  const offsetHours = (n: Notification, since: string) => Math.round(((Date.parse(n.at) - Date.parse(since)) / hour) * 60) / 60;

  it('publishes on the DPO\'s approval through the update, recording who, when and why', async () => {
    const handle = await start('approve');
    await until(handle, awaiting(4));
    const answer = await decide(handle, { version: 4, decision: 'approve', by: dpo, comment: 'schema reviewed' });
    expect(answer).toMatchObject({ product: 'booking.bookings', version: 4, outcome: 'published', by: dpo });
    const result = await handle.result() as PublishDataProductResult;
    expect(result).toMatchObject({ outcome: 'published', version: 4, gate: 'pass', decision: { by: dpo, comment: 'schema reviewed', via: 'update' } });
    expect(result.views?.map((v) => v.view)).toEqual(['published_booking.bookings__booking', 'published_booking.bookings__booking_line']);
    expect(world.warehouse).toEqual(['snapshot v4', 'promote v4']);
    expect(world.decisions.map((d) => [d.decision, d.version, d.by])).toEqual([['approved', 4, dpo], ['published', 4, dpo]]);
    expect(world.decisions[0]!.comment).toBe('schema reviewed');
    expect(world.audits.map((a) => a.action)).toEqual(['candidate.created', 'approval.requested', 'approve', 'published', 'access.views.built']);
    expect(world.accessBuilds).toEqual(['booking.bookings']);
    expect(world.notes.map((n) => [n.kind, n.to])).toEqual([['approval-requested', [dpo]], ['published', ['analyst.anna', dpo]]]);
    expect(world.notes[0]!.howToDecide?.[0]).toBe('factory login, then: factory approve booking.bookings 4 --comment "<why>"   (or: factory reject …; with FACTORY_AUTH=dev: --as <your user id>)');
    expect(world.audits.find((a) => a.action === 'approve')).toMatchObject({ actor: dpo, outcome: 'accepted', via: 'update', version: 4 });
  });

  it('stays published when the secured views cannot be rebuilt, and audits why', async () => {
    world.accessFailure = 'no published view of booking.booking_line';
    const handle = await start('access-fails');
    await until(handle, awaiting(4));
    await decide(handle, { version: 4, decision: 'approve', by: dpo, comment: 'ok' });
    expect(await handle.result()).toMatchObject({ outcome: 'published', version: 4 });
    expect(world.audits.find((a) => a.action === 'access.views.failed')).toMatchObject({
      actor: 'system', version: 4, detail: 'secured views not rebuilt: no published view of booking.booking_line',
    });
  });

  it('ends rejected on a deputy\'s rejection and drops the candidate\'s snapshot', async () => {
    const handle = await start('reject');
    await until(handle, awaiting(4));
    expect(await decide(handle, { version: 4, decision: 'reject', by: deputies[1]!, comment: 'PII column not masked' })).toMatchObject({ outcome: 'rejected' });
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', decision: { by: deputies[1], comment: 'PII column not masked' } });
    expect(world.warehouse).toEqual(['snapshot v4', 'drop v4']);
    expect(world.decisions.map((d) => d.decision)).toEqual(['rejected']);
  });

  it('refuses an update from someone not entitled at once, with the reason; ignores such a signal; audits both', async () => {
    const handle = await start('unauthorised');
    await until(handle, awaiting(4));
    const refused = await decide(handle, { version: 4, decision: 'approve', by: 'dpo.customer', comment: 'looks fine' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const notEntitled = `dpo.customer may not decide for domain booking: only its DPO (${dpo}) or deputies (${deputies.join(', ')}) may`;
    expect((refused as WorkflowUpdateFailedError).cause?.message).toBe(notEntitled);
    const noComment = await decide(handle, { version: 4, decision: 'approve', by: dpo, comment: ' ' }).catch((e: unknown) => e);
    expect((noComment as WorkflowUpdateFailedError).cause?.message).toBe('a decision on booking.bookings v4 needs a comment saying why');

    await handle.signal(decideSignal, { version: 4, decision: 'approve', by: 'intruder', comment: 'let me in' });
    await until(handle, (s) => s.refusedSignals === 1);
    expect((await handle.query(publicationStatus)).phase).toBe('awaiting-approval');
    await handle.signal(decideSignal, { version: 4, decision: 'approve', by: deputies[0]!, comment: 'fine from the UI' });
    expect(await handle.result()).toMatchObject({ outcome: 'published', decision: { by: deputies[0], via: 'signal' } });
    // Every refused attempt is audited, by Update or Signal, entitled or not, with who claimed it and why.
    expect(world.audits.filter((a) => a.outcome === 'refused')).toEqual([
      expect.objectContaining({ actor: 'dpo.customer', claimedBy: 'dpo.customer', action: 'decide.refused', authorized: false, via: 'update', version: 4, reason: notEntitled }),
      expect.objectContaining({ actor: dpo, claimedBy: dpo, action: 'decide.refused', authorized: true, via: 'update', version: 4, reason: 'a decision on booking.bookings v4 needs a comment saying why' }),
      expect.objectContaining({
        actor: 'intruder', action: 'decide.refused', authorized: false, domain: 'booking', product: 'bookings', version: 4, via: 'signal',
        detail: `decision signal refused: intruder may not decide for domain booking: only its DPO (${dpo}) or deputies (${deputies.join(', ')}) may`,
      }),
    ]);
    expect(world.audits.filter((a) => a.outcome === 'refused').every((a) => a.verifiedBy === undefined)).toBe(true);
  });

  it('reminds the DPO, escalates to the deputies and expires the candidate at the policy\'s times', async () => {
    const handle = await start('expiry');
    const { requestedAt, remindAt, escalateAt, expiresAt } = await until(handle, awaiting(4));
    expect(await handle.result()).toMatchObject({ outcome: 'expired', version: 4 });
    const sent = world.notes.map((n) => ({ kind: n.kind, to: n.to, afterHours: offsetHours(n, requestedAt!) }));
    expect(sent).toEqual([
      { kind: 'approval-requested', to: [dpo], afterHours: 0 },
      { kind: 'reminder', to: [dpo], afterHours: 8 },
      { kind: 'escalation', to: [dpo, ...deputies], afterHours: 48 },
      { kind: 'expired', to: [dpo, ...deputies, 'analyst.anna'], afterHours: 7 * 24 },
    ]);
    expect([remindAt, escalateAt, expiresAt].map((t) => (Date.parse(t!) - Date.parse(requestedAt!)) / hour)).toEqual([8, 48, 168]);
    expect(world.decisions.map((d) => [d.decision, d.by])).toEqual([['expired', 'system']]);
    expect(world.warehouse).toEqual(['snapshot v4', 'drop v4']);
    expect(world.audits.map((a) => a.action)).toEqual(['candidate.created', 'approval.requested', 'reminder.sent', 'escalation.sent', 'candidate.expired']);
  });

  it('stops the timers when a decision comes after the reminder: no escalation, no expiry', async () => {
    const handle = await start('after-reminder');
    const { requestedAt } = await until(handle, awaiting(4));
    await env.sleep(9 * hour);
    await until(handle, (s) => s.phase === 'reminded');
    await decide(handle, { version: 4, decision: 'approve', by: dpo, comment: 'sorry for the wait' });
    await handle.result();
    expect(world.notes.map((n) => [n.kind, offsetHours(n, requestedAt!) >= 8])).toEqual([['approval-requested', false], ['reminder', true], ['published', true]]);
  });

  it('supersedes a pending candidate with a newer request: the old request is closed, the newer one awaits', async () => {
    const handle = await start('supersede', 'r1', 'analyst.anna');
    await until(handle, awaiting(4));
    await env.client.workflow.signalWithStart<PublishDataProductWorkflow, [PublishRequest]>(publishDataProductWorkflowType, {
      taskQueue: 'main', workflowId: handle.workflowId, args: [input('r2', 'analyst.bob')], signal: publishRequested, signalArgs: [{ id: 'r2', by: 'analyst.bob' }],
    });
    const next = await until(handle, awaiting(5));
    expect(next.request).toEqual({ id: 'r2', by: 'analyst.bob' });
    expect(world.decisions).toEqual([expect.objectContaining({ version: 4, decision: 'superseded', by: 'analyst.bob' })]);
    expect(world.notes.find((n) => n.kind === 'superseded')).toMatchObject({ version: 4, to: [dpo, ...deputies] });
    expect(world.warehouse).toEqual(['snapshot v4', 'drop v4', 'snapshot v5']);

    const stale = await decide(handle, { version: 4, decision: 'approve', by: dpo, comment: 'ok' }).catch((e: unknown) => e);
    expect((stale as WorkflowUpdateFailedError).cause?.message).toBe('booking.bookings: version 4 is not the candidate awaiting a decision (version 5 is)');
    await decide(handle, { version: 5, decision: 'approve', by: dpo, comment: 'the newer one' });
    expect(await handle.result()).toMatchObject({ outcome: 'published', version: 5 });
  });

  it('builds a newer request that came during the gate instead, without recording a candidate for the older one', async () => {
    let release = () => {};
    world.gateHold = new Promise<void>((resolve) => (release = resolve));
    const handle = await start('supersede-while-gating', 'r1', 'analyst.anna');
    await until(handle, (s) => s.phase === 'gating');
    await env.client.workflow.signalWithStart<PublishDataProductWorkflow, [PublishRequest]>(publishDataProductWorkflowType, {
      taskQueue: 'main', workflowId: handle.workflowId, args: [input('r2', 'analyst.bob')], signal: publishRequested, signalArgs: [{ id: 'r2', by: 'analyst.bob' }],
    });
    await until(handle, (s) => s.newerRequest?.id === 'r2');
    release();
    const next = await until(handle, awaiting(4));
    expect(next.request.id).toBe('r2');
    expect(world.candidates).toHaveLength(1);
    expect(world.decisions).toEqual([]);
    await decide(handle, { version: 4, decision: 'reject', by: dpo, comment: 'done' });
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', version: 4 });
  });

  it('auto-approves a non-breaking candidate with a passing gate when the domain policy says so', async () => {
    world.policy.autoApproveNonBreaking = true;
    const handle = await start('auto');
    expect(await handle.result()).toMatchObject({ outcome: 'published', decision: { by: 'policy:auto-approve', via: 'policy' } });
    expect(world.notes.map((n) => n.kind)).toEqual(['published']);
  });

  it('waits for the DPO despite the policy when the candidate is breaking, the gate warns, or it is the first publication', async () => {
    for (const [name, change] of [['breaking', () => (world.breaking = true)], ['warn', () => (world.gate = 'warn')], ['first', () => (world.publishedVersion = null)]] as const) {
      resetWorld();
      world.policy.autoApproveNonBreaking = true;
      change();
      const handle = await start(`no-auto-${name}`);
      await until(handle, awaiting(4));
      await decide(handle, { version: 4, decision: 'reject', by: dpo, comment: `checked: ${name}` });
      await handle.result();
    }
  });

  it('records no candidate when the quality gate blocks, and tells the requester', async () => {
    world.gate = 'block';
    const handle = await start('blocked');
    expect(await handle.result()).toMatchObject({ outcome: 'blocked', version: null, gate: 'block' });
    expect(world.candidates).toEqual([]);
    expect(world.notes.map((n) => [n.kind, n.to])).toEqual([['blocked', ['analyst.anna', dpo]]]);
  });

  it('refuses malformed input at once', async () => {
    const error = await env.client.workflow.execute(publishDataProductWorkflowType, { taskQueue: 'main', workflowId: `bad-${++seq}`, args: [{ product: 'bookings' }] }).catch((e: unknown) => e);
    expect((error as { cause?: Error }).cause?.message).toBe(
      `publishDataProduct input: expected product as '<domain>.<product>' (e.g. "booking.bookings"), warehouseTaskQueue, request { id, by }`);
  });
});
