import type { AccessViewsSummary } from '../../connectors/warehouse/access-port.js';

/** The public face of workflow buildAccessViews (workflows/access-views.ts). */

export interface BuildAccessViewsWorkflowInput {
  /** Products ('<domain>.<product>') whose secured views to (re)build. */
  products: string[];
  warehouseTaskQueue: string;
}

export interface BuildAccessViewsWorkflowResult {
  products: AccessViewsSummary[];
}

export const buildAccessViewsWorkflowType = 'buildAccessViews';
export type BuildAccessViewsWorkflow = (input: BuildAccessViewsWorkflowInput) => Promise<BuildAccessViewsWorkflowResult>;

/** `access:<product or all>:<stamp>`: rebuilding views is idempotent, so runs need not exclude each other. */
export function buildAccessViewsWorkflowId(target: string, stamp: number | string): string {
  return `access:${target}:${stamp}`;
}
