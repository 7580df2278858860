// Regenerates test/histories/retention-run.json, the committed history test/retention-replay.test.ts
// replays against the current workflow code:
//
//   npx tsx scripts/record-retention-history.ts
//
// Re-record only for a deliberate, compatible change of the recorded path (and say so in the
// commit); a change that breaks replay of running workflows needs `patched()` instead.
//
// The run: plan (three tables, one product) → a change log pruned per table (one has none) → the
// product's superseded snapshots → the audit entries, on the time-skipping test server with the
// stand-in activities of test/support/retention-fakes.ts.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { retentionRunWorkflowType, type RetentionRunWorkflow } from '../workflows/api/retention.js';
import { historyToJson } from '../test/support/history-json.js';
import { retentionFakes } from '../test/support/retention-fakes.js';
import { startTimeSkippingWorkers, workflowsPath } from '../test/support/time-skipping.js';

const out = fileURLToPath(new URL('../test/histories/retention-run.json', import.meta.url));

const started = await startTimeSkippingWorkers({ workflowsPath, ...retentionFakes() });
try {
  const handle = await started.env.client.workflow.start<RetentionRunWorkflow>(retentionRunWorkflowType, {
    taskQueue: 'main', workflowId: 'retention-2026-12-03T03:30:00Z', args: [{ warehouseTaskQueue: 'wh' }],
  });
  await handle.result();
  await writeFile(out, `${historyToJson(await handle.fetchHistory())}\n`);
  console.log(`wrote ${out}`);
} finally {
  await started.stop();
}
