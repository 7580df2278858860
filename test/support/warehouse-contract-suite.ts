import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChecksums, canonicalRowText, checksumColumnsOf, rowHash } from '../../core/checksum.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { LoadStateError, type LoadAndCapture } from '../../connectors/warehouse/port.js';

/**
 * The warehouse contract suite: the backfill and change-capture promises of the port (port.ts),
 * run unchanged against every adapter (connectors/<adapter>/contract.test.ts). Every case asserts
 * through the port only — counts, checksums and results — so it cannot lean on one engine's SQL.
 * An adapter that cannot keep a case skips it with the reason (`skip`), never silently.
 */

/** The capabilities the suite exercises, load, reads and changeApply (the others have suites of their own). */
export type ContractWarehouse = LoadAndCapture;

export type ContractCase =
  | 'load-once' | 'failed-chunk' | 'long-line' | 'duplicate-keys' | 'swap-atomic' | 'final-stats' | 'record-backfill' | 'resume'
  | 'cdc-newest-wins' | 'cdc-late-events' | 'cdc-retry' | 'cdc-truncate' | 'consumer-offsets';

export interface WarehouseContractTarget {
  /** Shown in the suite's name, e.g. 'DuckDB' or 'BigQuery emulator'. */
  name: string;
  /**
   * Opens the warehouse under test. Called again after close() by the resume case: the second
   * call must reach the same stored state (same file, same project), as a restarted owner would.
   */
  open(): Promise<ContractWarehouse>;
  /** A domain no other run uses, so runs sharing a warehouse never see each other's tables. */
  domain: string;
  /** Removes what the suite left (datasets, files), after the last case. */
  cleanup?(): Promise<void>;
  /** Cases this adapter cannot keep, each with the reason printed in the test name. */
  skip?: Partial<Record<ContractCase, string>>;
  /** When set, the whole suite is skipped with this reason (e.g. no emulator reachable). */
  unavailable?: string;
}

/** The suite's backfill table and rows, shared with adapter tests that need the same data. */
export const table: TableContract = tableSchema.parse({
  name: 'booking',
  description: 'Bookings',
  source: { system: 'resdb', schema: 'RES', table: 'BOOKING' },
  primaryKey: ['RESORT', 'BOOKING_ID'],
  columns: [
    { name: 'RESORT', type: 'CHAR(4)' },
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'GUEST', type: 'VARCHAR(60)', nullable: true, pii: 'identity' },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
    { name: 'ARRIVAL', type: 'DATE', nullable: true },
    { name: 'CREATED_AT', type: 'TIMESTAMP(6)', nullable: true },
    { name: 'PAID', type: 'BOOLEAN', nullable: true },
    { name: 'DOC', type: 'BLOB(100)', nullable: true },
  ],
});

/** Logical rows and their staged CSV lines (the format core/staged/format.ts documents): NULL and '' differ in rows 2 and 3. */
export const rows: { values: unknown[]; csv: string }[] = [
  { values: ['ALP ', 1n, 'Zoë Ñandú 北京 Ελλάδα', '12345678901234567890123.12345678', '2024-02-29', '2024-02-29 07:05:09.000123', 't', '\\x00ff10'],
    csv: 'ALP ,1,Zoë Ñandú 北京 Ελλάδα,12345678901234567890123.12345678,2024-02-29,2024-02-29 07:05:09.000123,t,\\x00ff10' },
  { values: ['ALP ', 2n, '', '-0.50000000', '1999-12-31', '1999-12-31 23:59:59.999999', 'f', '\\x'],
    csv: 'ALP ,2,"",-0.50000000,1999-12-31,1999-12-31 23:59:59.999999,f,\\x' },
  { values: ['SKI ', 1n, null, null, null, null, null, null], csv: 'SKI ,1,,,,,,' },
  { values: ['SKI ', 2n, 'say "hi",\nnew line', '0.00000001', '0001-01-01', '2000-01-01 00:00:00', 't', null],
    csv: 'SKI ,2,"say ""hi"",\nnew line",0.00000001,0001-01-01,2000-01-01 00:00:00,t,' },
];

export const checksumOf = (contract: TableContract, values: unknown[][]): string =>
  values.reduce<string>((sum, v) => addChecksums(sum, rowHash(canonicalRowText(checksumColumnsOf(contract), v)).toString()), '0');

/** Change capture runs on a table of its own with a one-column key, so its state is the suite's alone. */
const cdcTable: TableContract = tableSchema.parse({
  name: 'booking_cdc',
  description: 'Bookings under change capture',
  source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' },
  primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'STATUS', type: 'CHAR(1)', nullable: true },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
  ],
});

const lineage = { sourceSystem: 'resdb', loadId: 'load-1', sourcePosition: 'lsn:0/16B3748' };
const pos = (n: number) => `pg:${n.toString(16).toUpperCase().padStart(16, '0')}:${n.toString(16).toUpperCase().padStart(16, '0')}:1`;
const topic = 'factory.BOOK.BOOKING';

export function warehouseContractSuite(target: WarehouseContractTarget): void {
  const { domain } = target;
  const skipped = (which: ContractCase) => target.skip?.[which] !== undefined;
  const title = (which: ContractCase, text: string) => (skipped(which) ? `${text} — skipped on ${target.name}: ${target.skip![which]}` : text);
  const suiteName = target.unavailable ? `warehouse contract on ${target.name} — skipped: ${target.unavailable}` : `warehouse contract on ${target.name}`;

  describe.skipIf(target.unavailable !== undefined)(suiteName, () => {
    let dir: string;
    let wh: ContractWarehouse;
    const file = (name: string, lines: string[]): string => {
      const path = join(dir, name);
      writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
      return path;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'factory-contract-'));
      wh = await target.open();
    });
    afterAll(async () => {
      await wh?.close();
      await target.cleanup?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(skipped('load-once'))(title('load-once', 'loads chunks exactly once, keeps NULL apart from empty text, and validates with the shared checksum'), async () => {
      const { loadTable, existingRows } = await wh.prepareLoad({ domain, table, loadId: 'l1' });
      expect(loadTable).toBe(`raw_${domain}.booking__load_l1`);
      expect(existingRows).toBe(0);
      expect(await wh.prepareLoad({ domain, table, loadId: 'l1' })).toEqual({ loadTable, existingRows: 0 });
      const chunk0 = file('c0.csv', rows.slice(0, 2).map((r) => r.csv));
      const chunk1 = file('c1.csv', rows.slice(2).map((r) => r.csv));
      expect(await wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 0, lineage })).toEqual({ rows: 2, alreadyLoaded: false });
      expect(await wh.loadChunk({ loadTable, table, file: chunk1, chunkIndex: 1, lineage })).toEqual({ rows: 2, alreadyLoaded: false });
      // A retried chunk (same index, even re-exported) adds nothing.
      expect(await wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 0, lineage })).toEqual({ rows: 2, alreadyLoaded: true });
      const expected = checksumOf(table, rows.map((r) => r.values));
      expect(await wh.validateLoad({ loadTable, table })).toEqual({ rows: 4, checksum: expected, duplicateKeys: 0 });
      // The checksum tells NULL from '': the same rows with GUEST '' read as NULL would sum differently.
      const blurred = rows.map((r) => r.values.map((v, i) => (i === 2 && v === '' ? null : v)));
      expect(checksumOf(table, blurred)).not.toBe(expected);
      await wh.dropLoad({ loadTable });
    });

    it.skipIf(skipped('failed-chunk'))(title('failed-chunk', 'rolls back a chunk that fails half way, so its retry loads it whole; a dropped load takes no chunk'), async () => {
      const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'l2' });
      const bad = file('bad.csv', [rows[0]!.csv, 'ALP ,3,Private Guest,not-a-number,,,,']);
      const failure = await wh.loadChunk({ loadTable, table, file: bad, chunkIndex: 0, lineage }).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message).toMatch(new RegExp(`loading chunk 0 of raw_${domain}\\.booking__load_l2 from .*bad\\.csv failed: .*AMOUNT`));
      // Row content (possibly personal data) stays out of errors, which end up in logs and histories.
      expect(message).not.toMatch(/Private Guest|not-a-number/);
      expect((await wh.validateLoad({ loadTable, table })).rows).toBe(0);
      const good = file('good.csv', rows.map((r) => r.csv));
      expect(await wh.loadChunk({ loadTable, table, file: good, chunkIndex: 0, lineage })).toEqual({ rows: 4, alreadyLoaded: false });
      expect(await wh.validateLoad({ loadTable, table })).toMatchObject({ rows: 4, checksum: checksumOf(table, rows.map((r) => r.values)) });
      await wh.dropLoad({ loadTable });
      await expect(wh.loadChunk({ loadTable, table, file: good, chunkIndex: 1, lineage })).rejects.toThrow(LoadStateError);
    });

    it.skipIf(skipped('long-line'))(title('long-line', 'loads a staged line longer than 2,000,000 bytes when the contract declares a large CLOB'), async () => {
      const docs = tableSchema.parse({
        name: 'contract_doc', description: 'Scanned contracts', source: { system: 'resdb', schema: 'RES', table: 'CONTRACT_DOC' },
        primaryKey: ['ID'], columns: [{ name: 'ID', type: 'INTEGER' }, { name: 'BODY', type: 'CLOB(5000000)' }],
      });
      const body = 'é"'.repeat(1_200_000);
      const { loadTable } = await wh.prepareLoad({ domain, table: docs, loadId: 'big' });
      const staged = file('big.csv', [`1,"${body.replace(/"/g, '""')}"`]);
      expect(await wh.loadChunk({ loadTable, table: docs, file: staged, chunkIndex: 0, lineage })).toEqual({ rows: 1, alreadyLoaded: false });
      expect(await wh.validateLoad({ loadTable, table: docs })).toEqual({ rows: 1, checksum: checksumOf(docs, [[1, body]]), duplicateKeys: 0 });
      await wh.dropLoad({ loadTable });
    });

    it.skipIf(skipped('duplicate-keys'))(title('duplicate-keys', 'counts duplicate keys at validation'), async () => {
      const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'dups' });
      await wh.loadChunk({ loadTable, table, file: file('d0.csv', [rows[0]!.csv, rows[1]!.csv]), chunkIndex: 0, lineage });
      await wh.loadChunk({ loadTable, table, file: file('d1.csv', [rows[0]!.csv, rows[2]!.csv]), chunkIndex: 1, lineage });
      expect(await wh.validateLoad({ loadTable, table })).toMatchObject({ rows: 4, duplicateKeys: 1 });
      // Not counted when the source enforces the key (the workflow then relies on count and checksum).
      expect(await wh.validateLoad({ loadTable, table, sourceEnforcesKey: true })).toMatchObject({ rows: 4, duplicateKeys: 0 });
      await wh.dropLoad({ loadTable });
    });

    it.skipIf(skipped('swap-atomic'))(title('swap-atomic', 'swaps a load in atomically: readers through the port see the old or the new table, never a gap; once only'), async () => {
      const first = await wh.prepareLoad({ domain, table, loadId: 'swap-1' });
      await wh.loadChunk({ loadTable: first.loadTable, table, file: file('s1.csv', [rows[0]!.csv]), chunkIndex: 0, lineage });
      expect(await wh.swapIn({ domain, table, loadTable: first.loadTable })).toEqual({ table: `raw_${domain}.booking`, alreadySwapped: false });

      const bigRows = 20_000;
      const big = file('s2.csv', Array.from({ length: bigRows }, (_, i) => `BIG ,${i},g${i},${i}.5,2024-01-01,2024-01-01 10:00:00,t,`));
      const second = await wh.prepareLoad({ domain, table, loadId: 'swap-2' });
      await wh.loadChunk({ loadTable: second.loadTable, table, file: big, chunkIndex: 0, lineage });

      const seen: number[] = [];
      let swapped = false;
      let readsAfterSwap = 0;
      let stop = false;
      const readLoop = (async () => {
        // Reads started after the swap returned must all see the new table.
        while (readsAfterSwap < 2 && !stop) {
          const startedAfterSwap = swapped;
          seen.push((await wh.tableStats({ domain, table })).rows);
          if (startedAfterSwap) readsAfterSwap += 1;
        }
      })();
      try {
        while (seen.length === 0) await new Promise((done) => setTimeout(done, 5));
        await wh.swapIn({ domain, table, loadTable: second.loadTable });
        swapped = true;
      } finally {
        stop = !swapped;
        await readLoop;
      }
      expect(seen.filter((n) => n !== 1 && n !== bigRows)).toEqual([]);
      expect(seen[0]).toBe(1);
      expect(seen.slice(-2)).toEqual([bigRows, bigRows]);

      expect(await wh.swapIn({ domain, table, loadTable: second.loadTable })).toEqual({ table: `raw_${domain}.booking`, alreadySwapped: true });
      await expect(wh.prepareLoad({ domain, table, loadId: 'swap-2' })).rejects.toThrow(/already swapped in/);
      expect((await wh.tableStats({ domain, table })).rows).toBe(bigRows);
    });

    it.skipIf(skipped('final-stats'))(title('final-stats', 'reports the live table with the same checksum as its validated load'), async () => {
      const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'final' });
      await wh.loadChunk({ loadTable, table, file: file('f.csv', rows.map((r) => r.csv)), chunkIndex: 0, lineage });
      const validated = await wh.validateLoad({ loadTable, table });
      await wh.swapIn({ domain, table, loadTable });
      expect(await wh.tableStats({ domain, table })).toEqual({ rows: 4, checksum: validated.checksum });
      await expect(wh.tableStats({ domain: `${domain}_nowhere`, table })).rejects.toThrow(new RegExp(`raw_${domain}_nowhere\\.booking does not exist`));
    });

    it.skipIf(skipped('record-backfill'))(title('record-backfill', 'records backfill runs once per load id and returns the latest'), async () => {
      const run = { domain, table: 'booking', loadId: 'final', rows: 4, checksum: '123', durationMs: 1500, sourcePosition: 'lsn:1' };
      await wh.recordBackfill(run);
      // A retried activity records the same run again: the record is replaced, not added.
      await wh.recordBackfill({ ...run, durationMs: 1600 });
      const last = await wh.lastBackfill({ domain, table: 'booking' });
      expect(last).toMatchObject({ ...run, durationMs: 1600 });
      expect(last!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(await wh.lastBackfill({ domain, table: 'other' })).toBeNull();
    });

    it.skipIf(skipped('resume'))(title('resume', 'resumes a load after the owner restarts without reloading finished chunks, and refuses a changed layout'), async () => {
      const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'resume' });
      const chunk = file('r0.csv', rows.slice(0, 3).map((r) => r.csv));
      await wh.loadChunk({ loadTable, table, file: chunk, chunkIndex: 0, lineage });
      await wh.close();
      wh = await target.open();
      expect(await wh.prepareLoad({ domain, table, loadId: 'resume' })).toEqual({ loadTable, existingRows: 3 });
      expect(await wh.loadChunk({ loadTable, table, file: chunk, chunkIndex: 0, lineage })).toEqual({ rows: 3, alreadyLoaded: true });
      const changed = { ...table, columns: table.columns.slice(0, 3) };
      await expect(wh.prepareLoad({ domain, table: changed, loadId: 'resume' })).rejects.toThrow(/differ from the contract/);
      await wh.dropLoad({ loadTable });
    });

    describe('change capture', () => {
      let batchNo = 0;
      let offset = 0;
      /** Each change: [id, status|null, amount|null, op, position]; offsets continue from the last batch. */
      async function apply(changes: Array<[number, string | null, string | null, string, number]>, consumer = 'c1') {
        const staged = join(dir, `batch-${batchNo++}.csv`);
        const first = offset;
        writeFileSync(staged, changes.map(([id, st, amt, op, p]) => `${id},${st ?? ''},${amt ?? ''},${op},${pos(p)},1700000000000,0,${offset++},\n`).join(''));
        return wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'db2', file: staged, consumer, offsets: [{ topic, partition: 0, nextOffset: String(first + changes.length) }] });
      }
      /** The live rows expected, as [id, status, amount]: compared by count and checksum through the port. */
      async function expectLive(live: Array<[number, string | null, string | null]>) {
        expect(await wh.tableStats({ domain, table: cdcTable })).toEqual({ rows: live.length, checksum: checksumOf(cdcTable, live) });
      }

      it.skipIf(skipped('cdc-newest-wins'))(title('cdc-newest-wins', 'inserts, updates by newest position, and deletes (kept as tombstones, not live)'), async () => {
        expect(await apply([[1, 'C', '10.00000000', 'c', 10], [2, 'C', '20.00000000', 'c', 11], [1, 'X', '11.00000000', 'u', 12]]))
          .toEqual({ changes: 3, alreadyApplied: false });
        await expectLive([[1, 'X', '11.00000000'], [2, 'C', '20.00000000']]);
        await apply([[2, null, null, 'd', 13]]);
        await expectLive([[1, 'X', '11.00000000']]);
      });

      it.skipIf(skipped('cdc-late-events'))(title('cdc-late-events', 'ignores events older than what a row holds, whatever order they come in: a deleted row stays deleted'), async () => {
        await apply([[2, 'C', '20.00000000', 'c', 11], [1, 'P', '1.00000000', 'u', 5]]);
        await expectLive([[1, 'X', '11.00000000']]);
      });

      it.skipIf(skipped('cdc-retry'))(title('cdc-retry', 'applies a batch exactly once: the same offsets again change nothing'), async () => {
        const staged = join(dir, 'again.csv');
        writeFileSync(staged, `9,C,9.00000000,c,${pos(99)},1700000000000,0,0,\n`);
        const again = await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'db2', file: staged, consumer: 'c1', offsets: [{ topic, partition: 0, nextOffset: '3' }] });
        expect(again).toEqual({ changes: 0, alreadyApplied: true });
        await expectLive([[1, 'X', '11.00000000']]);
        expect(await wh.consumerOffsets({ consumer: 'c1' })).toEqual([{ topic, partition: 0, nextOffset: String(offset) }]);
      });

      it.skipIf(skipped('cdc-truncate'))(title('cdc-truncate', 'applies a truncate to older rows and keeps later changes of the same batch'), async () => {
        await apply([[3, 'C', '3.00000000', 'c', 20], [0, null, null, 't', 21], [4, 'C', '4.00000000', 'c', 22]]);
        // Row 3 came before the truncate: it never shows; row 1 ends deleted; row 4 came after.
        await expectLive([[4, 'C', '4.00000000']]);
        // A late event from before the truncate does not bring a row back.
        await apply([[1, 'Z', '1.00000000', 'u', 15]]);
        await expectLive([[4, 'C', '4.00000000']]);
      });

      it.skipIf(skipped('consumer-offsets'))(title('consumer-offsets', 'stores offsets per consumer, topic and partition, with the changes'), async () => {
        expect(await wh.consumerOffsets({ consumer: `${domain}-new` })).toEqual([]);
        const staged = join(dir, 'p1.csv');
        writeFileSync(staged, `5,C,5.00000000,c,${pos(40)},1700000000000,1,7,\n`);
        const offsets = [{ topic, partition: 1, nextOffset: '8' }];
        expect(await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'db2', file: staged, consumer: 'c2', offsets })).toEqual({ changes: 1, alreadyApplied: false });
        expect(await wh.consumerOffsets({ consumer: 'c2' })).toEqual(offsets);
        const c1 = await wh.consumerOffsets({ consumer: 'c1' });
        expect(c1).toEqual([{ topic, partition: 0, nextOffset: String(offset) }]);
        // Partition 0 moves on for c2 too: both partitions are kept.
        const staged2 = join(dir, 'p0.csv');
        writeFileSync(staged2, `6,C,6.00000000,c,${pos(41)},1700000000000,0,3,\n`);
        await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'db2', file: staged2, consumer: 'c2', offsets: [{ topic, partition: 0, nextOffset: '4' }] });
        const sorted = (await wh.consumerOffsets({ consumer: 'c2' })).sort((a, b) => a.partition - b.partition);
        expect(sorted).toEqual([{ topic, partition: 0, nextOffset: '4' }, { topic, partition: 1, nextOffset: '8' }]);
        await expectLive([[4, 'C', '4.00000000'], [5, 'C', '5.00000000'], [6, 'C', '6.00000000']]);
      });
    });
  });
}
