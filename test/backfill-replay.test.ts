import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Recorded backfillTable histories replay on today's workflow code: a change that would make a
 * running backfill nondeterministic fails here, not in production. 'before-quarantine' was recorded
 * before the quarantine step existed (no 'quarantine-load' marker: the step is skipped on replay),
 * 'with-quarantine' after (test/quality-quarantine.test.ts). Stored as protobufjs objects: the SDK's
 * proto-JSON helpers fail in this install ("type must be a Type", two copies of protobufjs).
 */
const History = proto.temporal.api.history.v1.History;
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

describe('backfillTable replays its recorded histories', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  it('replays a run from before row quarantine and a run with it', async () => {
    const histories = await Promise.all(['before-quarantine', 'with-quarantine'].map(async (name) => ({
      workflowId: name,
      history: History.fromObject(JSON.parse(await readFile(new URL(`./histories/backfill-table-${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>),
    })));
    expect(histories.map((h) => h.history.events.length)).toEqual([113, expect.any(Number)]);
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
