import { describe, expect, it } from 'vitest';
import type { DomainDeclaration } from '../contracts/contract.js';
import type { KpiDeclaration } from '../contracts/kpis.js';
import { bookingDomain } from './booking.js';
import { ContractError } from './errors.js';
import { loadDomain } from './load.js';

/** KPIs are checked at contract load: each message names the domain, the KPI, the table and column, and what was expected. */

const base: KpiDeclaration = {
  name: 'bookings_per_day', description: 'Bookings per day.', product: 'bookings', table: 'booking',
  measure: { kind: 'count' }, grain: { time: 'day', column: 'BOOK_DATE' }, target: { value: 1, direction: 'at_least' }, owner: 'dpo.booking',
};

function withKpis(...kpis: KpiDeclaration[]): DomainDeclaration {
  return { ...structuredClone(bookingDomain), kpis } as DomainDeclaration;
}

function messages(...kpis: KpiDeclaration[]): string[] {
  try {
    loadDomain(withKpis(...kpis));
  } catch (error) {
    if (error instanceof ContractError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ContractError, but the declaration was accepted');
}

const at = (field: string) => `domain "booking", KPI "bookings_per_day", table "booking", field "kpis[0].${field}"`;

describe('KPIs at contract load', () => {
  it('accepts every measure kind over published columns, derived ones included, and the declared demo KPIs', () => {
    const contract = loadDomain(withKpis(
      base,
      { ...base, name: 'distinct_customers', measure: { kind: 'count_distinct', column: 'CUSTOMER_ID' }, grain: { time: 'week', column: 'CREATED_TS', by: 'RESORT_CODE' } },
      { ...base, name: 'revenue', measure: { kind: 'sum', column: 'TOTAL_AMOUNT_EUR', where: [{ column: 'STATUS_CODE', op: 'in', value: ['C', 'T'] }, { column: 'AGENCY_ID', op: 'is_null' }] } },
      {
        ...base, name: 'share', grain: { time: 'month', column: 'ARRIVAL_DATE' },
        measure: { kind: 'ratio', numerator: { kind: 'count', where: [{ column: 'TOTAL_AMOUNT', op: '>=', value: 1000 }] }, denominator: { kind: 'count' } },
      },
    ));
    expect(contract.kpis?.map((k) => k.name)).toEqual(['bookings_per_day', 'distinct_customers', 'revenue', 'share']);
    expect(contract.kpis?.[2]?.measure).toEqual({ kind: 'sum', column: 'TOTAL_AMOUNT_EUR', where: [{ column: 'STATUS_CODE', op: 'in', value: ['C', 'T'] }, { column: 'AGENCY_ID', op: 'is_null' }] });
    expect(loadDomain(bookingDomain).kpis?.map((k) => k.name)).toEqual(['bookings_per_resort_day', 'revenue_per_resort_day', 'cancellation_rate']);
  });

  it('names an unknown column with the columns the table publishes', () => {
    const [message] = messages({ ...base, measure: { kind: 'sum', column: 'TOTAL' } });
    expect(message).toMatch(/^domain "booking", KPI "bookings_per_day", table "booking", field "kpis\[0\]\.measure\.column": column "TOTAL" is not published by table "booking" \(columns: BOOKING_ID, .*TOTAL_AMOUNT_EUR\)$/);
  });

  it('refuses a sum over a non-numeric column, a grain column that is not a date, and a filter value of the wrong type', () => {
    expect(messages(
      {
        ...base, grain: { time: 'day', column: 'BOOK_DATE_NUM' },
        measure: { kind: 'ratio', numerator: { kind: 'sum', column: 'STATUS_CODE' }, denominator: { kind: 'count', where: [{ column: 'TOTAL_AMOUNT', op: '>', value: 'lots' }] } },
      },
    )).toEqual([
      `${at('grain.column')}: column "BOOK_DATE_NUM" is DECIMAL(8,0) — expected a DATE or TIMESTAMP(0..6) column to cut periods from`,
      `${at('measure.numerator.column')}: column "STATUS_CODE" is CHAR(1) — a sum expects a numeric column (INTEGER, DECIMAL, DOUBLE…)`,
      `${at('measure.denominator.where[0].value')}: column "TOTAL_AMOUNT": got "lots" — expected a number for a DECIMAL(13,2) column`,
    ]);
  });

  it('refuses a product of another domain or unknown, a table outside the product, an owner who is not of the domain, a name used twice', () => {
    expect(messages({ ...base, product: 'service_cases' })).toEqual([
      'domain "booking", KPI "bookings_per_day", field "kpis[0].product": product "service_cases" is not a data product of domain "booking" (declared: bookings, booking_funnel)',
    ]);
    expect(messages({ ...base, table: 'booking_status_history' })).toEqual([
      'domain "booking", KPI "bookings_per_day", field "kpis[0].table": table "booking_status_history" is not one of this domain\'s tables in product "bookings" (expected one of: booking, booking_line, booking_guest)',
    ]);
    expect(messages({ ...base, owner: 'dpo.customer' })).toEqual([
      'domain "booking", KPI "bookings_per_day", field "kpis[0].owner": "dpo.customer" is not a person of the domain — expected the DPO or a deputy (dpo.booking, deputy.booking.1, deputy.booking.2)',
    ]);
    expect(messages(base, base)).toEqual([
      'domain "booking", KPI "bookings_per_day", field "kpis[1].name": KPI "bookings_per_day" is declared twice in the domain (kpis[0] and kpis[1])',
    ]);
  });

  it('matches filter values to the op: a list for in, none for is_null, one for the others', () => {
    expect(messages({
      ...base,
      measure: {
        kind: 'count', where: [
          { column: 'STATUS_CODE', op: 'in', value: 'X' }, { column: 'AGENCY_ID', op: 'is_null', value: 1 },
          { column: 'STATUS_CODE', op: '=', value: ['X', 'C'] }, { column: 'STATUS_CODE', op: '<>' }, { column: 'ARRIVAL_DATE', op: '>=', value: '2024-13-01' },
        ],
      },
    })).toEqual([
      `${at('measure.where[0].value')}: op 'in' expects a list of values`,
      `${at('measure.where[1].value')}: op 'is_null' takes no value`,
      `${at('measure.where[2].value')}: op '=' expects one value, got a list — expected op 'in' for a list`,
      `${at('measure.where[3].value')}: required for op '<>' — expected a value`,
      `${at('measure.where[4].value')}: column "ARRIVAL_DATE": got "2024-13-01" — expected a date 'YYYY-MM-DD'`,
    ]);
  });

  it('refuses a misspelt field and an unknown measure kind through the schema', () => {
    const lines = messages({ ...base, measure: { kind: 'average', column: 'TOTAL_AMOUNT' } as never, tagret: 1 } as never);
    expect(lines.some((l) => l.includes('kpis[0].measure.kind'))).toBe(true);
    expect(lines.some((l) => l.includes('kpis[0].tagret') && l.includes('unknown field'))).toBe(true);
  });
});
