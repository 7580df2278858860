import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaSql, createTableSql } from '../cli/source/ddl.js';
import { createServingReads, NotServedError, ReadRefusedError, type Row, type ServingReads } from '../connectors/serving-store/reads.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import type { TableContract } from '../contracts/contract.js';
import { parseAccessRole } from '../core/access/policy.js';
import { erasurePlan } from '../core/erasure/plan.js';
import { InvalidInputError } from '../core/errors.js';
import { keyedHash } from '../core/keyed-hash.js';
import { dataSubjects, registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { createScratchDatabase, sourceStats } from './support/postgres.js';
import { pgPos, writeBatch, writeChunk, type TestChange, type Values } from './support/serving.js';

/**
 * The serving store on the stack's PostgreSQL, with the declared contracts and access policy: a
 * backfill and change batches keep it equal to a source table that takes the same changes (count
 * and checksum), positions make every write idempotent and order-proof, erasure sticks, and reads
 * return only what each role may see.
 */

const baseUrl = process.env.FACTORY_CATALOG_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_catalog';
const key = new Uint8Array(Buffer.from('serving-store-test-pseudonym-key!', 'utf8'));
const domains = registry.domains.map((d) => d.name);
const role = (r: string) => parseAccessRole(r, domains);
const t = (qualified: string): TableContract => registry.table(qualified);

const customers: Values[] = [
  { CUSTOMER_ID: '1', FIRST_NAME: 'Anna', LAST_NAME: 'Berg', STATUS_CODE: 'A' },
  { CUSTOMER_ID: '2', FIRST_NAME: 'Bob', LAST_NAME: 'Carr', STATUS_CODE: 'A' },
  { CUSTOMER_ID: '3', FIRST_NAME: 'Cleo', LAST_NAME: 'Dunn', STATUS_CODE: 'A' },
];
const bookings: Values[] = [
  { BOOKING_ID: '100', BOOKING_REF: 'ALPS000100', CUSTOMER_ID: '1', AGENCY_ID: '101', STATUS_CODE: 'C', ARRIVAL_DATE: '2026-07-01', TOTAL_AMOUNT: '1200.50' },
  { BOOKING_ID: '101', BOOKING_REF: 'ALPS000101', CUSTOMER_ID: '1', AGENCY_ID: null, STATUS_CODE: 'C', ARRIVAL_DATE: '2026-08-01', TOTAL_AMOUNT: '800.00' },
  { BOOKING_ID: '102', BOOKING_REF: 'ALPS000102', CUSTOMER_ID: '2', AGENCY_ID: '102', STATUS_CODE: 'O', ARRIVAL_DATE: '2026-09-01', TOTAL_AMOUNT: '99.99' },
  { BOOKING_ID: '103', BOOKING_REF: 'ALPS000103', CUSTOMER_ID: '1', AGENCY_ID: '101', STATUS_CODE: 'X', ARRIVAL_DATE: '2026-05-01', TOTAL_AMOUNT: '10.00' },
];
const fixtures: Record<string, Values[]> = {
  'customer.customer': customers,
  'customer.customer_contact': [{ CONTACT_ID: '10', CUSTOMER_ID: '1', CONTACT_TYPE: 'E', CONTACT_VALUE: 'anna@example.org', PREFERRED_FLAG: 'Y' }],
  'booking.booking': bookings,
  'payment.payment': [{ PAYMENT_ID: '500', BOOKING_ID: '100', PAYMENT_METHOD: 'CC', AMOUNT: '1200.50', CARD_TOKEN: 'tok_anna', STATUS_CODE: 'S' }],
  'marketing.consent': [{ CUSTOMER_ID: '1', PURPOSE_CODE: 'NEWS', GRANTED_FLAG: 'Y' }],
  'customer_service.service_case': [
    { CASE_ID: '900', CUSTOMER_ID: '1', BOOKING_ID: '100', STATUS: 'open', OPENED_TS: '2026-06-01 10:00:00' },
    { CASE_ID: '901', CUSTOMER_ID: '1', BOOKING_ID: '101', STATUS: 'closed', OPENED_TS: '2026-05-01 10:00:00' },
  ],
};

describe('serving store on PostgreSQL', () => {
  let dir: string;
  let scratch: { url: string; drop: () => Promise<void> };
  let store: ServingStore;
  let reads: ServingReads;
  let source: pg.Client;

  /** The same staged file into the stand-in source table, so the store can be compared with it. */
  async function copyToSource(table: TableContract, file: string): Promise<void> {
    await pipeline(createReadStream(file), source.query(copyStreams.from(`COPY "${table.source.schema}"."${table.source.table}" FROM STDIN (FORMAT csv)`)));
  }
  const stats = (qualified: string) => store.tableStats({ domain: qualified.split('.')[0]!, table: t(qualified) });
  const apply = (qualified: string, name: string, changes: TestChange[]) =>
    store.applyChanges({ domain: qualified.split('.')[0]!, table: t(qualified), file: writeBatch(dir, name, t(qualified), changes) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serving-store-'));
    scratch = await createScratchDatabase(baseUrl, `serving_store_test_${process.pid}`);
    store = await openServingStore({ url: scratch.url, served: servedTables(registry.domains), maxConnections: 4 });
    reads = createServingReads({ store, access: accessContextOf(registry), pseudonymKey: key });
    source = new pg.Client({ connectionString: scratch.url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
    await source.connect();
    for (const [qualified, rows] of Object.entries(fixtures)) {
      const table = t(qualified);
      await source.query(createSchemaSql(table.source.schema));
      await source.query(createTableSql(table));
      const file = writeChunk(dir, `${qualified}.csv`, table, rows);
      await copyToSource(table, file);
      expect(await store.loadChunk({ domain: qualified.split('.')[0]!, table, file, loadId: 'load1', sourcePosition: pgPos(10, 0).replace(/:1$/, ':0') })).toEqual({ rows: rows.length });
      await store.finishLoad({ domain: qualified.split('.')[0]!, table, loadId: 'load1', sourcePosition: pgPos(10, 0).replace(/:1$/, ':0') });
    }
  });

  afterAll(async () => {
    await source?.end();
    await store?.close();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds what the source holds after a backfill: count and checksum per table', async () => {
    for (const qualified of Object.keys(fixtures)) {
      expect(await stats(qualified), qualified).toEqual(await sourceStats(source, t(qualified)));
    }
  });

  it('applies changes by position: a replayed or older change never regresses a row, a delete stays deleted', async () => {
    const booking = t('booking.booking');
    const cancel: TestChange = { op: 'u', position: pgPos(20), values: { ...bookings[1]!, STATUS_CODE: 'X' } };
    await apply('booking.booking', 'b1.csv', [cancel]);
    await source.query(`UPDATE "${booking.source.schema}"."${booking.source.table}" SET "STATUS_CODE" = 'X' WHERE "BOOKING_ID" = 101`);
    const after = await stats('booking.booking');
    expect(after).toEqual(await sourceStats(source, booking));
    // The same batch again, then an older state of the same key: nothing changes.
    await apply('booking.booking', 'b1-again.csv', [cancel]);
    await apply('booking.booking', 'b-older.csv', [{ op: 'u', position: pgPos(15), values: { ...bookings[1]!, STATUS_CODE: 'O' } }]);
    expect(await stats('booking.booking')).toEqual(after);
    // A delete, then an update from before it replayed: the row stays deleted.
    await apply('booking.booking', 'b-del.csv', [{ op: 'd', position: pgPos(22), values: { BOOKING_ID: '103' } }]);
    await apply('booking.booking', 'b-late.csv', [{ op: 'u', position: pgPos(21), values: { ...bookings[3]!, STATUS_CODE: 'C' } }]);
    await source.query(`DELETE FROM "${booking.source.schema}"."${booking.source.table}" WHERE "BOOKING_ID" = 103`);
    expect(await stats('booking.booking')).toEqual(await sourceStats(source, booking));
    expect((await stats('booking.booking')).rows).toBe(3);
  });

  it('keeps the newest change of a key within one batch', async () => {
    const customer = t('customer.customer');
    await apply('customer.customer', 'c1.csv', [
      { op: 'u', position: pgPos(31, 2), values: { ...customers[1]!, LAST_NAME: 'Carr-Second' } },
      { op: 'u', position: pgPos(31, 1), values: { ...customers[1]!, LAST_NAME: 'Carr-First' } },
    ]);
    await source.query(`UPDATE "${customer.source.schema}"."${customer.source.table}" SET "LAST_NAME" = 'Carr-Second' WHERE "CUSTOMER_ID" = 2`);
    expect(await stats('customer.customer')).toEqual(await sourceStats(source, customer));
  });

  it('a later backfill tombstones rows the source no longer has and keeps changes newer than it', async () => {
    const customer = t('customer.customer');
    // Customer 3 is gone at the source; customer 2 changed (position 40) after the new backfill's position 35.
    await apply('customer.customer', 'c2.csv', [{ op: 'u', position: pgPos(40), values: { ...customers[1]!, LAST_NAME: 'Carr-Newest' } }]);
    await source.query(`DELETE FROM "${customer.source.schema}"."${customer.source.table}" WHERE "CUSTOMER_ID" = 3`);
    await source.query(`UPDATE "${customer.source.schema}"."${customer.source.table}" SET "LAST_NAME" = 'Carr-Newest' WHERE "CUSTOMER_ID" = 2`);
    const file = writeChunk(dir, 'c-load2.csv', customer, [customers[0]!, { ...customers[1]!, LAST_NAME: 'Carr-Second' }]);
    const at = pgPos(35).replace(/:1$/, ':0');
    await store.loadChunk({ domain: 'customer', table: customer, file, loadId: 'load2', sourcePosition: at });
    expect(await store.finishLoad({ domain: 'customer', table: customer, loadId: 'load2', sourcePosition: at })).toEqual({ swept: 1 });
    // Idempotent: a retried finish sweeps nothing more.
    expect(await store.finishLoad({ domain: 'customer', table: customer, loadId: 'load2', sourcePosition: at })).toEqual({ swept: 1 });
    expect(await stats('customer.customer')).toEqual(await sourceStats(source, customer));
  });

  it('customer-360 for the call centre: customer, active bookings, open cases, consents; payments refused by the policy', async () => {
    const view = await reads.customer360('1', role('callcentre'));
    expect(view.found).toBe(true);
    expect(view.customer).toMatchObject({ readable: true, rows: [{ CUSTOMER_ID: '1', FIRST_NAME: 'Anna', LAST_NAME: 'Berg' }] });
    expect(view.contacts).toMatchObject({ readable: true, rows: [{ CONTACT_VALUE: 'anna@example.org' }] });
    // 101 was cancelled by a change, 103 deleted: only 100 is active.
    expect(rowsOf(view.bookings).map((r) => r.BOOKING_ID)).toEqual(['100']);
    expect(rowsOf(view.bookings)[0]).toMatchObject({ TOTAL_AMOUNT: '1200.50', ARRIVAL_DATE: '2026-07-01' });
    expect(view.payments).toEqual({ product: 'payment.payments', table: 'payment.payment', readable: false, reason: 'role callcentre may not read product payment.payments' });
    expect(rowsOf(view.cases).map((r) => r.CASE_ID)).toEqual(['900']);
    expect(rowsOf(view.consents)).toMatchObject([{ PURPOSE_CODE: 'NEWS', GRANTED_FLAG: 'Y' }]);
    expect(view.personalClear).toEqual(expect.arrayContaining(['customer.customer.FIRST_NAME', 'customer.customer_contact.CONTACT_VALUE']));
    expect(JSON.stringify(view)).not.toContain('tok_anna');
  });

  it('an agency sees only its own bookings and the customers they reach, without hidden classes', async () => {
    const agency = role('agency:101');
    const page = await reads.readTable('booking', 'bookings', 'booking', {}, agency);
    expect(page.rows.map((r) => [r.BOOKING_ID, r.AGENCY_ID])).toEqual([['100', 101]]);
    const own = await reads.customer360('1', agency);
    expect(own.found).toBe(true);
    expect(rowsOf(own.bookings).map((r) => r.BOOKING_ID)).toEqual(['100']);
    // Identity and contact classes reach agencies masked: the name to its initial, the e-mail partly.
    expect(rowsOf(own.customer)).toMatchObject([{ FIRST_NAME: 'A***', LAST_NAME: 'B***' }]);
    expect(rowsOf(own.contacts)).toMatchObject([{ CONTACT_VALUE: 'a***@example.org' }]);
    expect(own.personalClear).toEqual([]);
    expect(own.cases.readable).toBe(false);
    // Customer 2 booked through agency 102 only: agency 101 does not see them at all.
    const other = await reads.customer360('2', agency);
    expect(other.found).toBe(false);
    expect(rowsOf(other.bookings)).toEqual([]);
    await expect(reads.readTable('payment', 'payments', 'payment', {}, agency)).rejects.toThrow(ReadRefusedError);
    const preferences = await reads.readTable('customer', 'customer_profile', 'customer_preference', {}, agency);
    expect(preferences.columns).not.toContain('DIETARY_NOTE');
  });

  it('an analyst reads identities pseudonymised with the warehouse\'s keyed hash and contacts masked; filters only on clear columns', async () => {
    const analyst = role('analyst');
    const page = await reads.readTable('customer', 'customer_profile', 'customer', { filters: { CUSTOMER_ID: '1' } }, analyst);
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({ CUSTOMER_ID: '1', FIRST_NAME: keyedHash(key, 'Anna'), LAST_NAME: keyedHash(key, 'Berg') });
    expect(page.personalClear).toEqual([]);
    const contacts = await reads.readTable('customer', 'customer_profile', 'customer_contact', {}, analyst);
    expect(contacts.rows[0]).toMatchObject({ CONTACT_VALUE: 'a***@example.org' });
    const payments = await reads.readTable('payment', 'payments', 'payment', {}, analyst);
    expect(payments.columns).not.toContain('CARD_TOKEN');
    expect(payments.rows).toMatchObject([{ PAYMENT_ID: '500', AMOUNT: '1200.50' }]);
    await expect(reads.readTable('customer', 'customer_profile', 'customer', { filters: { LAST_NAME: 'Berg' } }, analyst))
      .rejects.toThrow('filter LAST_NAME: role analyst reads customer.customer.LAST_NAME pseudonymised; filters are allowed on columns read in clear only');
    await expect(reads.readTable('customer', 'customer_profile', 'customer', { filters: { CUSTOMER_ID: 'x' } }, analyst)).rejects.toThrow(InvalidInputError);
    await expect(reads.readTable('product', 'product_catalogue', 'product', {}, analyst)).rejects.toThrow(NotServedError);
  });

  it('pages by key', async () => {
    const admin = role('admin');
    const first = await reads.readTable('booking', 'bookings', 'booking', { limit: 1 }, admin);
    expect(first.rows.map((r) => r.BOOKING_ID)).toEqual(['100']);
    const second = await reads.readTable('booking', 'bookings', 'booking', { limit: 1, after: first.next! }, admin);
    expect(second.rows.map((r) => r.BOOKING_ID)).toEqual(['101']);
    const third = await reads.readTable('booking', 'bookings', 'booking', { limit: 1, after: second.next! }, admin);
    expect(third.rows.map((r) => r.BOOKING_ID)).toEqual(['102']);
    expect(third.next).toBeNull();
    await expect(reads.readTable('booking', 'bookings', 'booking', { after: 'bm90LWEtY3Vyc29y' }, admin)).rejects.toThrow('after: not a cursor of this table');
  });

  it('erases a subject from every served table it reaches, and a replayed change does not bring it back', async () => {
    const subject = dataSubjects.find((s) => s.name === 'customer')!;
    const plan = erasurePlan(subject, (ref) => registry.table(ref));
    const contracts = Object.fromEntries(registry.allTables().map(({ domain, table }) => [`${domain.name}.${table.name}`, table]));
    const erased = await store.eraseSubject({ plan, id: '1', contracts });
    const rowsIn = (table: string) => erased.tables.find((e) => e.table === table)?.rows;
    expect(rowsIn('customer.customer')).toBe(1);
    // 100 and 101; 103 was deleted at the source already (its tombstone keeps the key only).
    expect(rowsIn('booking.booking')).toBe(2);
    expect(rowsIn('payment.payment')).toBe(1);
    expect(rowsIn('customer_service.service_case')).toBe(2);
    await apply('customer.customer', 'c-replay.csv', [{ op: 'u', position: pgPos(90), values: customers[0]! }]);
    const view = await reads.customer360('1', role('admin'));
    expect(view.found).toBe(false);
    expect(rowsOf(view.bookings)).toEqual([]);
    // The anonymised payment stays, without its card token.
    const payments = await reads.readTable('payment', 'payments', 'payment', {}, role('admin'));
    expect(payments.rows).toMatchObject([{ PAYMENT_ID: '500', CARD_TOKEN: null }]);
    expect((await stats('customer.customer')).rows).toBe(1);
  });
});

function rowsOf(section: { readable: boolean; rows?: Row[] }): Row[] {
  if (!section.readable || !section.rows) throw new Error('section not readable');
  return section.rows;
}
