import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJson } from './support/history-json.js';

// Replays the committed history of one publishDataProduct run (request → candidate → reminder →
// refused signal → approval by Update → published) against the workflow code as it is now, the
// bundle workers serve. A change that would break running publications fails here: use patched()
// for it, or re-record (scripts/record-publish-history.ts) when the recorded path changed on purpose.
const historyFile = fileURLToPath(new URL('./histories/publish-data-product.json', import.meta.url));
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const changedPath = fileURLToPath(new URL('./support/publish-changed-workflows.ts', import.meta.url));

describe('publishDataProduct replay', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  it('replays the committed history with the current workflow code', async () => {
    const history = historyFromJson(await readFile(historyFile, 'utf8'));
    expect(history.events.length).toBeGreaterThan(100);
    await Worker.runReplayHistory({ workflowsPath }, history, 'publish:booking.bookings');
  });

  it('fails on a workflow changed incompatibly', async () => {
    const history = historyFromJson(await readFile(historyFile, 'utf8'));
    await expect(Worker.runReplayHistory({ workflowsPath: changedPath }, history, 'publish:booking.bookings')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
