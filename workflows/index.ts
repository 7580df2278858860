// Every workflow the worker serves. The worker bundles this file for Temporal's deterministic sandbox.
export { selfCheck } from './selfcheck.js';
export { backfillTable } from './backfill-table.js';
export { backfillDomain, backfillAll } from './backfill-many.js';
export { buildQualifiedLayers } from './qualified-layer.js';
export { warehouseStats } from './warehouse-stats.js';
export { verifyTables } from './verify.js';
export { cdcIngest } from './cdc-ingest.js';
export { schemaChangeApproval } from './schema-change-approval.js';
export { replayQuarantine, quarantineStatus } from './quality-replay.js';
export { qualityGate, lastQualityReport } from './quality-gate.js';
export { publishDataProduct } from './publish-data-product.js';
export { retentionRun } from './retention.js';
export { buildAccessViews } from './access-views.js';
export { eraseSubject } from './erase-subject.js';
export { computeKpis } from './kpis.js';
