import { describe, expect, it } from 'vitest';
import type { AccessPolicyDeclaration } from '../contracts/access-policy.js';
import { accessPolicy } from './access-policy.js';
import { ContractError } from './errors.js';
import { declarations, registry } from './index.js';
import { loadDomains } from './load.js';

/** The declared policy with one change, loaded against the declared domains; the error's lines. */
function problems(change: (p: AccessPolicyDeclaration & typeof accessPolicy) => void): string[] {
  const policy = structuredClone(accessPolicy);
  change(policy);
  try {
    loadDomains(declarations, { accessPolicy: policy });
  } catch (error) {
    if (error instanceof ContractError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('the access policy, checked when the registry loads', () => {
  it('holds for the declared domains', () => {
    expect(registry.accessPolicy?.roles.agency.rowFilters).toHaveLength(7);
  });

  it('names the role, product, table and column of each problem', () => {
    expect(problems((p) => { p.roles.callcentre.products = ['booking.bookings', 'payment.cards']; })).toEqual([
      'domain "payment", product "cards", field "accessPolicy.roles.callcentre.products[1]": role callcentre: product "payment.cards" is not declared (declared: reference.reference_data, customer.customer_profile, product.product_catalogue, pricing.price_book, distribution.agency_directory, inventory.availability, booking.bookings, booking.booking_funnel, transport.travel_itinerary, payment.payments, payment.revenue_ledger, loyalty.loyalty_members, marketing.campaign_performance, marketing.marketing_permissions, customer_service.service_cases, customer_service.guest_satisfaction)',
    ]);
    expect(problems((p) => { p.maskStyles.push({ column: 'customer.customer.EMAIL', style: 'email' }); })).toEqual([
      expect.stringMatching(/^domain "customer", table "customer", column "EMAIL", field "accessPolicy.maskStyles\[5\]": column "EMAIL" is not declared in table "customer.customer" \(declared: CUSTOMER_ID, /),
    ]);
    expect(problems((p) => { p.maskStyles.push({ column: 'booking.booking.TOTAL_AMOUNT', style: 'year' }); })).toEqual([
      'domain "booking", table "booking", column "TOTAL_AMOUNT", field "accessPolicy.maskStyles[5]": style "year" needs a DATE, a TIMESTAMP or a yyyymmdd-encoded number; the column is DECIMAL(13,2)',
    ]);
  });

  it('refuses row filters that do not follow a reference, end in a cycle, or leave an agency reading personal data unfiltered', () => {
    expect(problems((p) => { p.roles.agency.rowFilters[1] = { table: 'booking.booking_line', kind: 'reaches', column: 'PRODUCT_ID', through: 'booking.booking.BOOKING_ID' }; })).toEqual([
      'domain "booking", table "booking_line", column "PRODUCT_ID", field "accessPolicy.roles.agency.rowFilters[1].through": role agency: no contract reference links booking.booking_line.PRODUCT_ID and booking.booking.BOOKING_ID (either column\'s \'references\' must name the other)',
    ]);
    expect(problems((p) => { p.roles.agency.rowFilters[0] = { table: 'booking.booking', kind: 'reaches', column: 'BOOKING_ID', through: 'booking.booking_line.BOOKING_ID' }; })).toEqual(expect.arrayContaining([
      'domain "booking", table "booking", column "BOOKING_ID", field "accessPolicy.roles.agency.rowFilters[0]": role agency: row filters form a cycle booking.booking → booking.booking_line → booking.booking; a chain must end at an attribute filter',
    ]));
    expect(problems((p) => { p.roles.agency.rowFilters.splice(2, 1); })).toEqual([
      'domain "booking", product "bookings", field "accessPolicy.roles.agency": role agency reads product booking.bookings, whose table booking.booking_guest has no row filter and is not listed as unfiltered',
    ]);
    expect(problems((p) => { p.roles.agency.products.push('loyalty.loyalty_members'); p.roles.agency.unfiltered.push('loyalty.membership', 'loyalty.tier', 'loyalty.points_transaction', 'loyalty.reward'); }))
      .toEqual(['domain "loyalty", table "membership", column "CARD_NUMBER", field "accessPolicy.roles.agency.unfiltered[13]": role agency would read identity data of every row unfiltered: give loyalty.membership a row filter or hide class identity']);
    expect(problems((p) => { (p.roles.analyst as { rowFilters?: unknown[] }).rowFilters = [{ table: 'booking.booking', kind: 'attribute', column: 'AGENCY_ID' }]; })).toEqual([
      'domain (access policy), field "accessPolicy.roles.analyst": role analyst has no attribute to filter rows by: only agency (agency:<id>) takes rowFilters and unfiltered',
    ]);
  });

  it('requires a treatment for every PII class and refuses unknown keys', () => {
    expect(problems((p) => { delete (p.roles.analyst.classes as Partial<typeof p.roles.analyst.classes>).sensitive; })).toEqual([
      expect.stringMatching(/^domain \(access policy\), field "accessPolicy.roles.analyst.classes.sensitive": /),
    ]);
    expect(problems((p) => { (p.roles.analyst.classes as Record<string, string>).identity = 'blurred'; })).toEqual([
      expect.stringMatching(/^domain \(access policy\), field "accessPolicy.roles.analyst.classes.identity": .*clear.*masked.*pseudonymised.*hidden/),
    ]);
  });
});
