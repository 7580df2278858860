// Regenerates test/histories/cdc-ingest-*.json, the committed cdcIngest histories the replay test
// (test/cdc-replay.test.ts) replays against the current workflow code:
//
//   npx tsx scripts/record-cdc-history.ts
//
// Re-record only for a deliberate, compatible change of the recorded path (and say so in the
// commit); a change that breaks replay of running workflows needs `patched()` instead.
//
// Two runs on the time-skipping test server with the stand-in activities of the schema change
// tests (test/support/schema-change-fakes.ts):
// - 'approval': an ingest run pauses booking_status_history at a dropped column → the approval
//   child workflow starts → pause and resume signals → the DPO approves (Update) → the table is
//   followed again with the accepted change → drain-and-stop Update → completed.
// - 'continue-as-new': the first run of a capture that continues as new after three ingest runs.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  cdcIngestWorkflowType,
  cdcStatus,
  drainAndStop,
  pauseCdc,
  resumeCdc,
  type CdcIngestInput,
  type CdcIngestWorkflow,
} from '../workflows/api/cdc-ingest.js';
import { decideSchemaChangeUpdate, schemaChangeStatus, schemaChangeWorkflowId } from '../workflows/api/schema-change-approval.js';
import { dpo, droppedReasonCode, general, table, warehouse, world } from '../test/support/schema-change-fakes.js';
import { historyToJson } from '../test/support/history-json.js';
import { startTimeSkippingWorkers, supportWorkflowsPath } from '../test/support/time-skipping.js';

const out = (name: string) => fileURLToPath(new URL(`../test/histories/cdc-ingest-${name}.json`, import.meta.url));

async function until<T>(read: () => Promise<T>, test: (s: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && test(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const started = await startTimeSkippingWorkers({ workflowsPath: supportWorkflowsPath('schema-change-workflows.ts'), general, warehouse });
const { env } = started;
try {
  // The continue-as-new run first: the test server stops skipping time once a workflow completes
  // while one of its activities still runs, which drain-and-stop below does.
  {
    const consumer = 'cdc.booking.record-can';
    const args: [CdcIngestInput] = [{ domain: 'booking', warehouseTaskQueue: 'wh', consumer, runSeconds: 1, runsPerHistory: 3 }];
    const cdc = await env.client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, { taskQueue: 'main', workflowId: 'cdc:booking-record-can', args });
    const first = (await cdc.describe()).runId;
    await until(async () => (await cdc.describe()).runId, (runId) => runId !== first);
    await writeFile(out('continue-as-new'), `${historyToJson(await env.client.workflow.getHandle(cdc.workflowId, first).fetchHistory())}\n`);
    await env.client.workflow.getHandle(cdc.workflowId).terminate('recorded');
  }
  {
    const consumer = 'cdc.booking.record-approval';
    world.pauses.set(consumer, droppedReasonCode);
    const args: [CdcIngestInput] = [{ domain: 'booking', warehouseTaskQueue: 'wh', consumer, runSeconds: 1, runsPerHistory: 1000 }];
    const cdc = await env.client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, { taskQueue: 'main', workflowId: 'cdc:booking-record-approval', args });
    const status = () => cdc.query(cdcStatus);
    await until(status, (s) => s.pausedTables[0]?.approval?.state === 'requested');
    await cdc.signal(pauseCdc);
    await until(status, (s) => s.paused);
    await cdc.signal(resumeCdc);
    await until(status, (s) => !s.paused);
    const approval = env.client.workflow.getHandle(schemaChangeWorkflowId(cdc.workflowId, table));
    const { request } = await until(() => approval.query(schemaChangeStatus), (s) => s.phase === 'awaiting-approval');
    await approval.executeUpdate(decideSchemaChangeUpdate, { args: [{ version: request!, decision: 'approve', by: dpo, comment: 'REASON_CODE retired at the source' }] });
    await until(status, (s) => s.pausedTables.length === 0);
    await until(async () => world.runs.filter((r) => r.consumer === consumer).at(-1)!, (r) => r.tables.includes(table));
    await cdc.executeUpdate(drainAndStop);
    await cdc.result();
    await writeFile(out('approval'), `${historyToJson(await cdc.fetchHistory())}\n`);
  }
  console.log(`wrote ${out('continue-as-new')} and ${out('approval')}`);
} finally {
  await started.stop();
}
