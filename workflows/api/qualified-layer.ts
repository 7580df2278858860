import type { BuildQualifiedLayerResult } from '../../connectors/warehouse/qualified-port.js';

/** The public face of workflow buildQualifiedLayers (workflows/qualified-layer.ts). */

export interface BuildQualifiedLayersInput {
  /** Domains whose `qualified_<domain>` views to (re)build. */
  domains: string[];
  warehouseTaskQueue: string;
}

export interface BuildQualifiedLayersResult {
  domains: BuildQualifiedLayerResult[];
}

export const buildQualifiedLayersWorkflowType = 'buildQualifiedLayers';
export type BuildQualifiedLayersWorkflow = (input: BuildQualifiedLayersInput) => Promise<BuildQualifiedLayersResult>;

/** `qualified:<domain or all>:<stamp>`: rebuilding views is idempotent, so runs need not exclude each other. */
export function buildQualifiedLayersWorkflowId(target: string, stamp: number | string): string {
  return `qualified:${target}:${stamp}`;
}
