import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJson } from './support/history-json.js';

// Replays the committed history of one retentionRun (plan → a prune per table and product → audit)
// against the workflow code as it is now. A change that would break runs in flight when it is
// deployed fails here: use patched() for it, or re-record (scripts/record-retention-history.ts).
const historyFile = fileURLToPath(new URL('./histories/retention-run.json', import.meta.url));
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const changedPath = fileURLToPath(new URL('./support/retention-changed-workflows.ts', import.meta.url));

describe('retentionRun replay', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  it('replays the committed history with the current workflow code', async () => {
    const history = historyFromJson(await readFile(historyFile, 'utf8'));
    expect(history.events.length).toBeGreaterThan(20);
    await Worker.runReplayHistory({ workflowsPath }, history, 'retention-2026-12-03T03:30:00Z');
  });

  it('fails on a workflow changed incompatibly', async () => {
    const history = historyFromJson(await readFile(historyFile, 'utf8'));
    await expect(Worker.runReplayHistory({ workflowsPath: changedPath }, history, 'retention-2026-12-03T03:30:00Z')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
