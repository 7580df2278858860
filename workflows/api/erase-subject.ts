import { defineQuery } from '@temporalio/workflow';
import type { ErasedRelation, ErasurePositions } from '../../connectors/warehouse/erasure-port.js';
import type { ErasureAction } from '../../contracts/data-subjects.js';
import { decideSignal, defineDecideUpdate, howToDecide, type ApprovalStatusFields, type DecisionRecord } from './approval.js';

/**
 * The public face of workflow eraseSubject (workflows/erase-subject.ts). The identifier travels only
 * in the input (`id`), which the payload codec encrypts when FACTORY_PAYLOAD_KEYS is set; the
 * workflow id, search attributes, status, audit entries and the evidence carry its keyed hash.
 */

export type { DecideInput, DecisionRecord } from './approval.js';

export interface EraseSubjectInput {
  /** The declared subject (domains/data-subjects.ts), e.g. 'customer'. */
  subject: string;
  /** keyedHash(FACTORY_ERASURE_KEY, canonical id): the workflow id's suffix. */
  subjectHash: string;
  /** The identifier, canonical (core/erasure/subject-id.ts). Personal data: only here. */
  id: string;
  /** Why (the data subject's request reference, never their name). */
  reason: string;
  /** Who asked for it (user id). */
  requestedBy: string;
  warehouseTaskQueue: string;
}

export interface ErasedTable {
  table: string;
  action: ErasureAction;
  /** Why rows are kept (anonymise). */
  reason?: string;
  relations: ErasedRelation[];
}

export interface StagedFileOutcome {
  file: string;
  table: string;
  rows: number;
  /** deleted: a leftover of a load no longer in flight; in-flight: the load's swap or the change batch's merge applies the ledger. */
  outcome: 'deleted' | 'in-flight';
}

/** What was done, for the DPO and an auditor: tables, counts per layer, ledger entries, positions; no personal data. */
export interface ErasureEvidence {
  subject: string;
  subjectHash: string;
  keyId: string;
  requestedBy: string;
  reason: string;
  decision: DecisionRecord;
  erasedAt: string;
  tables: ErasedTable[];
  /** Per table and via column, the number of keyed hashes the ledger holds (the subject's and its reaching values'). */
  ledger: { table: string; column: string; values: number }[];
  ledgerEntries: number;
  stagedFiles: StagedFileOutcome[];
  positions: ErasurePositions;
  /** How long Kafka still holds the subject's change events, and why a replay cannot bring them back. */
  kafkaWindow: string;
}

export type ErasePhase = 'requesting' | 'awaiting-approval' | 'reminded' | 'escalated' | 'erasing' | 'erased' | 'rejected' | 'expired';

export interface EraseSubjectStatus extends ApprovalStatusFields {
  subject: string;
  subjectHash: string;
  phase: ErasePhase;
  /** Tables erased so far. */
  erased: number;
  tables: number;
}

export interface EraseSubjectResult {
  outcome: 'erased' | 'rejected' | 'expired';
  subjectHash: string;
  evidence?: ErasureEvidence;
}

// Message names are in recorded histories and running workflows: never rename them.
export const eraseSubjectStatus = defineQuery<EraseSubjectStatus>('status');
export const decideErasureUpdate = defineDecideUpdate<EraseSubjectResult>();
export const decideErasureSignal = decideSignal;

export const eraseSubjectWorkflowType = 'eraseSubject';
export type EraseSubjectWorkflow = (input: EraseSubjectInput) => Promise<EraseSubjectResult>;

/** Every erasure request is decided as request 1 of its own workflow: a decision names `version: 1`. */
export const erasureRequestNumber = 1;

/** `erase:<subject hash>`: one erasure per subject at a time, and the identifier is not in the id. */
export function eraseSubjectWorkflowId(subjectHash: string): string {
  return `erase:${subjectHash}`;
}

/** How the DPO decides: `factory erase approve|reject <hash>` or the decide Signal. */
export function howToDecideErasure(subjectHash: string): string[] {
  const [cli, ui] = howToDecide(`erase:${subjectHash}`, erasureRequestNumber, eraseSubjectWorkflowId(subjectHash));
  return [cli!.replace(`factory approve erase:${subjectHash} ${erasureRequestNumber}`, `factory erase approve ${subjectHash}`).replace('factory reject …', 'factory erase reject …'), ui!];
}
