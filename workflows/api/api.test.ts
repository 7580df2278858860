import { describe, expect, expectTypeOf, it } from 'vitest';
import * as workflows from '../index.js';
import { backfillAllWorkflowType, backfillDomainWorkflowType, backfillManyProgress, type BackfillManyWorkflow } from './backfill-many.js';
import { backfillTableProgress, backfillTableWorkflowType, type BackfillTableWorkflow } from './backfill-table.js';
import { cdcIngestWorkflowType, cdcStatus, drainAndStop, pauseCdc, resumeCdc, schemaChangeDecided, type CdcIngestWorkflow } from './cdc-ingest.js';
import { buildQualifiedLayersWorkflowType, type BuildQualifiedLayersWorkflow } from './qualified-layer.js';
import { lastQualityReportWorkflowType, qualityGateWorkflowType, type LastQualityReportWorkflow, type QualityGateWorkflow } from './quality-gate.js';
import { quarantineStatusWorkflowType, replayQuarantineWorkflowType, type QuarantineStatusWorkflow, type ReplayQuarantineWorkflow } from './quality-replay.js';
import { selfCheckWorkflowType, type SelfCheckWorkflow } from './selfcheck.js';
import { verifyTablesWorkflowType, type VerifyTablesWorkflow } from './verify.js';
import { warehouseStatsWorkflowType, type WarehouseStatsWorkflow } from './warehouse-stats.js';

// Callers start workflows by these names and send these messages; the worker serves workflows/index.ts.
describe('workflow APIs', () => {
  it('name only workflows the worker serves', () => {
    const names = [
      backfillTableWorkflowType, backfillDomainWorkflowType, backfillAllWorkflowType, cdcIngestWorkflowType, buildQualifiedLayersWorkflowType,
      qualityGateWorkflowType, lastQualityReportWorkflowType, replayQuarantineWorkflowType, quarantineStatusWorkflowType, selfCheckWorkflowType,
      verifyTablesWorkflowType, warehouseStatsWorkflowType,
    ] satisfies (keyof typeof workflows)[];
    expect(names.filter((name) => typeof workflows[name] !== 'function')).toEqual([]);
  });

  it('describe the signatures the workflows have', () => {
    expectTypeOf(workflows.backfillTable).toEqualTypeOf<BackfillTableWorkflow>();
    expectTypeOf(workflows.backfillDomain).toEqualTypeOf<BackfillManyWorkflow>();
    expectTypeOf(workflows.backfillAll).toEqualTypeOf<BackfillManyWorkflow>();
    expectTypeOf(workflows.cdcIngest).toEqualTypeOf<CdcIngestWorkflow>();
    expectTypeOf(workflows.buildQualifiedLayers).toEqualTypeOf<BuildQualifiedLayersWorkflow>();
    expectTypeOf(workflows.qualityGate).toEqualTypeOf<QualityGateWorkflow>();
    expectTypeOf(workflows.lastQualityReport).toEqualTypeOf<LastQualityReportWorkflow>();
    expectTypeOf(workflows.replayQuarantine).toEqualTypeOf<ReplayQuarantineWorkflow>();
    expectTypeOf(workflows.quarantineStatus).toEqualTypeOf<QuarantineStatusWorkflow>();
    expectTypeOf(workflows.selfCheck).toEqualTypeOf<SelfCheckWorkflow>();
    expectTypeOf(workflows.verifyTables).toEqualTypeOf<VerifyTablesWorkflow>();
    expectTypeOf(workflows.warehouseStats).toEqualTypeOf<WarehouseStatsWorkflow>();
  });

  // Running workflows and committed histories know messages by these names: a rename is a protocol change.
  it('keep the message names running workflows answer to', () => {
    const messages = [backfillTableProgress, backfillManyProgress, cdcStatus, pauseCdc, resumeCdc, schemaChangeDecided, drainAndStop];
    expect(messages.map((m) => `${m.type} ${m.name}`)).toEqual([
      'query progress', 'query progress', 'query status', 'signal pause', 'signal resume', 'signal schemaChangeDecided', 'update drainAndStop',
    ]);
  });
});
