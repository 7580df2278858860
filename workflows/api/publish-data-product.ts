import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ColumnChange } from '../../core/schema-diff.js';
import type { PublishedViewStats } from '../../connectors/warehouse/publish-port.js';
import type { GateStatus } from '../../core/quality-report.js';
import { decideSignal, defineDecideUpdate, type ApprovalStatusFields, type DecisionRecord } from './approval.js';

/**
 * The public face of workflow publishDataProduct (workflows/publish-data-product.ts): what callers
 * send and get back. Client code imports this module, never the workflow file.
 */

export { howToDecide, type DecideInput, type DecisionRecord } from './approval.js';

/** Who asked for a publication, and an id telling this request from a newer one. */
export interface PublishRequest {
  id: string;
  by: string;
  reason?: string;
}

export interface PublishDataProductInput {
  /** '<domain>.<product>'. */
  product: string;
  warehouseTaskQueue: string;
  request: PublishRequest;
  /** Quality checks in flight at once in the gate (default 4). */
  gateConcurrency?: number;
}

export type PublicationPhase =
  | 'building' | 'gating' | 'snapshotting' | 'awaiting-approval' | 'reminded' | 'escalated' | 'promoting'
  | 'published' | 'rejected' | 'expired' | 'blocked' | 'superseded';

export type Outcome = 'published' | 'rejected' | 'expired' | 'blocked';

export interface PublicationStatus extends ApprovalStatusFields {
  product: string;
  phase: PublicationPhase;
  version: number | null;
  request: PublishRequest;
  gate?: GateStatus;
  breaking?: boolean;
  changes: ColumnChange[];
  /** A newer publication request waiting for this one to end (it supersedes a pending candidate). */
  newerRequest?: PublishRequest;
}

export interface PublishDataProductResult {
  product: string;
  version: number | null;
  outcome: Outcome;
  gate: GateStatus;
  breaking: boolean;
  changes: number;
  decision?: DecisionRecord;
  /** The published views after promotion, each with the count and checksum readers see. */
  views?: PublishedViewStats[];
}

export interface DecideResult {
  product: string;
  version: number;
  outcome: 'published' | 'rejected';
  by: string;
  at: string;
}

// Message names are in recorded histories and running workflows: never rename them.
export const publicationStatus = defineQuery<PublicationStatus>('status');
/** Approve or reject, with an answer once the candidate is published or rejected. */
export const decideUpdate = defineDecideUpdate<DecideResult>();
export { decideSignal };
/** A newer publication of the product (signal-with-start): it supersedes the pending candidate. */
export const publishRequested = defineSignal<[PublishRequest]>('publish');

export const publishDataProductWorkflowType = 'publishDataProduct';
export type PublishDataProductWorkflow = (input: PublishDataProductInput) => Promise<PublishDataProductResult>;

/** `publish:<domain>.<product>`: one publication of a product at a time; a newer request reaches the running one. */
export function publishDataProductWorkflowId(qualifiedProduct: string): string {
  return `publish:${qualifiedProduct}`;
}
