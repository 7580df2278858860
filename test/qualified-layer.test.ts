import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { registry } from '../domains/index.js';
import { qualifiedColumns } from '../core/qualified/columns.js';
import { PortLoader } from './support/quality-fixture.js';

/**
 * The qualified layer of the declared domains on a real DuckDB warehouse file: raw tables loaded
 * through the warehouse port (backfill loads, then change capture deleting rows), the views built by
 * the port, read back with exact values for the edge rows.
 */

let dir: string;
let wh: DuckDbWarehouse;
let reader: DuckDBConnection;
let loader: PortLoader;

const backfill = (name: string, rows: Record<string, string | null>[]) => loader.backfill(name, rows);
const deleteByCapture = (name: string, keys: Record<string, string>[]) => loader.deleteByCapture(name, keys);

async function query(sql: string): Promise<(string | null)[][]> {
  return (await reader.runAndReadAll(sql)).getRowsJS().map((r) => r.map((v) => (v === null ? null : String(v))));
}

const ts = '2024-01-01 00:00:00';
const booking = (id: number, values: Record<string, string | null>) => ({
  BOOKING_ID: String(id), BOOKING_REF: `REF${String(id).padStart(7, '0')}`, CUSTOMER_ID: '1', CHANNEL_CODE: 'WEB', RESORT_CODE: 'ALP1',
  BOOK_DATE_NUM: '20240105', ARRIVAL_DATE: '2024-03-01', DEPARTURE_DATE: '2024-03-08', STATUS_CODE: 'C', CURRENCY_CODE: 'USD', TOTAL_AMOUNT: '100.00',
  CREATED_TS: ts, UPDATED_TS: ts, ...values,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factory-qualified-'));
  wh = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  reader = await wh.connectReader();
  loader = new PortLoader(wh, dir, registry);
  await backfill('reference.exchange_rate', [
    { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-01', RATE_TO_EUR: '0.90000000', RATE_SOURCE: 'ECB', LOADED_TS: ts },
    { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-10', RATE_TO_EUR: '0.80000000', RATE_SOURCE: 'ECB', LOADED_TS: ts },
    { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-20', RATE_TO_EUR: '0.25000000', RATE_SOURCE: 'BANK', LOADED_TS: ts },
    { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-31', RATE_TO_EUR: '0.50000000', RATE_SOURCE: 'ECB', LOADED_TS: ts },
  ]);
  // The manual treasury override of 2024-01-20 was withdrawn at the source.
  await deleteByCapture('reference.exchange_rate', [{ CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-20' }]);
  await backfill('reference.resort', [
    { RESORT_CODE: 'ALP1', RESORT_NAME: 'Alpenrose Saalbach', COUNTRY_CODE: 'AT', TIMEZONE_NAME: 'Europe/Vienna', BED_CAPACITY: '800', OPENING_DATE: '2001-12-01', CREATED_TS: ts, UPDATED_TS: ts },
    { RESORT_CODE: 'SKI ', RESORT_NAME: 'Ski Lodge', COUNTRY_CODE: 'CH', TIMEZONE_NAME: 'Europe/Zurich', BED_CAPACITY: '200', OPENING_DATE: '2010-12-01', CREATED_TS: ts, UPDATED_TS: ts },
  ]);
  await backfill('booking.booking', [
    booking(1, {}),
    booking(2, { BOOK_DATE_NUM: '0', STATUS_CODE: ' ', RESORT_CODE: 'SKI ' }),
    booking(3, { BOOK_DATE_NUM: '99999999', STATUS_CODE: 'Q', CHANNEL_CODE: 'ZZZ', CURRENCY_CODE: 'EUR', TOTAL_AMOUNT: '50.00' }),
    booking(4, { BOOK_DATE_NUM: '20230230', CHANNEL_CODE: 'AG ', CURRENCY_CODE: 'GBP' }),
    booking(5, { STATUS_CODE: 'X' }),
    booking(6, { BOOK_DATE_NUM: '20240215', TOTAL_AMOUNT: '10.05' }),
    booking(7, { BOOK_DATE_NUM: '20240125', STATUS_CODE: 'T' }),
  ]);
  await deleteByCapture('booking.booking', [{ BOOKING_ID: '5' }]);
});

afterAll(async () => {
  await wh?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('qualified layer on the DuckDB warehouse', () => {
  it('skips a table until the tables its rules read are loaded, naming them, and skips tables never loaded', async () => {
    const result = await wh.buildQualifiedLayer({ domain: 'booking', tables: [...registry.domain('booking').tables] });
    expect(result.views).toEqual([]);
    expect(result.skipped).toEqual([
      { table: 'booking.booking', reason: 'its business rules read distribution.channel: raw table raw_distribution.channel does not exist (not backfilled or captured yet)' },
      { table: 'booking.booking_line', reason: 'raw table raw_booking.booking_line does not exist (not backfilled or captured yet)' },
      { table: 'booking.booking_guest', reason: 'raw table raw_booking.booking_guest does not exist (not backfilled or captured yet)' },
      { table: 'booking.booking_status_history', reason: 'raw table raw_booking.booking_status_history does not exist (not backfilled or captured yet)' },
    ]);
    expect(await query(`SELECT count(*) FROM duckdb_views() WHERE schema_name = 'qualified_booking'`)).toEqual([['0']]);
  });

  it('builds the view once they are, with every live raw row and the derived columns', async () => {
    await backfill('distribution.channel', [
      { CHANNEL_CODE: 'WEB', CHANNEL_NAME: 'Website', CHANNEL_TYPE: 'D', DEFAULT_COMMISSION_PCT: '0.00', CREATED_TS: ts, UPDATED_TS: ts },
      { CHANNEL_CODE: 'AG ', CHANNEL_NAME: 'Agencies', CHANNEL_TYPE: 'A', DEFAULT_COMMISSION_PCT: '12.50', CREATED_TS: ts, UPDATED_TS: ts },
    ]);
    const result = await wh.buildQualifiedLayer({ domain: 'booking', tables: [registry.table('booking.booking')] });
    expect(result).toMatchObject({ domain: 'booking', skipped: [], views: [{ table: 'booking.booking', view: 'qualified_booking.booking', tombstoneFilter: true }] });
    expect(await query('SELECT count(*), count(DISTINCT "BOOKING_ID") FROM qualified_booking.booking')).toEqual([['6', '6']]);
  });

  it('decodes legacy dates and labels codes: 00000000, 99999999, impossible dates, blank and unknown codes, CHAR padding', async () => {
    expect(await query(`SELECT "BOOKING_ID", CAST("BOOK_DATE" AS VARCHAR), "STATUS_CODE", "STATUS_LABEL", "CHANNEL_CODE", "CHANNEL_NAME", "RESORT_CODE", "RESORT_NAME"
      FROM qualified_booking.booking ORDER BY 1`)).toEqual([
      ['1', '2024-01-05', 'C', 'confirmed', 'WEB', 'Website', 'ALP1', 'Alpenrose Saalbach'],
      ['2', null, '', null, 'WEB', 'Website', 'SKI', 'Ski Lodge'],
      ['3', null, 'Q', 'UNKNOWN', 'ZZZ', null, 'ALP1', 'Alpenrose Saalbach'],
      ['4', null, 'C', 'confirmed', 'AG', 'Agencies', 'ALP1', 'Alpenrose Saalbach'],
      ['6', '2024-02-15', 'C', 'confirmed', 'WEB', 'Website', 'ALP1', 'Alpenrose Saalbach'],
      ['7', '2024-01-25', 'T', 'travelled', 'WEB', 'Website', 'ALP1', 'Alpenrose Saalbach'],
    ]);
  });

  it('converts totals to EUR at the rate of the booking day, skipping deleted rates; no rate, no amount', async () => {
    expect(await query('SELECT "BOOKING_ID", "CURRENCY_CODE", CAST("TOTAL_AMOUNT" AS VARCHAR), CAST("TOTAL_AMOUNT_EUR" AS VARCHAR) FROM qualified_booking.booking ORDER BY 1')).toEqual([
      ['1', 'USD', '100.00', '90.00'],
      ['2', 'USD', '100.00', null], // date 0: no day, no rate
      ['3', 'EUR', '50.00', '50.00'],
      ['4', 'GBP', '100.00', null], // no GBP rates (and no valid date)
      ['6', 'USD', '10.05', '5.03'], // after the newest rate: 10.05 × 0.5 = 5.025, half away from zero
      ['7', 'USD', '100.00', '80.00'], // the 2024-01-20 rate was deleted: 2024-01-10 applies
    ]);
  });

  it('keeps lineage for tracing but not the load and capture bookkeeping', async () => {
    const columns = (await query(`SELECT column_name FROM duckdb_columns() WHERE schema_name = 'qualified_booking' AND table_name = 'booking' ORDER BY column_index`)).map((r) => r[0]);
    expect(columns.slice(-8)).toEqual(['UPDATED_TS', 'BOOK_DATE', 'STATUS_LABEL', 'CHANNEL_NAME', 'RESORT_NAME', 'TOTAL_AMOUNT_EUR', '_source_position', '_loaded_at']);
    expect(columns).toHaveLength(registry.table('booking.booking').columns.length + 7);
    expect(columns).not.toContain('_deleted');
    expect(columns).not.toContain('_load_id');
  });

  it('rebuilds idempotently, and drops the view of a table whose raw table no longer fits its contract', async () => {
    const again = await wh.buildQualifiedLayer({ domain: 'booking', tables: [registry.table('booking.booking')] });
    expect(again.views.map((v) => v.view)).toEqual(['qualified_booking.booking']);
    // A contract that declares a column the raw table does not have yet (not backfilled since).
    const grown = { ...registry.table('booking.booking'), columns: [...registry.table('booking.booking').columns, { ...registry.table('booking.booking').columns[0]!, name: 'LOYALTY_ID' }] };
    const result = await wh.buildQualifiedLayer({ domain: 'booking', tables: [grown] });
    expect(result.skipped).toEqual([{ table: 'booking.booking', reason: 'raw table raw_booking.booking lacks column(s) LOYALTY_ID of the contract (backfill it again)' }]);
    expect(await query(`SELECT count(*) FROM duckdb_views() WHERE schema_name = 'qualified_booking'`)).toEqual([['0']]);
  });

  it('builds plain views for tables without rules, leaving rows deleted by capture out', async () => {
    const result = await wh.buildQualifiedLayer({ domain: 'reference', tables: [...registry.domain('reference').tables] });
    expect(result.views.map((v) => v.table)).toEqual(['reference.exchange_rate', 'reference.resort']);
    expect(result.skipped.map((s) => s.table)).toEqual(['reference.currency', 'reference.country', 'reference.language']);
    expect(await query(`SELECT "CURRENCY_CODE", CAST("RATE_DATE" AS VARCHAR), CAST("RATE_TO_EUR" AS VARCHAR) FROM qualified_reference.exchange_rate ORDER BY 2`)).toEqual([
      ['USD', '2024-01-01', '0.90000000'], ['USD', '2024-01-10', '0.80000000'], ['USD', '2024-01-31', '0.50000000'],
    ]);
  });
});

describe('qualified layer of every declared domain', () => {
  it('binds a view for each table of each domain once the raw tables exist (empty loads)', async () => {
    const own = mkdtempSync(join(tmpdir(), 'factory-qualified-all-'));
    const all = await createDuckDbWarehouse({ path: join(own, 'warehouse.duckdb') });
    try {
      for (const { domain, table } of registry.allTables()) {
        const { loadTable } = await all.prepareLoad({ domain: domain.name, table, loadId: 'empty' });
        await all.validateLoad({ loadTable, table });
        await all.swapIn({ domain: domain.name, table, loadTable });
      }
      for (const domain of registry.domains) {
        const result = await all.buildQualifiedLayer({ domain: domain.name, tables: [...domain.tables] });
        expect(result.skipped, JSON.stringify(result.skipped)).toEqual([]);
        expect(result.views.map((v) => v.table)).toEqual(domain.tables.map((t) => `${domain.name}.${t.name}`));
      }
      const views = await all.connectReader();
      const counted = (await views.runAndReadAll(`SELECT count(*) FROM duckdb_views() WHERE schema_name LIKE 'qualified\\_%' ESCAPE '\\'`)).getRowsJS();
      expect(Number(counted[0]![0])).toBe(registry.allTables().length);
      for (const { domain, table } of registry.allTables()) {
        expect((await views.runAndReadAll(`SELECT * FROM qualified_${domain.name}."${table.name}"`)).getRowsJS()).toEqual([]);
        // The columns a publication describes to the catalog are the view's, in its order.
        const viewColumns = (await views.runAndReadAll(
          `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'qualified_${domain.name}' AND table_name = '${table.name}' ORDER BY column_index`,
        )).getRowsJS().map((r) => String(r[0])).filter((c) => !c.startsWith('_'));
        expect(viewColumns).toEqual(qualifiedColumns(table, (ref) => registry.table(ref)).map((c) => c.name));
      }
    } finally {
      await all.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
