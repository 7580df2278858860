import { describe, expect, it } from 'vitest';
import { capabilities } from '../connectors/warehouse/port.js';
import {
  checkWorkflowCapabilities, warehouseCapabilities, workflowCapabilities, workflowNames, workflowsRunnableWith, workflowsSetting,
} from './capabilities.js';

describe('checkWorkflowCapabilities', () => {
  it('passes every workflow on DuckDB and on BigQuery, which both have every capability', () => {
    for (const warehouse of ['duckdb', 'bigquery'] as const) {
      expect([...warehouseCapabilities[warehouse]].sort()).toEqual([...capabilities].sort());
      expect(() => checkWorkflowCapabilities({ warehouse, provided: warehouseCapabilities[warehouse], workflows: 'all' })).not.toThrow();
    }
    expect(workflowsSetting('bigquery').split(',')).toEqual(workflowNames);
  });

  it('refuses a worker for a workflow whose capability the warehouse lacks, naming workflow, capability, warehouse and the way out', () => {
    const provided = warehouseCapabilities.bigquery.filter((c) => c !== 'publication' && c !== 'erasure');
    const run = () => checkWorkflowCapabilities({ warehouse: 'bigquery', provided, workflows: ['backfillTable', 'publishDataProduct'] });
    expect(run).toThrow("warehouse bigquery lacks capability 'publication' needed by workflow publishDataProduct; "
      + 'set FACTORY_WORKFLOWS to the workflows it can run '
      + '(selfCheck,backfillTable,backfillDomain,backfillAll,buildQualifiedLayers,warehouseStats,verifyTables,cdcIngest,schemaChangeApproval,'
      + 'replayQuarantine,quarantineStatus,qualityGate,lastQualityReport,retentionRun,buildAccessViews,computeKpis) or FACTORY_WAREHOUSE=duckdb');
    let message = '';
    try {
      checkWorkflowCapabilities({ warehouse: 'bigquery', provided, workflows: 'all' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const workflow of ['publishDataProduct', 'eraseSubject']) expect(message).toContain(`needed by workflow ${workflow}`);
    for (const workflow of ['backfillTable', 'replayQuarantine', 'qualityGate', 'buildAccessViews']) expect(message).not.toContain(`needed by workflow ${workflow} `);
  });

  it('names erasure when a warehouse lacks it', () => {
    expect(() => checkWorkflowCapabilities({ warehouse: 'bigquery', provided: warehouseCapabilities.bigquery.filter((c) => c !== 'erasure'), workflows: ['eraseSubject'] }))
      .toThrow(/warehouse bigquery lacks capability 'erasure' needed by workflow eraseSubject/);
  });

  it('refuses an unknown workflow name, listing the known ones', () => {
    expect(() => checkWorkflowCapabilities({ warehouse: 'duckdb', provided: warehouseCapabilities.duckdb, workflows: ['backfilTable'] }))
      .toThrow(/FACTORY_WORKFLOWS: unknown workflow backfilTable; expected all, or names from selfCheck, backfillTable/);
  });

  it('knows the workflows a warehouse without any capability can still run', () => {
    expect(workflowsRunnableWith([])).toEqual(workflowNames.filter((w) => workflowCapabilities[w].length === 0));
    expect(workflowsRunnableWith([])).toEqual(['selfCheck', 'schemaChangeApproval']);
  });
});
