import type { TableContract } from '../../contracts/contract.js';
import type { ErasurePlan, ErasureTablePlan } from '../../core/erasure/plan.js';
import type { KafkaOffset } from './change-port.js';

/**
 * Subject erasure in the warehouse (workflow eraseSubject) and the erasure ledger that backfill and
 * change capture consult. The ledger (`_factory.erasure_ledger`) holds keyed hashes only
 * (FACTORY_ERASURE_KEY, core/keyed-hash.ts): of the subject's identifier and of the reaching values
 * found at erasure time (the subject's BOOKING_IDs, CASE_IDs…), per table and via column. The
 * identifier itself reaches the warehouse only in `beginErasure`, and the reaching values never leave
 * it: they wait in `_factory.erasure_work` until `finishErasure` removes them.
 */

export interface BeginErasureInput {
  plan: ErasurePlan;
  /** keyedHash(FACTORY_ERASURE_KEY, id), as the requester computed it: checked against the warehouse's key. */
  subjectHash: string;
  /** The identifier as canonicalSubjectId gives it. Personal data: never logged, never returned. */
  id: string;
  /** The contracts of the plan's tables, by '<domain>.<table>'. */
  contracts: Record<string, TableContract>;
}

export interface BeginErasureResult {
  keyId: string;
  /** Per table and via column: how many reaching values were found (and hashed into the ledger). */
  reached: { table: string; column: string; values: number }[];
  ledgerEntries: number;
}

export interface EraseTableInput {
  subjectHash: string;
  table: ErasureTablePlan;
  contract: TableContract;
}

export type ErasureLayer = 'current' | 'changes' | 'quarantine' | 'load' | 'published';

export interface ErasedRelation {
  layer: ErasureLayer;
  relation: string;
  rows: number;
}

export interface EraseTableResult {
  table: string;
  action: ErasureTablePlan['action'];
  relations: ErasedRelation[];
}

export interface StagedFileInput {
  subjectHash: string;
  table: ErasureTablePlan;
  contract: TableContract;
  file: string;
  /** A change batch file (contract columns then the change columns), else a backfill chunk. */
  changeBatch: boolean;
}

export interface ErasurePositions {
  /** Source position of each reached table's last backfill. */
  backfills: { table: string; sourcePosition: string; recordedAt: string }[];
  /** Kafka offsets stored with the last applied change batches of the reached tables' topics. */
  offsets: (KafkaOffset & { consumer: string })[];
}

export interface FinishErasureInput {
  subjectHash: string;
  /** The evidence report (no personal data), stored in `_factory.erasure_evidence`. */
  evidence: unknown;
}

export interface Erasure {
  /** One transaction: collects the reaching values, then writes the ledger, so ingestion is guarded before anything is erased. */
  beginErasure(input: BeginErasureInput): Promise<BeginErasureResult>;
  /** One transaction per table: current table, change log, quarantine, in-flight loads and published snapshots. */
  eraseTable(input: EraseTableInput): Promise<EraseTableResult>;
  /** Rows of a staged file that belong to the subject (by the ledger's hashes). */
  stagedFileMatches(input: StagedFileInput): Promise<{ rows: number }>;
  /** Whether a backfill load is still in flight (its chunk files will be loaded, then the swap applies the ledger). */
  loadInFlight(input: { loadId: string; domain: string; table: string }): Promise<boolean>;
  erasurePositions(input: { tables: { domain: string; table: string; topicSuffix: string }[] }): Promise<ErasurePositions>;
  /** Stores the evidence and forgets the reaching values. */
  finishErasure(input: FinishErasureInput): Promise<void>;
  /** The stored evidence report of a subject, or null. */
  erasureEvidence(input: { subjectHash: string }): Promise<unknown>;
}
