import type { TableContract } from '../../contracts/contract.js';
import type { TableRefInput } from './load-port.js';

/**
 * Row quarantine (capability 'quarantine'): rows failing a quarantine rule of the contract (backfill
 * and change capture) go to `raw_<domain>.<table>__quarantine` with the rule id, reason and source
 * position; their current-state row is a tombstone at that position. The warehouse holds of the
 * source its live rows plus its open quarantined rows (tableStats); replayQuarantine lands fixed
 * rows exactly once. An adapter with quarantine applies the rules in applyChanges too.
 */

export interface QuarantineLoadInput { loadTable: string; table: TableContract }
export interface QuarantineLoadResult {
  /** Rows of this load in quarantine (the same on a retry after the commit). */
  quarantined: number;
}

export interface ReplayQuarantineInput {
  domain: string;
  /** The contract as it is now: its quarantine rules judge the open rows again. */
  table: TableContract;
}
export interface ReplayQuarantineResult {
  /** Open rows that now pass and landed in the current table (each exactly once). */
  replayed: number;
  /** Open rows that still fail a rule; they stay open, with the reason the current rules give. */
  stillFailing: number;
  /** Open rows whose key moved on (a newer change or load): closed without landing. */
  superseded: number;
}

export interface QuarantineRuleCount {
  ruleId: string;
  reason: string;
  open: number;
  /** Up to 20 keys of open rows, key columns joined by '|', newest first. Keys only, never other values. */
  sampleKeys: string[];
}
export interface QuarantineSummaryResult {
  open: number;
  replayed: number;
  superseded: number;
  /** Quarantined by a backfill load that is not swapped in (yet). */
  pending: number;
  rules: QuarantineRuleCount[];
}

export interface Quarantine {
  /** Moves the load's rows that fail a quarantine rule to the quarantine, leaving tombstones. */
  quarantineLoad(input: QuarantineLoadInput): Promise<QuarantineLoadResult>;
  /** One transaction: judges open quarantined rows against the current rules and lands those that pass. */
  replayQuarantine(input: ReplayQuarantineInput): Promise<ReplayQuarantineResult>;
  /** Quarantine counts per status and open rows per rule (counts and keys only). */
  quarantineSummary(input: TableRefInput): Promise<QuarantineSummaryResult>;
}
