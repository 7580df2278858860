// Regenerates test/histories/publish-data-product.json, the committed history the replay test
// (test/publish-replay.test.ts) replays against the current workflow code:
//
//   npx tsx scripts/record-publish-history.ts
//
// Re-record only for a deliberate, compatible change of the recorded path (and say so in the
// commit); a change that breaks replay of running workflows needs `patched()` instead.
//
// The run: a publication request → candidate v4 (stand-in activities and gate, as in the workflow
// tests) → approval requested → reminder after 8 h → a refused decision signal (audited) → approval
// by the DPO through the `decide` Update → promotion → published. It runs on the time-skipping
// test server, so the 8 hours pass at once.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import {
  decideSignal, decideUpdate, publicationStatus, publishDataProductWorkflowId, publishDataProductWorkflowType, publishRequested,
  type PublicationStatus, type PublishDataProductWorkflow, type PublishRequest,
} from '../workflows/api/publish-data-product.js';
import { dpo, general, resetWorld, warehouse } from '../test/support/publish-fakes.js';
import { historyToJson } from '../test/support/history-json.js';
import { createTimeSkippingEnv } from '../test/support/time-skipping.js';

const out = fileURLToPath(new URL('../test/histories/publish-data-product.json', import.meta.url));
const workflowsPath = fileURLToPath(new URL('../test/support/publish-workflows.ts', import.meta.url));

resetWorld();
const env = await createTimeSkippingEnv();
try {
  const workers = [
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'main', workflowsPath, activities: general }),
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'wh', activities: warehouse }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  const workflowId = publishDataProductWorkflowId('booking.bookings');
  const request: PublishRequest = { id: 'request-1', by: 'analyst.anna', reason: 'quarterly refresh' };
  await env.client.workflow.signalWithStart<PublishDataProductWorkflow, [PublishRequest]>(publishDataProductWorkflowType, {
    taskQueue: 'main', workflowId, args: [{ product: 'booking.bookings', warehouseTaskQueue: 'wh', request }], signal: publishRequested, signalArgs: [request],
  });
  const handle = env.client.workflow.getHandle(workflowId);
  const until = async (phase: PublicationStatus['phase']) => {
    while ((await handle.query(publicationStatus)).phase !== phase) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  await until('awaiting-approval');
  await env.sleep('9h');
  await until('reminded');
  await handle.signal(decideSignal, { version: 4, decision: 'approve', by: 'intruder', comment: 'let me in' });
  await handle.executeUpdate(decideUpdate, { args: [{ version: 4, decision: 'approve', by: dpo, comment: 'schema and quality reviewed' }] });
  await handle.result();
  await writeFile(out, `${historyToJson(await handle.fetchHistory())}\n`);
  workers.forEach((w) => w.shutdown());
  await running;
  console.log(`wrote ${out}`);
} finally {
  await env.teardown();
}
