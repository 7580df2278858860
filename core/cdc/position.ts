/**
 * Source positions: a text per change event that totally orders the changes of one key within one
 * source, so the MERGE into current-state tables can let the newest position win whatever order
 * Kafka redelivers events in. Fixed-width, zero-padded upper-case hex, so plain text comparison (SQL
 * `>` on VARCHAR, JS `<`) agrees with comparePositions. Positions of different source kinds ('pg',
 * 'db2', 'iidr') do not compare.
 *
 *   pg:<commit 16 hex>:<change 16 hex>:<phase 1 digit>         pg:0000000001A2B3C4:0000000001A2B3D0:1
 *   db2:<commit 32 hex>:<change 32 hex>:<event serial 8 hex>
 *   iidr:<journal sequence 38 digits>:<phase 1 digit>
 *
 * Equal positions mean the same change (at-least-once redelivery, connector restarts): applying it
 * twice is harmless, so the MERGE may use `>=` or `>` alike.
 */

export type PositionResult = { ok: true; position: string } | { ok: false; reason: string };

export type PositionKind = 'pg' | 'db2' | 'iidr';

const ZERO16 = '0'.repeat(16);
const MAX_U64 = (1n << 64n) - 1n;

/**
 * PostgreSQL (pgoutput). Logical decoding emits transactions in commit order, but a transaction's
 * change LSNs can be lower than those of a transaction that committed before it (they interleave in
 * the WAL), so the change LSN alone does not order events. Debezium's `source.sequence` is
 * `["<end LSN of the last commit before this transaction>", "<this change's LSN>"]` (null first part
 * for the first transaction after the connector starts streaming). The commit part of the position is
 * max(last commit, change LSN): both are below this transaction's own commit LSN and at or above every
 * LSN of the transactions committed before it, so it orders transactions by commit and is the
 * tightest lower bound of the commit LSN the event carries. The change part orders changes inside a
 * transaction (the commit part never decreases within one).
 *
 * Snapshot reads (op 'r', `source.snapshot` true/first/last/…/incremental) carry the LSN S the snapshot
 * was taken at and get (S, change 0, phase 0): below every streamed change whose commit part is at
 * least S. The one transaction that can sort below S although it committed after the snapshot is the
 * first one streamed, when it began before S and has no last commit: an accepted, one-transaction
 * window (Debezium itself resolves that window with its slot's consistent point, which the event
 * does not carry).
 */
export function pgPosition(source: Record<string, unknown>, op: string): PositionResult {
  const lsn = toU64(source.lsn);
  if (lsn === undefined) return { ok: false, reason: `source.lsn is missing or not an LSN (got ${show(source.lsn)})` };
  if (isSnapshotRead(source, op)) return { ok: true, position: pgText(lsn, 0n, 0) };
  let lastCommit: bigint | undefined | null = null;
  if (typeof source.sequence === 'string') {
    try {
      const seq: unknown = JSON.parse(source.sequence);
      if (Array.isArray(seq) && seq.length === 2) {
        lastCommit = seq[0] === null ? null : toU64(seq[0]);
        const change = toU64(seq[1]);
        if (change !== undefined && change !== lsn) lastCommit = undefined;
      } else {
        lastCommit = undefined;
      }
    } catch {
      lastCommit = undefined;
    }
    if (lastCommit === undefined) return { ok: false, reason: `source.sequence is not ["<last commit lsn>","<lsn ${lsn}>"] (got ${show(source.sequence)})` };
  }
  const commit = lastCommit !== null && lastCommit > lsn ? lastCommit : lsn;
  return { ok: true, position: pgText(commit, lsn, 1) };
}

function pgText(commit: bigint, change: bigint, phase: 0 | 1): string {
  return `pg:${hex(commit, 16)}:${hex(change, 16)}:${phase}`;
}

function isSnapshotRead(source: Record<string, unknown>, op: string): boolean {
  const snapshot = source.snapshot;
  return op === 'r' || (snapshot !== undefined && snapshot !== null && snapshot !== false && snapshot !== 'false');
}

/** PostgreSQL LSN text as pg_current_wal_lsn()::text prints it ('0/16B3748') → its 64-bit value. */
export function parsePgLsn(text: string): bigint | undefined {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  return m ? (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`) : undefined;
}

/**
 * Debezium Db2 connector: `source.commit_lsn` and `source.change_lsn`, the ASN capture's 16-byte
 * IBMSNAP_COMMITSEQ and IBMSNAP_INTENTSEQ as Debezium's Lsn class prints them, hex in groups of
 * 8:8:16 digits ('00000001:0000a3f0:0000000000012c4d'). Colons are dropped and the digits left-padded to 32. Snapshot rows have no change_lsn: change part 0. Events
 * sharing one change LSN (a key update) are told apart by `event_serial_no` when present.
 * Not run against a Db2 connector here (no Db2 server in this stack).
 */
export function db2Position(source: Record<string, unknown>, op: string): PositionResult {
  const commit = db2Lsn(source.commit_lsn);
  if (commit === undefined) return { ok: false, reason: `source.commit_lsn is missing or not a Db2 LSN (got ${show(source.commit_lsn)})` };
  const snapshot = isSnapshotRead(source, op);
  const change = snapshot || source.change_lsn === null || source.change_lsn === undefined ? ZERO16 + ZERO16 : db2Lsn(source.change_lsn);
  if (change === undefined) return { ok: false, reason: `source.change_lsn is not a Db2 LSN (got ${show(source.change_lsn)})` };
  const serial = toU64(source.event_serial_no ?? 0);
  if (serial === undefined || serial > 0xffffffffn) return { ok: false, reason: `source.event_serial_no is not a small integer (got ${show(source.event_serial_no)})` };
  return { ok: true, position: `db2:${commit}:${change}:${hex(serial, 8)}` };
}

function db2Lsn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const digits = value.replace(/:/g, '');
  return /^[0-9A-Fa-f]{1,32}$/.test(digits) ? digits.toUpperCase().padStart(32, '0') : undefined;
}

/**
 * IBM IIDR (CDC Replication Engine for Kafka) through its JSON audit KCOP (iidr.ts): the journal
 * control field SEQNO, the sequence number of the entry in the source's journal or log, which the
 * subscription must include (audit.jcfs=…,SEQNO,…). Changes of one row are serialised by the row lock
 * (a transaction cannot change a row another one changed until that one commits), so their journal
 * sequences follow their commit order: the sequence orders the changes of one key, which is all the
 * MERGE asks. `phase` 0 is a refresh row (entry type RR), 1 a mirrored change: at the same sequence
 * the change wins. Decimal digits, zero-padded to 38 (Db2 for z/OS RBAs/LRSNs and IBM i sequence
 * numbers fit). Not run against a live IIDR here: IBM's documentation does not say what SEQNO holds
 * for refresh rows; we assume the journal position the refresh read at.
 */
export function iidrPosition(input: { sequence: unknown; phase: 0 | 1 }): PositionResult {
  const text = typeof input.sequence === 'number' && Number.isSafeInteger(input.sequence) ? String(input.sequence)
    : typeof input.sequence === 'string' ? input.sequence.trim() : '';
  if (!/^\d{1,38}$/.test(text)) return { ok: false, reason: `journal sequence (SEQNO) must be a non-negative integer of at most 38 digits (got ${show(input.sequence)})` };
  return { ok: true, position: `iidr:${text.padStart(38, '0')}:${input.phase}` };
}

export function positionKind(position: string): PositionKind | undefined {
  const kind = position.slice(0, position.indexOf(':'));
  return kind === 'pg' || kind === 'db2' || kind === 'iidr' ? kind : undefined;
}

/** -1, 0, 1. Throws when the positions come from different source kinds (a caller's bug). */
export function comparePositions(a: string, b: string): -1 | 0 | 1 {
  const [ka, kb] = [positionKind(a), positionKind(b)];
  if (ka === undefined || ka !== kb || a.length !== b.length) {
    throw new Error(`cannot compare source positions '${a}' and '${b}': expected two positions of the same source kind (pg, db2 or iidr)`);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The position a backfill recorded (SourceConnector.currentPosition) in the same encoding, as if it
 * were a snapshot taken there: PostgreSQL 'X/Y' from pg_current_wal_lsn(); Db2 'lsn=<n>;ts=…' from
 * MON_GET_TRANSACTION_LOG's CURRENT_LSN, placed in the low 64 bits of the commit part. A Db2 position
 * with only a timestamp cannot be compared with LSNs and is refused.
 *
 * Db2 assumption (unverified against a real Db2; db2-handover.test.ts states it): the 16 bytes of
 * Debezium's commit_lsn hold the commit record's 64-bit LSN big-endian (on LUW 10.1+ a log record
 * identifier, log flush sequence then LSN). Then a change committed after B compares after B whatever
 * the other bytes hold, so no change is lost to the backfilled row; changes committed before B may
 * compare after it too, and are applied again, which the MERGE makes harmless. Since the position is
 * the transaction's commit, not a change inside it, Db2 has no in-flight window like PostgreSQL's.
 */
export function backfillPosition(kind: PositionKind, recorded: string): PositionResult {
  if (kind === 'pg') {
    const lsn = parsePgLsn(recorded);
    return lsn === undefined ? { ok: false, reason: `backfill position '${recorded}' is not a PostgreSQL LSN like 0/16B3748` } : { ok: true, position: pgText(lsn, 0n, 0) };
  }
  if (kind === 'db2') {
    const m = /(?:^|;)lsn=(\d{1,20})(?:;|$)/.exec(recorded);
    const lsn = m ? BigInt(m[1]!) : undefined;
    if (lsn === undefined || lsn > MAX_U64) return { ok: false, reason: `backfill position '${recorded}' has no lsn=<number> (a timestamp alone does not order against Db2 LSNs)` };
    return { ok: true, position: `db2:${hex(lsn, 32)}:${ZERO16 + ZERO16}:${hex(0n, 8)}` };
  }
  return { ok: false, reason: 'IIDR backfill positions are not defined yet (see iidrPosition)' };
}

/**
 * Backfill → CDC handover. The backfill records position B before it reads its chunks, and reads them
 * afterwards in several snapshots, so its rows reflect states at or after B. An event at or before B
 * ('may-be-in-backfill') has most likely been read already — but not certainly, so the handover must
 * NOT drop it: land it in the change log and let the MERGE keep, per key, whichever of the backfilled
 * row (position B) and the event has the higher position. Blind dropping would lose the changes whose
 * commit the event's position only bounds from below. Events after B ('after-backfill') are newer
 * than the backfill.
 *
 * The one case position alone cannot settle: a transaction already writing when B was recorded
 * (change LSNs below B, no commit between its last-commit LSN and B) that commits only after its
 * key's chunk was read. Its position is below B, so the backfilled row would win and the change would
 * be lost. The backfill closes that window by waiting, after recording B, until the transactions in
 * flight at that moment have ended (PostgreSQL: until pg_snapshot_xmin(pg_current_snapshot()) passes
 * the xmax seen with B) before it reads any chunk.
 */
export function handoverDisposition(eventPosition: string, backfill: string): 'after-backfill' | 'may-be-in-backfill' {
  return comparePositions(eventPosition, backfill) > 0 ? 'after-backfill' : 'may-be-in-backfill';
}

function toU64(value: unknown): bigint | undefined {
  let n: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) n = BigInt(value);
  else if (typeof value === 'bigint') n = value;
  return n !== undefined && n >= 0n && n <= MAX_U64 ? n : undefined;
}

function hex(n: bigint, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}
