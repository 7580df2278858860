import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChecksums, canonicalRowText, checksumColumnsOf, rowHash } from '../../core/checksum.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbWarehouse, duckDbStorageVersion, type DuckDbWarehouse } from './warehouse.js';

const table: TableContract = tableSchema.parse({
  name: 'booking',
  description: 'Bookings',
  source: { system: 'resdb', schema: 'RES', table: 'BOOKING' },
  primaryKey: ['RESORT', 'BOOKING_ID'],
  columns: [
    { name: 'RESORT', type: 'CHAR(4)' },
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'GUEST', type: 'VARCHAR(60)', nullable: true },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
    { name: 'ARRIVAL', type: 'DATE', nullable: true },
    { name: 'CREATED_AT', type: 'TIMESTAMP(6)', nullable: true },
    { name: 'PAID', type: 'BOOLEAN', nullable: true },
    { name: 'DOC', type: 'BLOB(100)', nullable: true },
  ],
});

/** Logical rows and their staged CSV lines (the format the port documents). */
const rows: { values: unknown[]; csv: string }[] = [
  { values: ['ALP ', 1n, 'Zoë Ñandú 北京 Ελλάδα', '12345678901234567890123.12345678', '2024-02-29', '2024-02-29 07:05:09.000123', 't', '\\x00ff10'],
    csv: 'ALP ,1,Zoë Ñandú 北京 Ελλάδα,12345678901234567890123.12345678,2024-02-29,2024-02-29 07:05:09.000123,t,\\x00ff10' },
  { values: ['ALP ', 2n, '', '-0.50000000', '1999-12-31', '1999-12-31 23:59:59.999999', 'f', '\\x'],
    csv: 'ALP ,2,"",-0.50000000,1999-12-31,1999-12-31 23:59:59.999999,f,\\x' },
  { values: ['SKI ', 1n, null, null, null, null, null, null], csv: 'SKI ,1,,,,,,' },
  { values: ['SKI ', 2n, 'say "hi",\nnew line', '0.00000000', '2000-01-01', '2000-01-01 00:00:00', 't', null],
    csv: 'SKI ,2,"say ""hi"",\nnew line",0.00000000,2000-01-01,2000-01-01 00:00:00,t,' },
];

const jsChecksum = (values: unknown[][]): string =>
  values.reduce<string>((sum, v) => addChecksums(sum, rowHash(canonicalRowText(checksumColumnsOf(table), v)).toString()), '0');

const lineage = { sourceSystem: 'resdb', loadId: 'load-1', sourcePosition: 'lsn:0/16B3748' };

describe('DuckDB warehouse', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  let dbPath: string;
  const file = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-wh-'));
    dbPath = join(dir, 'warehouse.duckdb');
    wh = await createDuckDbWarehouse({ path: dbPath });
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second owner of the same file in one process', async () => {
    await expect(createDuckDbWarehouse({ path: dbPath })).rejects.toThrow(/already open in this process/);
  });

  it('creates a new file in its storage format and opens an older file in the format it has', async () => {
    const storageOf = async (path: string): Promise<string> => {
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      const tags = (await connection.runAndReadAll('SELECT tags::VARCHAR FROM duckdb_databases() WHERE NOT internal')).getRows()[0]![0];
      connection.closeSync();
      instance.closeSync();
      return String(tags);
    };
    const fresh = join(dir, 'fresh.duckdb');
    await (await createDuckDbWarehouse({ path: fresh })).close();
    expect(await storageOf(fresh)).toContain(`storage_version=${duckDbStorageVersion}`);

    // A file DuckDB created with its defaults (v1.0 format) is not rewritten: older readers keep reading it.
    const older = join(dir, 'older.duckdb');
    const instance = await DuckDBInstance.create(older);
    (await instance.connect()).closeSync();
    instance.closeSync();
    const before = await storageOf(older);
    expect(before).not.toContain(duckDbStorageVersion);
    await (await createDuckDbWarehouse({ path: older })).close();
    expect(await storageOf(older)).toBe(before);
  });

  it('prepares a load table in raw_<domain>, with lineage columns, idempotently', async () => {
    const first = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'backfill:reservations.booking/run 1' });
    expect(first.loadTable).toMatch(/^raw_reservations\.booking__load_backfill_reservations_booking_r_[0-9a-f]{8}$/);
    expect(first.existingRows).toBe(0);
    const again = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'backfill:reservations.booking/run 1' });
    expect(again.loadTable).toBe(first.loadTable);
    const reader = await wh.connectReader();
    const cols = (await reader.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'raw_reservations'
      AND table_name = '${first.loadTable.split('.')[1]}' ORDER BY column_index`)).getRowsJS();
    expect(cols.map((c) => `${String(c[0])} ${String(c[1])}`)).toEqual([
      'RESORT VARCHAR', 'BOOKING_ID BIGINT', 'GUEST VARCHAR', 'AMOUNT DECIMAL(31,8)', 'ARRIVAL DATE', 'CREATED_AT TIMESTAMP',
      'PAID BOOLEAN', 'DOC BLOB', '_source_system VARCHAR', '_load_id VARCHAR', '_loaded_at TIMESTAMP', '_source_position VARCHAR',
    ]);
    const schemas = (await reader.runAndReadAll(`SELECT schema_name FROM duckdb_schemas() WHERE schema_name LIKE '%_reservations' ORDER BY 1`)).getRowsJS();
    expect(schemas.flat()).toEqual(['published_reservations', 'qualified_reservations', 'raw_reservations']);
    await wh.dropLoad({ loadTable: first.loadTable });
  });

  // Loading exactly once, NULL vs '', the shared checksum, rollback, swap, resume: the shared warehouse
  // contract (contract.test.ts). Here: what DuckDB stores, and readers of the file outside the write queue.
  it('stores values and every row\'s lineage', async () => {
    const { loadTable } = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'l1' });
    await wh.loadChunk({ loadTable, table, file: file('c0.csv', rows.slice(0, 2).map((r) => r.csv)), chunkIndex: 0, lineage });
    await wh.loadChunk({ loadTable, table, file: file('c1.csv', rows.slice(2).map((r) => r.csv)), chunkIndex: 1, lineage });
    expect(await wh.validateLoad({ loadTable, table })).toEqual({ rows: 4, checksum: jsChecksum(rows.map((r) => r.values)), duplicateKeys: 0 });

    // Every row carries the load's lineage.
    const reader = await wh.connectReader();
    const stored = (await reader.runAndReadAll(`SELECT RESORT, BOOKING_ID, GUEST, CAST(AMOUNT AS VARCHAR), lower(hex(DOC)), _source_system, _load_id, _source_position,
      _loaded_at IS NOT NULL FROM ${loadTable} ORDER BY RESORT, BOOKING_ID`)).getRowsJS();
    expect(stored).toEqual([
      ['ALP ', 1n, 'Zoë Ñandú 北京 Ελλάδα', '12345678901234567890123.12345678', '00ff10', 'resdb', 'load-1', 'lsn:0/16B3748', true],
      ['ALP ', 2n, '', '-0.50000000', '', 'resdb', 'load-1', 'lsn:0/16B3748', true],
      ['SKI ', 1n, null, null, null, 'resdb', 'load-1', 'lsn:0/16B3748', true],
      ['SKI ', 2n, 'say "hi",\nnew line', '0.00000000', null, 'resdb', 'load-1', 'lsn:0/16B3748', true],
    ]);
  });

  it('swaps a load in atomically while a concurrent reader sees the old or the new table, never a gap', async () => {
    const first = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'swap-1' });
    await wh.loadChunk({ loadTable: first.loadTable, table, file: file('s1.csv', [rows[0]!.csv]), chunkIndex: 0, lineage });
    expect(await wh.swapIn({ domain: 'reservations', table, loadTable: first.loadTable })).toEqual({ table: 'raw_reservations.booking', alreadySwapped: false });

    const big = file('s2.csv', Array.from({ length: 50_000 }, (_, i) => `BIG ,${i},g${i},${i}.5,2024-01-01,2024-01-01 10:00:00,t,`));
    const second = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'swap-2' });
    await wh.loadChunk({ loadTable: second.loadTable, table, file: big, chunkIndex: 0, lineage });

    const reader = await wh.connectReader();
    const seen: number[] = [];
    let swapped = false;
    let readsAfterSwap = 0;
    let stopReading = false;
    const readLoop = (async () => {
      // Reads started after the swap committed must all see the new table.
      while (readsAfterSwap < 3 && !stopReading) {
        const startedAfterSwap = swapped;
        const r = await reader.runAndReadAll('SELECT count(*) FROM raw_reservations.booking');
        seen.push(Number(r.getRowsJS()[0]![0]));
        if (startedAfterSwap) readsAfterSwap += 1;
      }
    })();
    try {
      await new Promise((done) => setTimeout(done, 20));
      await wh.swapIn({ domain: 'reservations', table, loadTable: second.loadTable });
      swapped = true;
    } finally {
      stopReading = !swapped;
      await readLoop;
    }
    expect(seen.filter((n) => n !== 1 && n !== 50_000)).toEqual([]);
    expect(seen[0]).toBe(1);
    expect(seen.slice(-3)).toEqual([50_000, 50_000, 50_000]);

    expect(await wh.swapIn({ domain: 'reservations', table, loadTable: second.loadTable })).toEqual({ table: 'raw_reservations.booking', alreadySwapped: true });
    await expect(wh.prepareLoad({ domain: 'reservations', table, loadId: 'swap-2' })).rejects.toThrow(/already swapped in/);
    const stats = await wh.tableStats({ domain: 'reservations', table });
    expect(stats.rows).toBe(50_000);
  });

  it('records a retried backfill run as one row of _factory.backfill_runs', async () => {
    const run = { domain: 'reservations', table: 'booking', loadId: 'final', rows: 4, checksum: '123', durationMs: 1500, sourcePosition: 'lsn:1' };
    await wh.recordBackfill(run);
    await wh.recordBackfill(run);
    const last = await wh.lastBackfill({ domain: 'reservations', table: 'booking' });
    expect(last).toMatchObject(run);
    expect(last!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const reader = await wh.connectReader();
    const count = (await reader.runAndReadAll(`SELECT count(*) FROM _factory.backfill_runs WHERE load_id = 'final'`)).getRowsJS();
    expect(Number(count[0]![0])).toBe(1);
    expect(await wh.lastBackfill({ domain: 'reservations', table: 'other' })).toBeNull();
  });
});
