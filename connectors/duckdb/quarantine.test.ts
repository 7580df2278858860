import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSchema } from '../../contracts/contract.js';
import {
  amountPositive, changingSource, csv, declared, loaded, mixedChanges, pos, relaxed, sourceStats, table, type Change,
} from '../../test/support/quarantine-contract-suite.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

/**
 * Row quarantine on DuckDB, as stored: tombstones, quarantine rows with their positions and load ids,
 * and a replay against a key moved on behind the owner's back. What the port promises (counts,
 * summaries, replay results, a dropped load, a truncate, a new load) is the shared contract suite's
 * (test/support/quarantine-contract-suite.ts, run by quarantine-contract.test.ts).
 */
describe('DuckDB row quarantine, as stored', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  let reader: DuckDBConnection;
  const { source, file, batch } = changingSource(() => dir, 'booking');
  const query = async (sql: string) => (await reader.runAndReadAll(sql)).getRowsJS();
  const apply = (changes: Change[]) => wh.applyChanges(batch(changes));

  const current = () => query(`SELECT "BOOKING_ID"::INTEGER, "STATUS", "AMOUNT"::VARCHAR, "_deleted", "_source_position" FROM raw_booking.booking ORDER BY 1`);
  const quarantined = () => query(`SELECT "BOOKING_ID"::INTEGER, "_rule_id", "_reason", "_status", "_source_position", "_load_id" FROM raw_booking.booking__quarantine ORDER BY 1, "_quarantined_at", "_source_position"`);
  const expectExact = async () => {
    expect(await wh.tableStats({ domain: 'booking', table })).toEqual(sourceStats([...source.values()]));
    // Each key once: live, or open in quarantine, never both.
    const both = await query(`SELECT count(*)::INTEGER FROM raw_booking.booking t JOIN raw_booking.booking__quarantine q USING ("BOOKING_ID")
      WHERE NOT t."_deleted" AND q."_status" = 'open'`);
    expect(both).toEqual([[0]]);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-quarantine-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
    reader = await wh.connectReader();
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const backfillAt = 100;

  it('backfill: validates the full load, then moves failing rows to quarantine and leaves tombstones, once', async () => {
    const { loadTable } = await wh.prepareLoad({ domain: 'booking', table, loadId: 'b1' });
    await wh.loadChunk({ loadTable, table, file: file(loaded.map(csv)), chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'b1', sourcePosition: pos(backfillAt) } });
    for (const row of loaded) source.set(row[0], row);
    const validated = await wh.validateLoad({ loadTable, table });
    expect({ rows: validated.rows, checksum: validated.checksum }).toEqual(sourceStats(loaded));

    expect(await wh.quarantineLoad({ loadTable, table })).toEqual({ quarantined: 3 });
    // A retry after the commit finds nothing left to move and reports the same count.
    expect(await wh.quarantineLoad({ loadTable, table })).toEqual({ quarantined: 3 });
    expect(await query(`SELECT "BOOKING_ID"::INTEGER, "STATUS", "AMOUNT"::VARCHAR, "_deleted", "_source_position" = '${pos(backfillAt)}' FROM ${loadTable} ORDER BY 1`)).toEqual([
      [1, 'C', '10.00000000', false, true],
      [2, 'Z', '20.00000000', true, true],
      [3, 'X', '-3.00000000', true, true],
      [4, 'Z', '-4.00000000', true, true],
      [5, 'C ', null, false, true],
      [6, 'X', '6.00000000', false, true],
    ]);
    // Pending until the swap: a load that is never swapped in must not count.
    expect((await quarantined()).map((r) => [r[0], r[1], r[2], r[3], r[4] === pos(backfillAt), r[5]])).toEqual([
      [2, 'status_known', 'accepted_values on STATUS', 'pending', true, 'b1'],
      [3, 'amount_positive', 'range on AMOUNT (min 0)', 'pending', true, 'b1'],
      [4, 'status_known', 'accepted_values on STATUS', 'pending', true, 'b1'],
    ]);

    await wh.swapIn({ domain: 'booking', table, loadTable });
    expect((await quarantined()).map((r) => r[3])).toEqual(['open', 'open', 'open']);
    expect(await query(`SELECT count(*)::INTEGER FROM raw_booking.booking WHERE NOT "_deleted"`)).toEqual([[3]]);
    await expectExact();
  });

  it('change capture: failing changes become tombstones with the after-image in quarantine; newer changes supersede', async () => {
    // An event older than the backfill (the overlap window) never resurrects a quarantined key.
    await apply([[[2, 'C', '2.00000000', null], 'u', 50]]);
    source.set(2, loaded[1]!);
    // A backfill tombstone keeps its values behind the flag (see tombstoneFailingSql).
    expect((await current())[1]).toEqual([2, 'Z', '20.00000000', true, pos(backfillAt)]);

    await apply(mixedChanges);
    expect(await current()).toEqual([
      [1, null, null, true, pos(101)],
      [2, 'C', '2.00000000', false, pos(102)],
      [3, 'X', '-3.00000000', true, pos(backfillAt)],
      [4, null, null, true, pos(103)],
      [5, 'C ', null, false, pos(backfillAt)],
      [6, null, null, true, pos(104)],
      [7, null, null, true, pos(105)],
      [8, 'C', '8.00000000', false, pos(107)],
    ]);
    expect((await quarantined()).map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual([
      [1, 'status_known', 'open', pos(101), 'cdc'],
      [2, 'status_known', 'superseded', pos(backfillAt), 'b1'],
      [3, 'amount_positive', 'open', pos(backfillAt), 'b1'],
      [4, 'status_known', 'superseded', pos(backfillAt), 'b1'],
      [4, 'amount_positive', 'open', pos(103), 'cdc'],
      [7, 'status_known', 'open', pos(105), 'cdc'],
    ]);
    await expectExact();
  });

  it('replay with the rule fixed lands each passing row exactly once; a second replay changes nothing', async () => {
    const before = await wh.tableStats({ domain: 'booking', table });
    expect(await wh.replayQuarantine({ domain: 'booking', table: relaxed })).toEqual({ replayed: 2, stillFailing: 2, superseded: 0 });
    expect((await current()).filter((r) => [1, 7].includes(r[0] as number))).toEqual([
      [1, 'Z', '11.00000000', false, pos(101)],
      [7, 'Z', '7.00000000', false, pos(105)],
    ]);
    expect(await wh.tableStats({ domain: 'booking', table })).toEqual(before);
    await expectExact();

    const after = await quarantined();
    expect(after.filter((r) => r[3] === 'open').map((r) => [r[0], r[1]])).toEqual([[3, 'amount_positive'], [4, 'amount_positive']]);
    expect(after.filter((r) => r[3] === 'replayed').map((r) => r[0])).toEqual([1, 7]);

    expect(await wh.replayQuarantine({ domain: 'booking', table: relaxed })).toEqual({ replayed: 0, stillFailing: 2, superseded: 0 });
    expect(await wh.tableStats({ domain: 'booking', table })).toEqual(before);
    expect(await query(`SELECT count(*)::INTEGER, count(DISTINCT "BOOKING_ID")::INTEGER FROM raw_booking.booking`)).toEqual([[8, 8]]);
  });

  it('a still-failing row takes the reason the current rules give', async () => {
    const stricter = tableSchema.parse({ ...declared, qualityRules: [{ ...amountPositive, id: 'amount_from_ten', min: 10 }] });
    expect(await wh.replayQuarantine({ domain: 'booking', table: stricter })).toMatchObject({ replayed: 0, stillFailing: 2 });
    expect((await quarantined()).filter((r) => r[3] === 'open').map((r) => [r[0], r[1], r[2]])).toEqual([
      [3, 'amount_from_ten', 'range on AMOUNT (min 10)'],
      [4, 'amount_from_ten', 'range on AMOUNT (min 10)'],
    ]);
  });

  it('replay never overwrites a key that moved on outside the quarantine protocol', async () => {
    // Written behind the owner's back (as a restore might): key 3 is live again, key 4 deleted later.
    await reader.run(`UPDATE raw_booking.booking SET "STATUS" = 'C', "AMOUNT" = 3, "EMAIL" = NULL, "_deleted" = false, "_source_position" = '${pos(200)}' WHERE "BOOKING_ID" = 3`);
    await reader.run(`UPDATE raw_booking.booking SET "_source_position" = '${pos(201)}' WHERE "BOOKING_ID" = 4`);
    source.set(3, [3, 'C', '3.00000000', null]);
    source.delete(4);
    const lenient = tableSchema.parse({ ...declared, qualityRules: [] });
    expect(await wh.replayQuarantine({ domain: 'booking', table: lenient })).toEqual({ replayed: 0, stillFailing: 0, superseded: 2 });
    expect((await current()).filter((r) => [3, 4].includes(r[0] as number))).toEqual([[3, 'C', '3.00000000', false, pos(200)], [4, null, null, true, pos(201)]]);
    await expectExact();
  });
});
