import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

const table: TableContract = tableSchema.parse({
  name: 'booking',
  description: 'Bookings',
  source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' },
  primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'STATUS', type: 'CHAR(1)' },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
  ],
});

const pos = (n: number) => `pg:${n.toString(16).toUpperCase().padStart(16, '0')}:${n.toString(16).toUpperCase().padStart(16, '0')}:1`;

/** Applies change-capture batches to a real DuckDB file and reads the current state back. */
describe('DuckDB change apply', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  let batchNo = 0;
  let offset = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-cdc-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each change: [id, status|null, amount|null, op, position]. */
  async function apply(changes: Array<[number, string | null, string | null, string, number]>, consumer = 'c1') {
    const file = join(dir, `batch-${batchNo++}.csv`);
    const first = offset;
    writeFileSync(file, changes.map(([id, st, amt, op, p]) => `${id},${st ?? ''},${amt ?? ''},${op},${pos(p)},1700000000000,0,${offset++},\n`).join(''));
    return wh.applyChanges({ domain: 'booking', table, sourceSystem: 'db2', file, consumer, offsets: [{ topic: 'factory.BOOK.BOOKING', partition: 0, nextOffset: String(first + changes.length) }] });
  }

  async function current(): Promise<unknown[][]> {
    const reader = await wh.connectReader();
    return (await reader.runAndReadAll(`SELECT "BOOKING_ID"::INTEGER, "STATUS", "AMOUNT"::VARCHAR, "_deleted" FROM raw_booking.booking ORDER BY 1`)).getRowsJS();
  }

  // Newest position wins, deletes, truncates, exactly once, offsets: the shared warehouse contract
  // (contract.test.ts). Here: what DuckDB keeps besides the current state.
  it('keeps every change in the append-only log and counts the live rows only', async () => {
    await apply([[1, 'C', '10.00000000', 'c', 10], [2, 'C', '20.00000000', 'c', 11], [1, 'X', '11.00000000', 'u', 12]]);
    await apply([[2, null, null, 'd', 13], [1, 'P', '1.00000000', 'u', 5]]);
    expect(await current()).toEqual([[1, 'X', '11.00000000', false], [2, null, null, true]]);
    const reader = await wh.connectReader();
    const log = (await reader.runAndReadAll('SELECT count(*)::INTEGER FROM raw_booking.booking__changes')).getRowsJS();
    expect(log).toEqual([[5]]);
    expect((await wh.tableStats({ domain: 'booking', table })).rows).toBe(1);
  });

  it('keeps source columns the contract does not declare yet, as JSON, on the current row', async () => {
    const file = join(dir, 'extra.csv');
    writeFileSync(file, `4,C,4.50000000,u,${pos(30)},1700000000000,0,${offset},"{""LOYALTY_NOTE"":""gold""}"\n`);
    await wh.applyChanges({ domain: 'booking', table, sourceSystem: 'db2', file, consumer: 'c1', offsets: [{ topic: 'factory.BOOK.BOOKING', partition: 0, nextOffset: String(++offset) }] });
    const reader = await wh.connectReader();
    const rows = (await reader.runAndReadAll(`SELECT "_extra" FROM raw_booking.booking WHERE "BOOKING_ID" = 4`)).getRowsJS();
    expect(rows).toEqual([['{"LOYALTY_NOTE":"gold"}']]);
  });

  it('lands BLOB bytes, trimmed CHAR padding and wide decimals as a backfill would', async () => {
    const typed: TableContract = tableSchema.parse({
      name: 'document', description: 'Documents', source: { system: 'db2', schema: 'BOOK', table: 'DOCUMENT' }, primaryKey: ['DOC_ID'],
      columns: [
        { name: 'DOC_ID', type: 'BIGINT' },
        { name: 'RESORT', type: 'CHAR(4)', padding: 'trim' },
        { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
        { name: 'BODY', type: 'BLOB(100)', nullable: true },
      ],
    });
    const lines = [
      ['1', 'SKI ', '12345678901234567890123.12345678', '\\x00ff10'],
      ['2', 'AL  ', '-0.50000000', '\\x'],
      ['3', 'SEA2', '9999999999.99999999', ''],
      ['4', 'LK  ', '', '\\x8102'],
    ];
    const file = join(dir, 'typed.csv');
    writeFileSync(file, lines.map((v, i) => `${v.join(',')},c,${pos(100 + i)},1700000000000,0,${i},\n`).join(''));
    await wh.applyChanges({ domain: 'booking', table: typed, sourceSystem: 'db2', file, consumer: 'typed', offsets: [{ topic: 'factory.BOOK.DOCUMENT', partition: 0, nextOffset: '4' }] });
    const reader = await wh.connectReader();
    const rows = (await reader.runAndReadAll(`SELECT "DOC_ID"::INTEGER, "RESORT", "AMOUNT"::VARCHAR, hex("BODY") FROM raw_booking.document ORDER BY 1`)).getRowsJS();
    expect(rows).toEqual([
      [1, 'SKI', '12345678901234567890123.12345678', '00FF10'],
      [2, 'AL', '-0.50000000', ''],
      [3, 'SEA2', '9999999999.99999999', null],
      [4, 'LK', null, '8102'],
    ]);
  });

  it('applies the batches of several tables in one write: all of them with their offsets, or none', async () => {
    const other: TableContract = tableSchema.parse({ ...table, name: 'booking_note', source: { ...table.source, table: 'BOOKING_NOTE' } });
    const staged = (name: string, lines: string[]) => {
      const file = join(dir, name);
      writeFileSync(file, lines.join(''));
      return file;
    };
    const row = (id: number, status: string, p: number, o: number) => `${id},${status},1.00000000,c,${pos(p)},1700000000000,0,${o},\n`;
    const sets = (second: string) => [
      { domain: 'booking', table, sourceSystem: 'db2', file: staged('g1.csv', [row(70, 'C', 200, 0)]), offsets: [{ topic: 'grouped.BOOKING', partition: 0, nextOffset: '1' }] },
      { domain: 'booking', table: other, sourceSystem: 'db2', file: second, offsets: [{ topic: 'grouped.NOTE', partition: 0, nextOffset: '2' }] },
    ];
    const live = async (): Promise<unknown[][]> => {
      const reader = await wh.connectReader();
      return (await reader.runAndReadAll(`SELECT 'b', "BOOKING_ID"::INTEGER FROM raw_booking.booking WHERE "BOOKING_ID" = 70
        UNION ALL SELECT 'n', "BOOKING_ID"::INTEGER FROM raw_booking.booking_note ORDER BY 1, 2`)).getRowsJS();
    };

    // The second table's file cannot be read as a batch: neither table changes, no offset moves.
    await expect(wh.applyChangeSets({ consumer: 'grouped', sets: sets(staged('bad.csv', ['not,a,batch\n'])) })).rejects.toThrow();
    expect(await wh.consumerOffsets({ consumer: 'grouped' })).toEqual([]);
    expect(await live()).toEqual([]); // the tables exist (made before the transaction), without a row of either set
    const good = sets(staged('g2.csv', [row(71, 'C', 201, 0), row(72, 'C', 202, 1)]));
    expect(await wh.applyChangeSets({ consumer: 'grouped', sets: good })).toEqual([{ changes: 1, alreadyApplied: false }, { changes: 2, alreadyApplied: false }]);
    expect(await live()).toEqual([['b', 70], ['n', 71], ['n', 72]]);
    expect((await wh.consumerOffsets({ consumer: 'grouped' })).sort((a, b) => a.topic.localeCompare(b.topic)))
      .toEqual([{ topic: 'grouped.BOOKING', partition: 0, nextOffset: '1' }, { topic: 'grouped.NOTE', partition: 0, nextOffset: '2' }]);
    // A retry after the commit: every set already applied, nothing changes.
    expect(await wh.applyChangeSets({ consumer: 'grouped', sets: good })).toEqual([{ changes: 0, alreadyApplied: true }, { changes: 0, alreadyApplied: true }]);
    expect(await live()).toEqual([['b', 70], ['n', 71], ['n', 72]]);
  });

  it("writes many tables on two connections at once: a table's sets in order on one of them, results in set order, every offset stored", async () => {
    const names = ['fan_a', 'fan_b', 'fan_c', 'fan_d', 'fan_e'];
    const contracts = names.map((name) => tableSchema.parse({ ...table, name, source: { ...table.source, table: name.toUpperCase() } }));
    const set = (i: number, file: string, lines: string[], nextOffset: number) => {
      writeFileSync(join(dir, file), lines.join(''));
      return { domain: 'booking', table: contracts[i]!, sourceSystem: 'db2', file: join(dir, file), offsets: [{ topic: `fan.${names[i]}`, partition: 0, nextOffset: String(nextOffset) }] };
    };
    const row = (id: number, status: string, p: number, o: number, op = 'u') => `${id},${status},1.00000000,${op},${pos(p)},1700000000000,0,${o},\n`;
    // fan_a has two sets in the write: the second, later one wins for key 1 and deletes key 2.
    const sets = [
      set(0, 'fan-a1.csv', [row(1, 'A', 300, 0), row(2, 'A', 301, 1)], 2),
      set(1, 'fan-b.csv', [row(1, 'B', 302, 0)], 1),
      set(2, 'fan-c.csv', [row(1, 'C', 303, 0), row(2, 'C', 304, 1), row(3, 'C', 305, 2)], 3),
      set(0, 'fan-a2.csv', [row(1, 'Z', 306, 2), row(2, 'A', 307, 3, 'd')], 4),
      set(3, 'fan-d.csv', [row(1, 'D', 308, 0)], 1),
      set(4, 'fan-e.csv', [row(1, 'E', 309, 0), row(1, 'F', 310, 1)], 2),
    ];
    expect(await wh.applyChangeSets({ consumer: 'fan', sets })).toEqual([2, 1, 3, 2, 1, 2].map((changes) => ({ changes, alreadyApplied: false })));
    const reader = await wh.connectReader();
    const live = (await reader.runAndReadAll(names.map((n) =>
      `SELECT '${n}', "BOOKING_ID"::INTEGER, "STATUS" FROM raw_booking.${n} WHERE NOT "_deleted"`).join(' UNION ALL ') + ' ORDER BY 1, 2')).getRowsJS();
    expect(live).toEqual([['fan_a', 1, 'Z'], ['fan_b', 1, 'B'], ['fan_c', 1, 'C'], ['fan_c', 2, 'C'], ['fan_c', 3, 'C'], ['fan_d', 1, 'D'], ['fan_e', 1, 'F']]);
    expect((await wh.consumerOffsets({ consumer: 'fan' })).sort((a, b) => a.topic.localeCompare(b.topic)).map((o) => `${o.topic}@${o.nextOffset}`))
      .toEqual(['fan.fan_a@4', 'fan.fan_b@1', 'fan.fan_c@3', 'fan.fan_d@1', 'fan.fan_e@2']);
    // A retry of the whole write: each set found applied on whichever connection it went.
    expect(await wh.applyChangeSets({ consumer: 'fan', sets })).toEqual(sets.map(() => ({ changes: 0, alreadyApplied: true })));
  });

  it("rolls back every connection's sets when one table's batch fails, whichever connection it was on", async () => {
    const names = ['fail_a', 'fail_b', 'fail_c'];
    const contracts = names.map((name) => tableSchema.parse({ ...table, name, source: { ...table.source, table: name.toUpperCase() } }));
    const set = (i: number, lines: string[]) => {
      const file = join(dir, `${names[i]}.csv`);
      writeFileSync(file, lines.join(''));
      return { domain: 'booking', table: contracts[i]!, sourceSystem: 'db2', file, offsets: [{ topic: `fail.${names[i]}`, partition: 0, nextOffset: '1' }] };
    };
    const good = (i: number) => set(i, [`1,G,1.00000000,c,${pos(400 + i)},1700000000000,0,0,\n`]);
    // fail_a and fail_c share a connection, fail_b has the other: the bad batch on either side undoes both.
    for (const sets of [[good(0), set(1, ['not,a,batch\n']), good(2)], [good(0), good(1), set(2, ['not,a,batch\n'])]]) {
      await expect(wh.applyChangeSets({ consumer: 'fail', sets })).rejects.toThrow();
      expect(await wh.consumerOffsets({ consumer: 'fail' })).toEqual([]);
      const reader = await wh.connectReader();
      expect((await reader.runAndReadAll(names.map((n) => `SELECT count(*) FROM raw_booking.${n}`).join(' UNION ALL '))).getRowsJS().flat()).toEqual([0n, 0n, 0n]);
    }
    expect(await wh.applyChangeSets({ consumer: 'fail', sets: [good(0), good(1), good(2)] })).toEqual([0, 1, 2].map(() => ({ changes: 1, alreadyApplied: false })));
  });
});
