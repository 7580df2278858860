import { describe, expect, it } from 'vitest';
import { capabilities } from '../connectors/warehouse/port.js';
import {
  checkWorkflowCapabilities, warehouseCapabilities, workflowCapabilities, workflowNames, workflowsRunnableWith, workflowsSetting,
} from './capabilities.js';

describe('checkWorkflowCapabilities', () => {
  it('passes every workflow on DuckDB, which has every capability', () => {
    expect([...warehouseCapabilities.duckdb].sort()).toEqual([...capabilities].sort());
    expect(() => checkWorkflowCapabilities({ warehouse: 'duckdb', provided: warehouseCapabilities.duckdb, workflows: 'all' })).not.toThrow();
  });

  it('refuses a BigQuery worker for a workflow needing publication, naming workflow, capability, warehouse and the way out', () => {
    const run = () => checkWorkflowCapabilities({ warehouse: 'bigquery', provided: warehouseCapabilities.bigquery, workflows: ['backfillTable', 'publishDataProduct'] });
    expect(run).toThrow("warehouse bigquery lacks capability 'publication' needed by workflow publishDataProduct; "
      + "warehouse bigquery lacks capability 'qualityStore' needed by workflow publishDataProduct; "
      + "warehouse bigquery lacks capability 'accessViews' needed by workflow publishDataProduct; "
      + 'set FACTORY_WORKFLOWS to the workflows it can run '
      + '(selfCheck,backfillTable,backfillDomain,backfillAll,warehouseStats,verifyTables,cdcIngest,schemaChangeApproval,retentionRun,eraseSubject) or FACTORY_WAREHOUSE=duckdb');
  });

  it("refuses 'all' on BigQuery, naming each workflow it cannot serve", () => {
    let message = '';
    try {
      checkWorkflowCapabilities({ warehouse: 'bigquery', provided: warehouseCapabilities.bigquery, workflows: 'all' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const workflow of ['buildQualifiedLayers', 'replayQuarantine', 'quarantineStatus', 'qualityGate', 'lastQualityReport', 'publishDataProduct', 'buildAccessViews']) {
      expect(message).toContain(`needed by workflow ${workflow}`);
    }
    expect(message).not.toContain('needed by workflow backfillTable');
  });

  it('passes BigQuery with the workflows it can run', () => {
    expect(() => checkWorkflowCapabilities({ warehouse: 'bigquery', provided: warehouseCapabilities.bigquery, workflows: workflowsSetting('bigquery').split(',') })).not.toThrow();
  });

  it('serves eraseSubject on both warehouses, and names erasure when a warehouse lacks it', () => {
    for (const warehouse of ['bigquery', 'duckdb'] as const) {
      expect(() => checkWorkflowCapabilities({ warehouse, provided: warehouseCapabilities[warehouse], workflows: ['eraseSubject'] })).not.toThrow();
    }
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
