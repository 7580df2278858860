import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { pauseCdc, resumeCdc, schemaChangeDecided } from '../workflows/api/cdc-ingest.js';
import { historyFromJson } from './support/history-json.js';

// Replays committed cdcIngest histories against the workflow code as it is now, the bundle workers
// serve: a change capture runs for weeks, so a deploy must not break the runs it finds open. One
// history covers a pause at a breaking schema change, its approval child, pause/resume signals, the
// decision signal and drain-and-stop; the other a run ending in continue-as-new. A change that
// breaks them fails here: use patched() for it, or re-record (scripts/record-cdc-history.ts) when the
// recorded path changed on purpose.
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const changedPath = fileURLToPath(new URL('./support/cdc-changed-workflows.ts', import.meta.url));
const read = async (name: string) => historyFromJson(await readFile(new URL(`./histories/cdc-ingest-${name}.json`, import.meta.url), 'utf8'));

describe('cdcIngest replay', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  it('replays the committed histories with the current workflow code', async () => {
    const approval = await read('approval');
    const signals = approval.events.flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : []));
    expect(signals).toEqual([pauseCdc.name, resumeCdc.name, schemaChangeDecided.name]);
    await Worker.runReplayHistory({ workflowsPath }, approval, 'cdc:booking-record-approval');
    const continued = await read('continue-as-new');
    expect(continued.events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    await Worker.runReplayHistory({ workflowsPath }, continued, 'cdc:booking-record-can');
  }, 120_000);

  it('fails on a workflow changed incompatibly', async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: changedPath }, await read('approval'), 'cdc:booking-record-approval')).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 120_000);
});
