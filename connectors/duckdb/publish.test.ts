import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductVersionTables } from '../warehouse/publish-port.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

// Real DuckDB in process. The raw and qualified tables are set up through a reader connection of the
// same instance, standing in for a backfill and the qualified layer.
describe('DuckDB publication: snapshots and atomic promotion', () => {
  let warehouse: DuckDbWarehouse;
  let reader: DuckDBConnection;
  const read = async (sql: string) => (await reader.runAndReadAll(sql)).getRowsJS();

  beforeAll(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    reader = await warehouse.connectReader();
    await reader.run(`CREATE SCHEMA raw_booking; CREATE SCHEMA qualified_booking; CREATE SCHEMA raw_customer`);
    // booking: raw with tombstones from change capture and a qualified view leaving them out.
    await reader.run(`CREATE TABLE raw_booking.booking ("BOOKING_ID" BIGINT, "CHANNEL" VARCHAR, "_loaded_at" TIMESTAMP, "_deleted" BOOLEAN)`);
    await reader.run(`INSERT INTO raw_booking.booking VALUES (1, 'WEB ', now(), false), (2, 'CC  ', now(), false), (3, 'WEB ', now(), true)`);
    await reader.run(`CREATE VIEW qualified_booking.booking AS SELECT "BOOKING_ID", rtrim("CHANNEL") AS "CHANNEL", "_loaded_at" FROM raw_booking.booking WHERE NOT "_deleted"`);
    // customer: raw only (no qualified view yet), tombstones too.
    await reader.run(`CREATE TABLE raw_customer.customer ("CUSTOMER_ID" BIGINT, "LAST_NAME" VARCHAR, "_source_position" VARCHAR, "_deleted" BOOLEAN)`);
    await reader.run(`INSERT INTO raw_customer.customer VALUES (10, 'A', '0/1', false), (11, 'B', '0/2', true), (12, NULL, '0/3', NULL)`);
  });
  afterAll(async () => {
    await warehouse?.close();
  });

  const version = (v: number, tables = [{ domain: 'booking', table: 'booking' }, { domain: 'customer', table: 'customer' }]): ProductVersionTables =>
    ({ domain: 'booking', product: 'bookings', version: v, tables });

  it('snapshots from the qualified view when there is one, else from raw live rows, without lineage columns', async () => {
    const snap = await warehouse.snapshotProduct(version(1));
    expect(snap.alreadyTaken).toBe(false);
    expect(snap.tables.map(({ table, snapshot, from, rows }) => ({ table, snapshot, from, rows }))).toEqual([
      { table: 'booking.booking', snapshot: 'published_booking.bookings__booking__v1', from: 'qualified_booking.booking', rows: 2 },
      { table: 'customer.customer', snapshot: 'published_booking.bookings__customer__v1', from: 'raw_customer.customer', rows: 2 },
    ]);
    expect(await read('SELECT * FROM published_booking.bookings__booking__v1 ORDER BY 1')).toEqual([[1n, 'WEB'], [2n, 'CC']]);
    expect(await read('SELECT * FROM published_booking.bookings__customer__v1 ORDER BY 1')).toEqual([[10n, 'A'], [12n, null]]);
    // A retried call copies nothing and answers the same.
    expect(await warehouse.snapshotProduct(version(1))).toEqual({ tables: snap.tables, alreadyTaken: true });
  });

  it('repoints every view to the approved version in one transaction, serving exactly the snapshot', async () => {
    const snap = await warehouse.snapshotProduct(version(1));
    const promoted = await warehouse.promoteProduct(version(1));
    expect(promoted.previousVersion).toBeNull();
    expect(promoted.views).toEqual(snap.tables.map((t) => ({
      table: t.table, view: t.snapshot.replace(/__v1$/, ''), rows: t.rows, checksum: t.checksum,
    })));

    // The source moves on; version 2 is snapshotted while readers keep seeing version 1.
    await reader.run(`INSERT INTO raw_booking.booking VALUES (4, 'AGT ', now(), false)`);
    await warehouse.snapshotProduct(version(2));
    expect(await read('SELECT count(*) FROM published_booking.bookings__booking')).toEqual([[2n]]);
    const second = await warehouse.promoteProduct(version(2));
    expect(second.previousVersion).toBe(1);
    expect(await read('SELECT count(*) FROM published_booking.bookings__booking')).toEqual([[3n]]);
    expect(await warehouse.publishedProduct({ domain: 'booking', product: 'bookings' })).toEqual({ version: 2, views: second.views });
  });

  it('drops the view of a table that left the product, and refuses a version without snapshots', async () => {
    await warehouse.snapshotProduct(version(3, [{ domain: 'booking', table: 'booking' }]));
    const third = await warehouse.promoteProduct(version(3, [{ domain: 'booking', table: 'booking' }]));
    expect(third.droppedViews).toEqual(['published_booking.bookings__customer']);
    expect(await read(`SELECT count(*) FROM duckdb_views() WHERE schema_name = 'published_booking' AND view_name = 'bookings__customer'`)).toEqual([[0n]]);
    await expect(warehouse.promoteProduct(version(9))).rejects.toThrow(
      'product booking.bookings v9: no snapshot of booking.booking (expected published_booking.bookings__booking__v9); build the candidate again');
    // The failed promotion changed nothing.
    expect((await warehouse.publishedProduct({ domain: 'booking', product: 'bookings' })).version).toBe(3);
  });

  it('drops the snapshots of a version that was not published, never those of the published one', async () => {
    await warehouse.snapshotProduct(version(4, [{ domain: 'booking', table: 'booking' }]));
    expect(await warehouse.dropSnapshot(version(4, [{ domain: 'booking', table: 'booking' }]))).toEqual({ dropped: ['published_booking.bookings__booking__v4'] });
    expect(await warehouse.dropSnapshot(version(3, [{ domain: 'booking', table: 'booking' }]))).toEqual({ dropped: [] });
    expect(await read('SELECT count(*) FROM published_booking.bookings__booking')).toEqual([[3n]]);
  });

  it('names a table that has no data yet', async () => {
    await expect(warehouse.snapshotProduct(version(5, [{ domain: 'booking', table: 'booking_line' }]))).rejects.toThrow(
      'product booking.bookings: cannot snapshot booking.booking_line: neither qualified_booking.booking_line nor raw_booking.booking_line exists (backfill the table first)');
  });
});
