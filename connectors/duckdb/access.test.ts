import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRoles } from '../../core/access/policy.js';
import { planProductAccess } from '../../core/access/plan.js';
import { keyedHash } from '../../core/keyed-hash.js';
import { duckdb, qualified } from '../../core/sql/duckdb.js';
import { standardLiteral } from '../../core/sql/standard.js';
import { registry } from '../../domains/index.js';
import { accessContextOf, resolveProduct } from '../../domains/products.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

/**
 * Secured views on a real DuckDB, from the declared access policy and contracts: raw tables written
 * directly (standing in for a backfill), the qualified layer and the publication of three products
 * by the adapter itself, then each role's views queried.
 */

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) % 256);
type Row = Record<string, string | number | null>;

const fixture: Record<string, Row[]> = {
  'distribution.agency': [{ AGENCY_ID: 101, AGENCY_NAME: 'Alpine Travel' }, { AGENCY_ID: 102, AGENCY_NAME: 'Sunseekers' }],
  'distribution.channel': [{ CHANNEL_CODE: 'AGY', CHANNEL_NAME: 'Agencies' }],
  'reference.resort': [], 'reference.exchange_rate': [], 'reference.country': [], 'reference.language': [], 'reference.currency': [],
  'customer.customer': [
    { CUSTOMER_ID: 1, FIRST_NAME: 'Alice', LAST_NAME: 'Smith', BIRTH_DATE_NUM: 19800506, STATUS_CODE: 'A' },
    { CUSTOMER_ID: 2, FIRST_NAME: 'Bob', LAST_NAME: 'Jones', BIRTH_DATE_NUM: 19751224, STATUS_CODE: 'A' },
    { CUSTOMER_ID: 3, FIRST_NAME: 'Carla', LAST_NAME: 'Nobody', BIRTH_DATE_NUM: 0, STATUS_CODE: 'A' },
  ],
  'customer.customer_contact': [
    { CONTACT_ID: 10, CUSTOMER_ID: 1, CONTACT_TYPE: 'E', CONTACT_VALUE: 'alice@example.org' },
    { CONTACT_ID: 11, CUSTOMER_ID: 1, CONTACT_TYPE: 'M', CONTACT_VALUE: '+41791234542' },
    { CONTACT_ID: 12, CUSTOMER_ID: 2, CONTACT_TYPE: 'E', CONTACT_VALUE: 'bob@example.net' },
    { CONTACT_ID: 13, CUSTOMER_ID: 3, CONTACT_TYPE: 'E', CONTACT_VALUE: 'carla@example.com' },
  ],
  'customer.customer_address': [{ CUSTOMER_ID: 1, ADDRESS_SEQ: 1, STREET_LINE_1: 'Bahnhofstrasse 1', CITY_NAME: 'Zurich' }],
  'customer.customer_preference': [{ CUSTOMER_ID: 1, PREFERENCE_CODE: 'DIET', DIETARY_NOTE: 'no gluten' }],
  'booking.booking': [
    { BOOKING_ID: 1000, CUSTOMER_ID: 1, AGENCY_ID: 101, CHANNEL_CODE: 'AGY', BOOK_DATE_NUM: 20240110 },
    { BOOKING_ID: 1001, CUSTOMER_ID: 2, AGENCY_ID: 102, CHANNEL_CODE: 'AGY', BOOK_DATE_NUM: 20240111 },
    { BOOKING_ID: 1002, CUSTOMER_ID: 3, AGENCY_ID: null, CHANNEL_CODE: 'WEB', BOOK_DATE_NUM: 20240112 },
  ],
  'booking.booking_line': [
    { BOOKING_ID: 1000, LINE_NO: 1 }, { BOOKING_ID: 1000, LINE_NO: 2 }, { BOOKING_ID: 1001, LINE_NO: 1 }, { BOOKING_ID: 1002, LINE_NO: 1 },
  ],
  'booking.booking_guest': [
    { BOOKING_ID: 1000, GUEST_SEQ: 1, CUSTOMER_ID: 1, FIRST_NAME: 'Alice', LAST_NAME: 'Smith', BIRTH_DATE_NUM: 19800506 },
    { BOOKING_ID: 1001, GUEST_SEQ: 1, CUSTOMER_ID: 2, FIRST_NAME: 'Bob', LAST_NAME: 'Jones' },
  ],
  'payment.payment': [{ PAYMENT_ID: 5000, BOOKING_ID: 1000, AMOUNT: 120.5, CARD_TOKEN: 'tok_visa_4242' }],
  'payment.refund': [],
};

const products = ['customer.customer_profile', 'booking.bookings', 'payment.payments'];

describe('secured views per role on DuckDB', () => {
  let warehouse: DuckDbWarehouse;
  let reader: DuckDBConnection;
  const read = async (sql: string) => (await reader.runAndReadAll(sql)).getRowObjectsJS();
  const view = (role: string, name: string) => `access_${role.replace(/[:-]/g, '_')}.${name}`;
  const columnsOf = async (relation: string) => (await read(`DESCRIBE ${relation}`)).map((r) => r.column_name);

  async function build(product: string) {
    const ctx = accessContextOf(registry);
    const plan = planProductAccess(ctx, product, accessRoles(registry.domains.map((d) => d.name), await warehouse.agencyIds()));
    return warehouse.buildAccessViews({ domain: plan.domain, product: plan.product, views: plan.views, sources: plan.sources, key });
  }

  beforeAll(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    reader = await warehouse.connectReader();
    for (const [name, rows] of Object.entries(fixture)) {
      const [domain, table] = name.split('.') as [string, string];
      const contract = registry.table(name);
      await reader.run(`CREATE SCHEMA IF NOT EXISTS raw_${domain}`);
      const columns = contract.columns.map((c) => `"${c.name}" ${duckdb.columnType(c)}`).join(', ');
      await reader.run(`CREATE TABLE ${qualified(`raw_${domain}`, table)} (${columns}, "_source_position" VARCHAR, "_loaded_at" TIMESTAMP)`);
      for (const row of rows) {
        const values = contract.columns.map((c) => (row[c.name] === undefined || row[c.name] === null ? 'NULL' : standardLiteral(String(row[c.name]))));
        await reader.run(`INSERT INTO ${qualified(`raw_${domain}`, table)} VALUES (${values.join(', ')}, '0', now())`);
      }
    }
    for (const domain of ['customer', 'booking', 'payment']) {
      const d = registry.domain(domain);
      const tables = d.tables.filter((t) => `${domain}.${t.name}` in fixture);
      await warehouse.buildQualifiedLayer({ domain, tables });
    }
    for (const name of products) {
      const p = resolveProduct(registry, name);
      const version = { domain: p.domain.name, product: p.product.name, version: 1, tables: p.tables.map((t) => ({ domain: t.split('.')[0]!, table: t.split('.')[1]! })) };
      await warehouse.snapshotProduct(version);
      await warehouse.promoteProduct(version);
    }
    for (const name of products) await build(name);
  });
  afterAll(async () => {
    await warehouse?.close();
  });

  it('builds one schema per role, agencies from raw_distribution.agency, and no view where the role may not read the product', async () => {
    expect(await warehouse.agencyIds()).toEqual(['101', '102']);
    const schemas = (await read(`SELECT DISTINCT schema_name FROM duckdb_views() WHERE schema_name LIKE 'access_%' ORDER BY 1`)).map((r) => r.schema_name);
    expect(schemas).toEqual(expect.arrayContaining(['access_admin', 'access_agency_101', 'access_agency_102', 'access_analyst', 'access_callcentre', 'access_dpo_customer', 'access_engineer']));
    const payments = (await read(`SELECT schema_name FROM duckdb_views() WHERE view_name = 'payment__payments__payment' ORDER BY 1`)).map((r) => r.schema_name);
    expect(payments).toContain('access_analyst');
    expect(payments).not.toContain('access_callcentre');
    expect(payments).not.toContain('access_agency_101');
  });

  // Clear, masked, pseudonymised and hidden per role, and agencies' rows: the publication contract suite
  // (test/support/publication-contract-suite.ts). Here what needs the qualified layer, stewards, admins
  // and the payment product.
  it('treats derived qualified columns by their inputs, keeps pseudonyms stable across products, reads stewards and admins', async () => {
    const customer = 'customer__customer_profile__customer';
    const [analyst] = await read(`SELECT * FROM ${view('analyst', customer)} WHERE CUSTOMER_ID = 1`);
    expect(analyst).toMatchObject({ FIRST_NAME: keyedHash(key, 'Alice') });
    expect(analyst!.BIRTH_DATE).toMatch(/^[0-9a-f]{64}$/); // a derived qualified column, identity by its input
    // The same person's pseudonym in another product: joins still work.
    const [guest] = await read(`SELECT FIRST_NAME FROM ${view('analyst', 'booking__bookings__booking_guest')} WHERE BOOKING_ID = 1000`);
    expect(guest!.FIRST_NAME).toBe(analyst!.FIRST_NAME);

    const [engineer] = await read(`SELECT FIRST_NAME, BIRTH_DATE_NUM, BIRTH_DATE FROM ${view('engineer', customer)} WHERE CUSTOMER_ID = 1`);
    expect(engineer).toEqual({ FIRST_NAME: 'A***', BIRTH_DATE_NUM: 1980n, BIRTH_DATE: 1980n });
    const [unknownBirth] = await read(`SELECT BIRTH_DATE_NUM FROM ${view('engineer', customer)} WHERE CUSTOMER_ID = 3`);
    expect(unknownBirth!.BIRTH_DATE_NUM).toBeNull();
    const [address] = await read(`SELECT STREET_LINE_1, CITY_NAME FROM ${view('analyst', 'customer__customer_profile__customer_address')}`);
    expect(address).toEqual({ STREET_LINE_1: 'B***', CITY_NAME: 'Z***' });

    expect(await columnsOf(view('analyst', 'payment__payments__payment'))).not.toContain('CARD_TOKEN');
    expect(await read(`SELECT CARD_TOKEN FROM ${view('admin', 'payment__payments__payment')}`)).toEqual([{ CARD_TOKEN: 'tok_visa_4242' }]);
    // A DPO reads their own domain clear, and elsewhere as an analyst.
    expect(await read(`SELECT FIRST_NAME FROM ${view('dpo:customer', customer)} WHERE CUSTOMER_ID = 2`)).toEqual([{ FIRST_NAME: 'Bob' }]);
    expect(await read(`SELECT FIRST_NAME FROM ${view('dpo:booking', customer)} WHERE CUSTOMER_ID = 2`)).toEqual([{ FIRST_NAME: keyedHash(key, 'Bob') }]);
  });

  it('shows an agency its bookings\' guests and its customers\' contacts masked; admins every booking', async () => {
    const ids = async (role: string, name: string, column: string) =>
      (await read(`SELECT DISTINCT ${column} AS id FROM ${view(role, name)} ORDER BY 1`)).map((r) => Number(r.id));
    expect(await ids('agency:101', 'booking__bookings__booking_guest', 'BOOKING_ID')).toEqual([1000]);
    expect(await ids('admin', 'booking__bookings__booking', 'BOOKING_ID')).toEqual([1000, 1001, 1002]);
    expect(await read(`SELECT CONTACT_VALUE FROM ${view('agency:101', 'customer__customer_profile__customer_contact')} ORDER BY CONTACT_ID`))
      .toEqual([{ CONTACT_VALUE: 'a***@example.org' }, { CONTACT_VALUE: '**********42' }]);
  });

  it('follows a republication: the views read the published views, and a rebuild drops views of roles that lost the product', async () => {
    await reader.run(`INSERT INTO raw_booking.booking ("BOOKING_ID", "CUSTOMER_ID", "AGENCY_ID", "CHANNEL_CODE", "_source_position", "_loaded_at") VALUES (1003, 2, 101, 'AGY', '1', now())`);
    const p = resolveProduct(registry, 'booking.bookings');
    const v2 = { domain: 'booking', product: 'bookings', version: 2, tables: p.tables.map((t) => ({ domain: t.split('.')[0]!, table: t.split('.')[1]! })) };
    await warehouse.snapshotProduct(v2);
    await warehouse.promoteProduct(v2);
    expect((await read(`SELECT BOOKING_ID FROM ${view('agency:101', 'booking__bookings__booking')} ORDER BY 1`)).map((r) => Number(r.BOOKING_ID))).toEqual([1000, 1003]);
    // Bob is now a customer of agency 101 too, through the published bookings.
    expect((await read(`SELECT CUSTOMER_ID FROM ${view('agency:101', 'customer__customer_profile__customer')} ORDER BY 1`)).map((r) => Number(r.CUSTOMER_ID))).toEqual([1, 2]);

    // A stale view of a role that may no longer read the product goes at the next build.
    await reader.run(`CREATE SCHEMA IF NOT EXISTS access_callcentre; CREATE VIEW access_callcentre.payment__payments__payment AS SELECT 1 AS x`);
    const rebuilt = await build('payment.payments');
    expect(rebuilt.dropped).toEqual(['access_callcentre.payment__payments__payment']);
  });
});
