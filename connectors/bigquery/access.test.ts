import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { bigQuerySecuredViews } from '../../core/access/bigquery.js';
import { effectiveColumns, parseAccessRole } from '../../core/access/policy.js';
import { keyedHashSql } from '../../core/keyed-hash.js';
import { bigquery } from '../../core/sql/bigquery.js';
import { registry } from '../../domains/index.js';
import { accessContextOf } from '../../domains/products.js';
import { createBigQueryClient } from './client.js';

/**
 * The secured-view DDL core/access/bigquery.ts generates, on the BigQuery emulator: a dataset per
 * role, views over the published datasets (written here as tables shaped like the published views),
 * pseudonyms equal to DuckDB's. The adapter builds the same views through its port in the
 * publication contract suite (test/support/publication-contract-suite.ts). What the emulator has no API for (taxonomy,
 * data policies, row access policies) is checked as payloads by core/access/bigquery.test.ts and
 * applied by real.test.ts when BigQuery credentials are present.
 */

const unavailable = await emulatorUnavailable();
if (unavailable) console.warn(`connectors/bigquery/access.test.ts skipped: ${unavailable}`);

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 11 + 5) % 256);
const ctx = accessContextOf(registry);
const roles = ['analyst', 'callcentre', 'agency:101'].map((r) => parseAccessRole(r, registry.domains.map((d) => d.name)));

type Row = Record<string, string | number | null>;
const published: Array<[dataset: string, table: string, contract: string, rows: Row[]]> = [
  ['published_customer', 'customer_profile__customer', 'customer.customer', [
    { CUSTOMER_ID: 1, FIRST_NAME: 'Alice', LAST_NAME: 'Smith', BIRTH_DATE_NUM: 19800506 },
    { CUSTOMER_ID: 2, FIRST_NAME: 'Bob', LAST_NAME: 'Jones', BIRTH_DATE_NUM: 19751224 },
  ]],
  ['published_customer', 'customer_profile__customer_contact', 'customer.customer_contact', [
    { CONTACT_ID: 10, CUSTOMER_ID: 1, CONTACT_VALUE: 'alice@example.org' },
    { CONTACT_ID: 11, CUSTOMER_ID: 1, CONTACT_VALUE: '+41791234542' },
    { CONTACT_ID: 12, CUSTOMER_ID: 2, CONTACT_VALUE: 'bob@example.net' },
  ]],
  ['published_customer', 'customer_profile__customer_address', 'customer.customer_address', []],
  ['published_customer', 'customer_profile__customer_preference', 'customer.customer_preference', [{ CUSTOMER_ID: 1, PREFERENCE_CODE: 'DIET', DIETARY_NOTE: 'no gluten' }]],
  ['published_booking', 'bookings__booking', 'booking.booking', [
    { BOOKING_ID: 1000, CUSTOMER_ID: 1, AGENCY_ID: 101 }, { BOOKING_ID: 1001, CUSTOMER_ID: 2, AGENCY_ID: 102 },
  ]],
];

describe.skipIf(unavailable !== undefined)('secured views on the BigQuery emulator', () => {
  const projectId = runProject('access');
  const bq = createBigQueryClient({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint });
  // The emulator answers names a query spells unquoted in lower case; BigQuery keeps the table's case.
  const read = async (sql: string) => ((await bq.query({ query: sql }))[0] as Row[])
    .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toUpperCase(), v])));

  beforeAll(async () => {
    for (const dataset of ['published_customer', 'published_booking', 'access_analyst', 'access_callcentre', 'access_agency_101']) {
      await bq.createDataset(dataset, { location: 'EU' });
    }
    for (const [dataset, table, contract, rows] of published) {
      // The published view's columns: contract columns, then derived qualified ones.
      const columns = effectiveColumns(ctx, roles[0]!, contract);
      await read(`CREATE TABLE ${bigquery.path([projectId, dataset, table])} (${columns.map((c) => `${bigquery.ident(c.name)} ${bigquery.columnType(c)}`).join(', ')})`);
      for (const row of rows) {
        const names = Object.keys(row);
        const values = names.map((n) => (typeof row[n] === 'string' ? bigquery.literal(row[n] as string) : String(row[n])));
        await read(`INSERT INTO ${bigquery.path([projectId, dataset, table])} (${names.map(bigquery.ident).join(', ')}) VALUES (${values.join(', ')})`);
      }
    }
    for (const view of bigQuerySecuredViews(ctx, 'customer.customer_profile', roles, projectId, key).views) await read(view.ddl);
  });
  afterAll(async () => {
    if (!unavailable) await dropProject(projectId);
  });

  it('pseudonymises identities with the same keyed hash as DuckDB, masks contacts, hides sensitive columns', async () => {
    const analyst = await read(`SELECT CUSTOMER_ID, FIRST_NAME, LAST_NAME FROM \`${projectId}.access_analyst.customer__customer_profile__customer\` ORDER BY CUSTOMER_ID`);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const expected = (await duck.runAndReadAll(`SELECT ${keyedHashSql('duckdb', 'v', key)} FROM (VALUES ('Alice'), ('Smith')) t(v)`)).getRowsJS().map((r) => r[0]);
    duck.closeSync();
    expect(analyst[0]).toEqual({ CUSTOMER_ID: 1, FIRST_NAME: expected[0], LAST_NAME: expected[1] });

    const contacts = await read(`SELECT CONTACT_VALUE FROM \`${projectId}.access_analyst.customer__customer_profile__customer_contact\` ORDER BY CONTACT_ID`);
    expect(contacts.map((c) => c.CONTACT_VALUE)).toEqual(['a***@example.org', '**********42', 'b***@example.net']);
    const callcentre = await read(`SELECT * FROM \`${projectId}.access_callcentre.customer__customer_profile__customer_preference\``);
    expect(callcentre).toHaveLength(1);
    expect(Object.keys(callcentre[0]!)).not.toContain('DIETARY_NOTE');
    expect(await read(`SELECT FIRST_NAME FROM \`${projectId}.access_callcentre.customer__customer_profile__customer\` WHERE CUSTOMER_ID = 2`)).toEqual([{ FIRST_NAME: 'Bob' }]);
  });

  it('shows an agency only the customers of the bookings it sold', async () => {
    const customers = await read(`SELECT CUSTOMER_ID FROM \`${projectId}.access_agency_101.customer__customer_profile__customer\``);
    expect(customers).toEqual([{ CUSTOMER_ID: 1 }]);
    const contacts = await read(`SELECT CONTACT_ID FROM \`${projectId}.access_agency_101.customer__customer_profile__customer_contact\` ORDER BY CONTACT_ID`);
    expect(contacts).toEqual([{ CONTACT_ID: 10 }, { CONTACT_ID: 11 }]);
    // Masked, as the declared policy has agencies read contact and identity data.
    const values = await read(`SELECT CONTACT_VALUE FROM \`${projectId}.access_agency_101.customer__customer_profile__customer_contact\` ORDER BY CONTACT_ID`);
    expect(values.map((c) => c.CONTACT_VALUE)).toEqual(['a***@example.org', '**********42']);
    expect(await read(`SELECT FIRST_NAME FROM \`${projectId}.access_agency_101.customer__customer_profile__customer\``)).toEqual([{ FIRST_NAME: 'A***' }]);
  });
});
