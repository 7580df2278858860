import { describe, expect, it } from 'vitest';
import type { DomainDeclaration, TableDeclaration } from '../contracts/contract.js';
import { ContractError } from './errors.js';
import { loadDomain, loadDomains } from './load.js';
import { fixtureDeclarations } from '../test/support/domain-fixtures.js';

/** Quality rules are checked at contract load: each message names domain, table, rule field and rule id. */

function contractError(run: () => unknown): ContractError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError, but the declaration was accepted');
}

/** The whole message, not a substring: the format is what people and tools read. */
function expectMessage(run: () => unknown, message: string): void {
  expect(contractError(run).message).toBe(message);
}

function bookingTable(decl: DomainDeclaration): TableDeclaration {
  return decl.tables.find((t) => t.name === 'booking')!;
}

/** The fixture booking domain with these quality rules on its booking table. */
function withRules(...rules: unknown[]): { booking: DomainDeclaration; customer: DomainDeclaration } {
  const declarations = fixtureDeclarations();
  bookingTable(declarations.booking).qualityRules = rules as TableDeclaration['qualityRules'];
  return declarations;
}

const at = 'domain "booking", table "booking"';
const declared = '(declared: BOOKING_ID, CUSTOMER_ID, BOOK_DATE_NUM, TOTAL_AMOUNT, UPDATED_TS)';

describe('quality rules at contract load', () => {
  it('accepts one rule of every kind, with defaults applied', () => {
    const { booking, customer } = withRules(
      { id: 'ids_present', kind: 'not_null', columns: ['BOOKING_ID', 'CUSTOMER_ID'], quarantine: true },
      { id: 'id_unique', kind: 'unique', columns: ['BOOKING_ID'], severity: 'block' },
      { id: 'total_known', kind: 'accepted_values', column: 'TOTAL_AMOUNT', values: [0, 1.5] },
      { id: 'total_range', kind: 'range', column: 'TOTAL_AMOUNT', min: 0, max: 1e6, threshold: 0.001 },
      { id: 'updated_range', kind: 'range', column: 'UPDATED_TS', min: '2000-01-01', max: '2099-12-31 23:59:59.999999' },
      { id: 'id_digits', kind: 'format', column: 'BOOKING_ID', format: 'regex', pattern: '[1-9][0-9]*' },
      { id: 'customer_exists', kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID' },
      { id: 'fresh', kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 60 },
      { id: 'fresh_load', kind: 'freshness', maxAgeMinutes: 60 },
      { id: 'steady', kind: 'volume', maxChangePercent: 20 },
      { id: 'customers_spread', kind: 'distribution', column: 'CUSTOMER_ID', metric: 'distinct_count', maxChangePercent: 30 },
      { id: 'reconciled', kind: 'reconciliation', severity: 'block' },
      { id: 'no_negative_total', kind: 'sql', sql: 'SELECT BOOKING_ID FROM {table} WHERE TOTAL_AMOUNT < 0;' },
    );
    const registry = loadDomains([customer, booking]);
    const rules = registry.domain('booking').tables[0]!.qualityRules;
    expect(rules).toHaveLength(13);
    expect(rules[0]).toMatchObject({ severity: 'warn', threshold: 0, quarantine: true });
  });

  it('rejects a column the table does not declare, listing the declared ones', () => {
    const { booking } = withRules(
      { id: 'ids_present', kind: 'not_null', columns: ['BOOKING_ID', 'STATUS_CODE'] },
      { id: 'total_range', kind: 'range', column: 'TOTAL', min: 0 },
      { id: 'spread', kind: 'distribution', column: 'CHANNEL', metric: 'null_rate', maxChangePercent: 1 },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].columns[1]": rule "ids_present" (not_null): column "STATUS_CODE" is not declared in the table ${declared}`,
      `${at}, field "qualityRules[1].column": rule "total_range" (range): column "TOTAL" is not declared in the table ${declared}`,
      `${at}, field "qualityRules[2].column": rule "spread" (distribution): column "CHANNEL" is not declared in the table ${declared}`,
    ].join('\n'));
  });

  it('rejects a pattern that does not compile, or uses what RE2 lacks', () => {
    const { booking } = withRules(
      { id: 'digits', kind: 'format', column: 'BOOKING_ID', format: 'regex', pattern: '[0-9' },
      { id: 'lookahead', kind: 'format', column: 'BOOKING_ID', format: 'regex', pattern: '(?=1)[0-9]+' },
      { id: 'backref', kind: 'format', column: 'BOOKING_ID', format: 'regex', pattern: '([0-9])\\1' },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].pattern": rule "digits" (format): pattern does not compile: /[0-9/: Unterminated character class`,
      `${at}, field "qualityRules[1].pattern": rule "lookahead" (format): pattern uses lookaround — RE2 (DuckDB, BigQuery) has none; expected a pattern without (?= (?! (?<= (?<!`,
      `${at}, field "qualityRules[2].pattern": rule "backref" (format): pattern uses a backreference — RE2 (DuckDB, BigQuery) has none`,
    ].join('\n'));
  });

  it("requires a pattern for format 'regex' and refuses one on the built-in formats", () => {
    const { booking } = withRules(
      { id: 'digits', kind: 'format', column: 'BOOKING_ID', format: 'regex' },
      { id: 'currency', kind: 'format', column: 'BOOKING_ID', format: 'iso_currency', pattern: '[A-Z]{3}' },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].pattern": rule "digits" (format): required for format 'regex' — expected the regular expression a whole value must match`,
      `${at}, field "qualityRules[1].pattern": rule "currency" (format): format 'iso_currency' takes no pattern — expected format 'regex' for a pattern of your own`,
    ].join('\n'));
  });

  it('rejects a range without bounds, with min above max, or with bounds of the wrong type', () => {
    const { booking } = withRules(
      { id: 'open', kind: 'range', column: 'TOTAL_AMOUNT' },
      { id: 'upside_down', kind: 'range', column: 'TOTAL_AMOUNT', min: 10, max: 1 },
      { id: 'dates_upside_down', kind: 'range', column: 'UPDATED_TS', min: '2030-01-01', max: '2020-01-01 10:00' },
      { id: 'no_such_day', kind: 'range', column: 'UPDATED_TS', min: '2020-02-30' },
      { id: 'text_amount', kind: 'range', column: 'TOTAL_AMOUNT', max: '1000' },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0]": rule "open" (range): neither min nor max — expected min, max or both`,
      `${at}, field "qualityRules[1].min": rule "upside_down" (range): min 10 is above max 1 — expected min ≤ max`,
      `${at}, field "qualityRules[2].min": rule "dates_upside_down" (range): min "2030-01-01" is above max "2020-01-01 10:00" — expected min ≤ max`,
      `${at}, field "qualityRules[3].min": rule "no_such_day" (range): got "2020-02-30" — expected a timestamp 'YYYY-MM-DD[ HH:MM[:SS[.fraction]]]'`,
      `${at}, field "qualityRules[4].max": rule "text_amount" (range): got "1000" — expected a number for a DECIMAL(13,2) column`,
    ].join('\n'));
  });

  it('rejects accepted values of the wrong type and freshness on a column that is not a date', () => {
    const { booking } = withRules(
      { id: 'known_totals', kind: 'accepted_values', column: 'TOTAL_AMOUNT', values: [0, 'zero'] },
      { id: 'fresh', kind: 'freshness', column: 'TOTAL_AMOUNT', maxAgeMinutes: 5 },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].values[1]": rule "known_totals" (accepted_values): got "zero" — expected a number for a DECIMAL(13,2) column`,
      `${at}, field "qualityRules[1].column": rule "fresh" (freshness): column "TOTAL_AMOUNT" is DECIMAL(13,2) — expected a DATE or TIMESTAMP column`,
    ].join('\n'));
  });

  it('allows quarantine on row rules only, and says why', () => {
    const { booking } = withRules({ id: 'id_unique', kind: 'unique', columns: ['BOOKING_ID'], quarantine: true });
    expectMessage(() => loadDomain(booking),
      `${at}, field "qualityRules[0].quarantine": rule "id_unique" (unique): quarantine applies to row rules only (not_null, accepted_values, range, format) — a unique rule judges the table as a whole`);
  });

  it('rejects a threshold outside 0..1 and an unknown severity', () => {
    const { booking } = withRules(
      { id: 'ids', kind: 'not_null', columns: ['BOOKING_ID'], threshold: 5, severity: 'fatal' },
      { id: 'ids_again', kind: 'not_null', columns: ['BOOKING_ID'], threshold: -0.1 },
      { id: 'steady', kind: 'volume', maxChangePercent: -5 },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].severity": got "fatal" — expected one of warn, block`,
      `${at}, field "qualityRules[0].threshold": got 5 — expected a share of rows from 0 to 1`,
      `${at}, field "qualityRules[1].threshold": got -0.1 — expected a share of rows from 0 to 1`,
      `${at}, field "qualityRules[2].maxChangePercent": got -5 — expected a percentage from 0 to 1000`,
    ].join('\n'));
  });

  it('rejects custom SQL that does not parse, is not one SELECT, or does not name {table}', () => {
    const { booking } = withRules(
      { id: 'cut_short', kind: 'sql', sql: 'SELECT * FROM {table} WHERE' },
      { id: 'typo', kind: 'sql', sql: 'SELECT * FORM {table}' },
      { id: 'deletes', kind: 'sql', sql: 'DELETE FROM {table}' },
      { id: 'two', kind: 'sql', sql: 'SELECT 1 FROM {table}; SELECT 2 FROM {table}' },
      { id: 'constant', kind: 'sql', sql: 'SELECT 1' },
    );
    expectMessage(() => loadDomain(booking), [
      `${at}, field "qualityRules[0].sql": rule "cut_short" (sql): does not parse as BigQuery SQL at line 1, column 28 (the text ends too early) — expected a single SELECT over {table}`,
      `${at}, field "qualityRules[1].sql": rule "typo" (sql): does not parse as BigQuery SQL at line 1, column 13 (unexpected "M") — expected a single SELECT over {table}`,
      `${at}, field "qualityRules[2].sql": rule "deletes" (sql): is a DELETE statement — expected a single SELECT over {table}`,
      `${at}, field "qualityRules[3].sql": rule "two" (sql): holds 2 statements — expected a single SELECT over {table}`,
      `${at}, field "qualityRules[4].sql": rule "constant" (sql): names no {table} — expected a SELECT over {table}, the table under test`,
    ].join('\n'));
  });

  it('rejects references whose column count differs (domain) or whose target does not resolve or compare (registry)', () => {
    const refer = (to: string, columns = ['CUSTOMER_ID']) => withRules({ id: 'customer_exists', kind: 'references', columns, to });
    const pair = refer('customer.customer.CUSTOMER_ID,LAST_NAME');
    expectMessage(() => loadDomain(pair.booking),
      `${at}, field "qualityRules[0].to": rule "customer_exists" (references): "customer.customer.CUSTOMER_ID,LAST_NAME" names 2 column(s) for 1 in columns — expected the same number, in the same order`);
    const field = `${at}, field "qualityRules[0].to": rule "customer_exists" (references)`;
    const cases: [string, string][] = [
      ['custmer.customer.CUSTOMER_ID', `"custmer.customer.CUSTOMER_ID": domain "custmer" is not declared (declared: customer, booking)`],
      ['customer.client.CUSTOMER_ID', `"customer.client.CUSTOMER_ID": table "client" is not declared in domain "customer" (declared: customer)`],
      ['customer.customer.CUST_ID', `"customer.customer.CUST_ID": column "CUST_ID" is not declared in table "customer.customer" (declared: CUSTOMER_ID, LAST_NAME, EMAIL, BIRTH_DATE_NUM, UPDATED_TS)`],
      ['customer.customer.LAST_NAME', `"customer.customer.LAST_NAME" is VARCHAR(80), column "CUSTOMER_ID" is BIGINT — expected comparable types (both numbers, both text, both dates…)`],
    ];
    for (const [to, message] of cases) {
      const { customer, booking } = refer(to);
      expect(() => loadDomain(booking)).not.toThrow();
      expectMessage(() => loadDomains([customer, booking]), `${field}: ${message}`);
    }
  });
});
