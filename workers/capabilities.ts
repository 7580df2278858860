import { bigQueryCapabilities } from '../connectors/bigquery/warehouse.js';
import { duckDbCapabilities } from '../connectors/duckdb/warehouse.js';
import type { Capability } from '../connectors/warehouse/port.js';
import type { WarehouseDialect } from '../core/sql/dialect.js';
import type * as workflows from '../workflows/index.js';

export type WorkflowName = keyof typeof workflows;

/**
 * The warehouse capabilities each workflow's activities need (connectors/warehouse/port.ts). A
 * record over every export of workflows/index.ts: a new workflow does not compile until it is here.
 * Capabilities a workflow uses only where present are left out: backfills quarantine rows where
 * the warehouse can (a table with quarantine rules is refused elsewhere, by name), and
 * backfillDomain/backfillAll answer "skipped" for the qualified views of a warehouse without them.
 */
export const workflowCapabilities: Record<WorkflowName, readonly Capability[]> = {
  selfCheck: [],
  backfillTable: ['load'],
  backfillDomain: ['load'],
  backfillAll: ['load'],
  buildQualifiedLayers: ['qualifiedLayer'],
  warehouseStats: ['reads', 'load'],
  verifyTables: ['reads'],
  cdcIngest: ['changeApply'],
  schemaChangeApproval: [],
  replayQuarantine: ['quarantine'],
  quarantineStatus: ['quarantine'],
  qualityGate: ['qualityStore'],
  lastQualityReport: ['qualityStore'],
  publishDataProduct: ['publication', 'qualityStore', 'accessViews'],
  retentionRun: ['retention'],
  buildAccessViews: ['accessViews'],
  eraseSubject: ['erasure'],
  computeKpis: ['kpis'],
};

export const workflowNames = Object.keys(workflowCapabilities) as WorkflowName[];

/** What each warehouse provides, known before it is opened (each adapter's list, tied to its `provides` by tsc). */
export const warehouseCapabilities: Record<WarehouseDialect, readonly Capability[]> = {
  duckdb: duckDbCapabilities,
  bigquery: bigQueryCapabilities,
};

export class WarehouseCapabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WarehouseCapabilityError';
  }
}

/** The workflows a warehouse with these capabilities can run, in declaration order. */
export function workflowsRunnableWith(provided: readonly Capability[]): WorkflowName[] {
  return workflowNames.filter((w) => workflowCapabilities[w].every((c) => provided.includes(c)));
}

export interface CapabilityCheckInput {
  warehouse: WarehouseDialect;
  provided: readonly Capability[];
  /** FACTORY_WORKFLOWS: 'all' or workflow names. */
  workflows: 'all' | readonly string[];
}

/**
 * Throws WarehouseCapabilityError naming each enabled workflow whose capability the warehouse
 * lacks (and each unknown workflow name), with the settings that would start.
 */
export function checkWorkflowCapabilities({ warehouse, provided, workflows: enabled }: CapabilityCheckInput): void {
  const names = enabled === 'all' ? workflowNames : enabled;
  const unknown = names.filter((n) => !(workflowNames as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new WarehouseCapabilityError(`FACTORY_WORKFLOWS: unknown workflow ${unknown.join(', ')}; expected all, or names from ${workflowNames.join(', ')}`);
  }
  const missing = (names as WorkflowName[]).flatMap((workflow) => workflowCapabilities[workflow]
    .filter((c) => !provided.includes(c))
    .map((capability) => `warehouse ${warehouse} lacks capability '${capability}' needed by workflow ${workflow}`));
  if (missing.length === 0) return;
  const runnable = workflowsRunnableWith(provided).join(',');
  // DuckDB has every capability.
  const other = warehouse === 'duckdb' ? '' : ' or FACTORY_WAREHOUSE=duckdb';
  throw new WarehouseCapabilityError(`${missing.join('; ')}; set FACTORY_WORKFLOWS to the workflows it can run (${runnable})${other}`);
}

/** FACTORY_WORKFLOWS for a warehouse: every workflow it can run (tests and scripts start workers with it). */
export function workflowsSetting(warehouse: WarehouseDialect): string {
  return workflowsRunnableWith(warehouseCapabilities[warehouse]).join(',');
}
