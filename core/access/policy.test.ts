import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { accessContextOf } from '../../domains/products.js';
import { duckdb } from '../sql/duckdb.js';
import { planProductAccess } from './plan.js';
import { accessRoles, accessSchema, describeFilter, effectiveAccess, parseAccessRole } from './policy.js';
import { securedViewSql } from './sql.js';

const ctx = accessContextOf(registry);
const domains = registry.domains.map((d) => d.name);
const role = (r: string) => parseAccessRole(r, domains);
const column = (access: ReturnType<typeof effectiveAccess>, table: string, name: string) =>
  access.tables.find((t) => t.table === table)?.columns.find((c) => c.name === name);

describe('effective access from the declared policy', () => {
  it('parses roles as the directory gives them and names what is wrong', () => {
    expect(role('agency:101')).toEqual({ role: 'agency:101', kind: 'agency', agencyId: '101' });
    expect(role('deputy:booking')).toEqual({ role: 'deputy:booking', kind: 'steward', domain: 'booking' });
    expect(() => role('dpo:nowhere')).toThrow('role "dpo:nowhere": unknown domain "nowhere" (declared: reference, customer');
    expect(() => role('agency')).toThrow('an agency role names the agency id, e.g. agency:101');
    expect(() => role('cashier')).toThrow('role "cashier": unknown role; expected one of admin, engineer, callcentre, analyst, agency:<agency id>, dpo:<domain>, deputy:<domain>');
    expect(accessSchema('agency:101')).toBe('access_agency_101');
  });

  it('gives each class its treatment per role, derived columns included', () => {
    const analyst = effectiveAccess(ctx, role('analyst'), 'customer.customer_profile');
    expect(column(analyst, 'customer.customer', 'FIRST_NAME')).toMatchObject({ pii: 'identity', treatment: 'pseudonymised' });
    expect(column(analyst, 'customer.customer', 'BIRTH_DATE')).toMatchObject({ pii: 'identity', treatment: 'pseudonymised', derivedFrom: ['BIRTH_DATE_NUM'] });
    expect(column(analyst, 'customer.customer_contact', 'CONTACT_VALUE')).toMatchObject({ treatment: 'masked', mask: 'email_or_phone' });
    expect(column(analyst, 'customer.customer_preference', 'DIETARY_NOTE')).toMatchObject({ pii: 'sensitive', treatment: 'hidden' });
    const engineer = effectiveAccess(ctx, role('engineer'), 'customer.customer_profile');
    expect(column(engineer, 'customer.customer', 'BIRTH_DATE_NUM')).toMatchObject({ treatment: 'masked', mask: 'year', yyyymmdd: true });
    expect(column(engineer, 'customer.customer', 'BIRTH_DATE')).toMatchObject({ treatment: 'masked', mask: 'year' });
    expect(column(engineer, 'customer.customer', 'LAST_NAME')).toMatchObject({ treatment: 'masked', mask: 'initial' });
    const dpo = effectiveAccess(ctx, role('dpo:customer'), 'customer.customer_profile');
    expect(dpo.tables.every((t) => t.columns.every((c) => c.treatment === 'clear'))).toBe(true);
    // Outside their domain a DPO reads as the policy's stewards.elsewhere role (analyst).
    expect(column(effectiveAccess(ctx, role('dpo:customer'), 'booking.bookings'), 'booking.booking_guest', 'LAST_NAME')?.treatment).toBe('pseudonymised');
  });

  it('lets the call centre read customers and bookings but no payment product', () => {
    expect(effectiveAccess(ctx, role('callcentre'), 'payment.payments')).toEqual({ product: 'payment.payments', role: 'callcentre', readable: false, tables: [] });
    expect(effectiveAccess(ctx, role('callcentre'), 'booking.bookings').readable).toBe(true);
    expect(column(effectiveAccess(ctx, role('analyst'), 'payment.payments'), 'payment.payment', 'CARD_TOKEN')?.treatment).toBe('hidden');
    expect(() => effectiveAccess(ctx, role('analyst'), 'payment.cards')).toThrow('unknown product "payment.cards" (declared: reference.reference_data');
  });

  it('filters an agency\'s rows by its id, through the bookings it sold', () => {
    const agency = effectiveAccess(ctx, role('agency:101'), 'customer.customer_profile');
    expect(agency.tables.map((t) => [t.table, describeFilter(t.filter)])).toEqual([
      ['customer.customer', 'CUSTOMER_ID in booking.booking.CUSTOMER_ID of rows where AGENCY_ID = 101'],
      ['customer.customer_address', 'CUSTOMER_ID in customer.customer.CUSTOMER_ID of rows where CUSTOMER_ID in booking.booking.CUSTOMER_ID of rows where AGENCY_ID = 101'],
      ['customer.customer_contact', 'CUSTOMER_ID in customer.customer.CUSTOMER_ID of rows where CUSTOMER_ID in booking.booking.CUSTOMER_ID of rows where AGENCY_ID = 101'],
      ['customer.customer_preference', 'CUSTOMER_ID in customer.customer.CUSTOMER_ID of rows where CUSTOMER_ID in booking.booking.CUSTOMER_ID of rows where AGENCY_ID = 101'],
    ]);
    expect(effectiveAccess(ctx, role('agency:101'), 'product.product_catalogue').tables.every((t) => t.filter === undefined)).toBe(true);
    expect(effectiveAccess(ctx, role('agency:101'), 'booking.booking_funnel').readable).toBe(false);
  });

  it('plans a view per role and table, reading filters from the product that publishes the reached table', () => {
    const plan = planProductAccess(ctx, 'customer.customer_profile', accessRoles(domains, ['101']));
    expect(plan.refused).toEqual([]);
    expect(plan.sources['booking.booking']).toEqual(['published_booking', 'bookings__booking']);
    expect(plan.sources['customer.customer']).toEqual(['published_customer', 'customer_profile__customer']);
    const view = plan.views.find((v) => v.role === 'agency:101' && v.view === 'customer__customer_profile__customer')!;
    const key = new Uint8Array(32);
    const sql = securedViewSql({ dialect: duckdb, table: view.table, present: ['CUSTOMER_ID', 'FIRST_NAME', 'UNDECLARED'], relation: (t) => plan.sources[t]?.join('.'), key });
    // Agencies read identities masked: a name to its initial.
    expect(sql.select).toBe(`SELECT "CUSTOMER_ID", CASE WHEN "FIRST_NAME" IS NULL THEN NULL ELSE CONCAT(LEFT(CAST("FIRST_NAME" AS VARCHAR), 1), '***') END AS "FIRST_NAME" `
      + 'FROM published_customer.customer_profile__customer AS t0 WHERE t0."CUSTOMER_ID" IN '
      + `(SELECT t1."CUSTOMER_ID" FROM published_booking.bookings__booking AS t1 WHERE CAST(t1."AGENCY_ID" AS VARCHAR) = '101')`);
    // A column the contract does not declare is left out; a filter source not yet published shows no rows.
    expect(sql.hidden).toEqual(['UNDECLARED']);
    const unpublished = securedViewSql({ dialect: duckdb, table: view.table, present: ['CUSTOMER_ID'], relation: (t) => (t === 'customer.customer' ? 'c' : undefined), key });
    expect(unpublished).toMatchObject({ select: 'SELECT "CUSTOMER_ID" FROM c AS t0 WHERE FALSE', missingSources: ['booking.booking'] });
  });
});
