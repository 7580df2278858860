import { StoredOffsets, type ApplyChangesResult, type ChangeSet, type KafkaOffset } from '../warehouse/port.js';
import { appendChangeLogSql, applyNewestSql, loadBatchSql, newestOfBatchSql, truncateSql } from './cdc-sql.js';
import { applyLedger, ledgerColumns, type ErasureKey } from './erasure.js';
import type { LedgerColumn } from './erasure-sql.js';
import { newestWithQuarantine, supersedeByTruncate, type ChangeQuarantine, type DuckDbSession } from './quarantine.js';
import { utcNowText } from './load-sql.js';

/**
 * The change write of DuckDB: the batches of several tables, spread over writer connections
 * ("lanes") that work at the same time. A table's write is six small statements whatever its
 * batch size, and one connection runs them one after another; two connections overlap them
 * (measured, 100 tables of 50 changes a write: 21.7 ms a table on one connection, 14.8 ms on two).
 * Each lane has its own temporary tables `batch` and `newest`; a table (and so each of its topic
 * partitions) is always on one lane, so no two lanes write the same rows.
 */

/** Writer connections of a grouped write: two, as the machine this was measured on has two cores. */
export const maxChangeLanes = 2;

/** What the change apply knows of a table between batches (cleared by any other write). */
export interface KnownChangeTable { quarantined: boolean; ledger?: { columns: LedgerColumn[] | undefined } }

/** A table made ready for a batch, outside the transaction. */
export interface PreparedChangeTable { current: string; changeLog: string; quarantine: ChangeQuarantine | undefined; known: KnownChangeTable }

export interface LaneWork { consumer: string; sets: readonly ChangeSet[]; prepared: readonly PreparedChangeTable[]; erasureKey: ErasureKey | undefined }

/**
 * The indices of the sets each of `lanes` lanes writes: the sets of a table together and in their
 * order, tables dealt to the lanes in turn; no empty lane.
 */
export function assignLanes(tables: readonly string[], lanes: number): number[][] {
  const laneOfTable = new Map<string, number>();
  const assigned: number[][] = [];
  tables.forEach((table, index) => {
    let lane = laneOfTable.get(table);
    if (lane === undefined) {
      lane = laneOfTable.size % lanes;
      laneOfTable.set(table, lane);
    }
    (assigned[lane] ??= []).push(index);
  });
  return assigned;
}

/**
 * All sets or none: each lane opens a transaction and writes its sets with their offsets; only when
 * every lane succeeded do they commit, one after the other, else all roll back. A commit that
 * fails after an earlier lane's commit leaves that lane's sets applied with their offsets, so a
 * retry finds them applied (alreadyApplied) and writes the rest. Results are in set order.
 */
export async function applyInLanes(openLanes: (count: number) => Promise<DuckDbSession[]>, work: LaneWork): Promise<ApplyChangesResult[]> {
  const plan = assignLanes(work.prepared.map((p) => p.current), maxChangeLanes);
  const lanes = await openLanes(plan.length);
  const begun: DuckDbSession[] = [];
  const results: ApplyChangesResult[] = new Array(work.sets.length);
  const settled = await Promise.allSettled(plan.map(async (indices, lane) => {
    const session = lanes[lane]!;
    await session.run('BEGIN TRANSACTION');
    begun.push(session);
    const written = await applyLane(session, work, indices);
    indices.forEach((setIndex, i) => (results[setIndex] = written[i]!));
  }));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const session of begun) await session.run('ROLLBACK').catch(() => undefined);
    throw failed.reason;
  }
  for (const [i, session] of begun.entries()) {
    try {
      await session.run('COMMIT');
    } catch (error) {
      for (const rest of begun.slice(i + 1)) await rest.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  return results;
}

/** One lane's sets inside its transaction, then the offsets it wrote. */
async function applyLane(session: DuckDbSession, { consumer, sets, prepared, erasureKey }: LaneWork, indices: readonly number[]): Promise<ApplyChangesResult[]> {
  const stored = await storedOffsets(session, consumer);
  const now = utcNowText();
  const results: ApplyChangesResult[] = [];
  const written: KafkaOffset[] = [];
  for (const i of indices) {
    const set = sets[i]!;
    if (stored.covers(set.offsets)) {
      results.push({ changes: 0, alreadyApplied: true });
      continue;
    }
    results.push({ changes: await applyChangeSet(session, set, prepared[i]!, now, erasureKey), alreadyApplied: false });
    written.push(...set.offsets);
  }
  await storeOffsets(session, consumer, written, now);
  return results;
}

/** One table's batch inside the transaction; returns the changes it held. */
async function applyChangeSet(
  session: DuckDbSession, { domain, table, sourceSystem, file, offsets }: ChangeSet, { current, changeLog, quarantine, known }: PreparedChangeTable,
  now: string, erasureKey: ErasureKey | undefined,
): Promise<number> {
  await session.run(loadBatchSql(table, file));
  // The batch's size and whether it holds truncates; erasure below never removes a truncate (it has no key).
  // Their positions in order are asked for only when there are some: the ordered list cost every batch a millisecond.
  const [[count, truncateCount]] = (await session.rows(`SELECT count(*), count(*) FILTER (WHERE "_op" = 't') FROM batch`)) as [[bigint, bigint]];
  const truncates = truncateCount === 0n ? [] : (await session.rows(`SELECT "_position" FROM batch WHERE "_op" = 't' ORDER BY 1`)).map((r) => String(r[0]));
  // Before the change log and the merge: an erased subject's changes are dropped (or anonymised) and counted.
  known.ledger ??= { columns: await ledgerColumns(session, erasureKey, domain, table.name) };
  await applyLedger(session, erasureKey, {
    domain, table, relation: 'batch', columns: known.ledger.columns, origin: `cdc ${offsets.map((o) => `${o.topic}:${o.partition}@${o.nextOffset}`).join(' ')}`.trim(),
  });
  await session.run(appendChangeLogSql(changeLog), [now]);
  // Truncates apply first, in position order; the merge then takes only changes after the last one.
  for (const position of truncates) {
    await session.run(truncateSql(current), [position, position]);
    if (quarantine) await supersedeByTruncate(session, quarantine, position, now);
  }
  const after = truncates.at(-1) ?? '';
  if (quarantine) await newestWithQuarantine(session, quarantine, { current, after, now });
  else await session.run(newestOfBatchSql(table), [after]);
  const apply = applyNewestSql(current, table, sourceSystem, quarantine !== undefined);
  await session.run(apply.remove);
  await session.run(apply.insert, [now]);
  // The temporary tables stay until the lane's next batch replaces them: their two DROPs cost each table's write
  // 0.7 ms (100 tables of 50 changes a write).
  return Number(count);
}

export async function storedOffsets(session: DuckDbSession, consumer: string): Promise<StoredOffsets> {
  const found = await session.rows('SELECT topic, kafka_partition, next_offset FROM _factory.cdc_offsets WHERE consumer = ?', [consumer]);
  return new StoredOffsets(found.map((r) => ({ topic: String(r[0]), partition: Number(r[1]), nextOffset: String(r[2]) })));
}

/**
 * Where the consumer continues, for every topic and partition the transaction wrote: two statements
 * in all. A partition in more than one set keeps its last offset (sets apply in order).
 */
async function storeOffsets(session: DuckDbSession, consumer: string, written: KafkaOffset[], now: string): Promise<void> {
  const offsets = [...new Map(written.map((o) => [`${o.topic}:${o.partition}`, o])).values()];
  if (offsets.length === 0) return;
  const keys = offsets.map(() => '(topic = ? AND kafka_partition = ?)').join(' OR ');
  await session.run(`DELETE FROM _factory.cdc_offsets WHERE consumer = ? AND (${keys})`, [consumer, ...offsets.flatMap((o) => [o.topic, o.partition])]);
  await session.run(`INSERT INTO _factory.cdc_offsets VALUES ${offsets.map(() => '(?, ?, ?, ?, CAST(? AS TIMESTAMP))').join(', ')}`,
    offsets.flatMap((o) => [consumer, o.topic, o.partition, BigInt(o.nextOffset), now]));
}
