import type { GateStatus, QualityReport, QualityRuleOutcome } from '../../core/quality-report.js';

/** The public face of workflows qualityGate and lastQualityReport (workflows/quality-gate.ts). */

export interface QualityGateInput {
  /** '<domain>.<product>' (a bare product name unique across domains also resolves), or its parts. */
  product: string | { domain: string; product: string };
  warehouseTaskQueue: string;
  /** Checks in flight at once (default 4). */
  concurrency?: number;
}

export interface QualityGateResult {
  product: string;
  status: GateStatus;
  results: QualityRuleOutcome[];
  reportId: string;
  durationMs: number;
}

export interface QualityReportInput {
  product: string;
  warehouseTaskQueue: string;
}

export const qualityGateWorkflowType = 'qualityGate';
export type QualityGateWorkflow = (input: QualityGateInput) => Promise<QualityGateResult>;

export const lastQualityReportWorkflowType = 'lastQualityReport';
export type LastQualityReportWorkflow = (input: QualityReportInput) => Promise<QualityReport | null>;

/**
 * `quality:<domain>.<product>`, one gate per product, so a block stops nothing else; a caller that runs
 * its own gate beside the product's (a publication) names itself in `run`: `quality:<product>:<run>`.
 */
export function qualityGateWorkflowId(product: string, run?: string): string {
  return run === undefined ? `quality:${product}` : `quality:${product}:${run}`;
}

/** The product's scan schedule shares the gate's id: `quality:<domain>.<product>`. */
export function qualityGateScheduleId(product: string): string {
  return `quality:${product}`;
}

/** `quality-report:<product>:<stamp>`: a read, so every call runs under its own id. */
export function lastQualityReportWorkflowId(product: string, stamp: number | string): string {
  return `quality-report:${product}:${stamp}`;
}
