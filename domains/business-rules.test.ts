import { describe, expect, it } from 'vitest';
import type { TableDeclaration } from '../contracts/contract.js';
import { ContractError } from './errors.js';
import { loadDomain, loadDomains } from './load.js';
import { referenceDeclaration } from '../test/support/qualified-fixture.js';
import { fixtureDeclarations } from '../test/support/domain-fixtures.js';

/** Business rules are validated at contract load: each message names domain, table, rule and column. */

function expectMessage(run: () => unknown, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a ContractError, but the declaration was accepted').toBeInstanceOf(ContractError);
  expect((caught as ContractError).message).toBe(message);
}

/** The fixture's booking header with a currency code and a status code to write rules on. */
function declarations(rules: unknown[]) {
  const { customer, booking } = fixtureDeclarations();
  const header = booking.tables[0]!;
  header.columns.push({ name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' }, { name: 'STATUS_CODE', type: 'CHAR(1)' });
  header.businessRules = rules as TableDeclaration['businessRules'];
  return { customer, booking, reference: referenceDeclaration() };
}

const all = (d: ReturnType<typeof declarations>) => loadDomains([d.reference, d.customer, d.booking]);

const at = 'domain "booking", table "booking"';

describe('business rules: valid declarations', () => {
  it('accepts each kind and applies the defaults', () => {
    const d = declarations([
      { id: 'codes_trimmed', kind: 'trim', columns: ['STATUS_CODE', 'CURRENCY_CODE'] },
      { id: 'book_date', kind: 'yyyymmdd_date', column: 'BOOK_DATE_NUM', output: 'BOOK_DATE', openEnd: '9999-12-31' },
      { id: 'status_label', kind: 'lookup', column: 'STATUS_CODE', output: 'STATUS_LABEL', values: { O: 'option', C: 'confirmed' }, default: 'UNKNOWN' },
      { id: 'currency_name', kind: 'lookup', column: 'CURRENCY_CODE', output: 'CURRENCY_NAME', from: 'reference.currency', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME' },
      { id: 'total_eur', kind: 'currency', amount: 'TOTAL_AMOUNT', currency: 'CURRENCY_CODE', date: 'BOOK_DATE_NUM', output: 'TOTAL_AMOUNT_EUR' },
    ]);
    const rules = all(d).table('booking.booking').businessRules;
    expect(rules.map((r) => r.kind)).toEqual(['trim', 'yyyymmdd_date', 'lookup', 'lookup', 'currency']);
    expect(rules[0]).toMatchObject({ emptyAsNull: false });
    expect(rules[4]).toMatchObject({ to: 'EUR' });
  });

  it('accepts a TIMESTAMP as the day that picks the rate', () => {
    const d = declarations([{ id: 'total_eur', kind: 'currency', amount: 'TOTAL_AMOUNT', currency: 'CURRENCY_CODE', date: 'UPDATED_TS', output: 'TOTAL_AMOUNT_EUR' }]);
    expect(() => all(d)).not.toThrow();
  });
});

describe('business rules: checked within the table', () => {
  it('names a rule column that is not declared', () => {
    const d = declarations([{ id: 'codes_trimmed', kind: 'trim', columns: ['STATUS_CODE', 'STATUS'] }]);
    expectMessage(() => loadDomain(d.booking),
      `${at}, field "businessRules[0].columns[1]": rule "codes_trimmed" (trim): column "STATUS" is not declared in the table (declared: BOOKING_ID, CUSTOMER_ID, BOOK_DATE_NUM, TOTAL_AMOUNT, UPDATED_TS, CURRENCY_CODE, STATUS_CODE)`);
  });

  it('trims text columns only', () => {
    const d = declarations([{ id: 'codes_trimmed', kind: 'trim', columns: ['TOTAL_AMOUNT'] }]);
    expectMessage(() => loadDomain(d.booking),
      `${at}, field "businessRules[0].columns[0]": rule "codes_trimmed" (trim): column "TOTAL_AMOUNT" is DECIMAL(13,2) — expected a CHAR or VARCHAR column`);
  });

  it("decodes only a column declared with encoding 'yyyymmdd', and an open end that is a real date", () => {
    const d = declarations([
      { id: 'total_date', kind: 'yyyymmdd_date', column: 'TOTAL_AMOUNT', output: 'TOTAL_DATE' },
      { id: 'book_date', kind: 'yyyymmdd_date', column: 'BOOK_DATE_NUM', output: 'BOOK_DATE', openEnd: '9999-02-30' },
    ]);
    expectMessage(() => loadDomain(d.booking), [
      `${at}, field "businessRules[0].column": rule "total_date" (yyyymmdd_date): column "TOTAL_AMOUNT" is not declared with encoding 'yyyymmdd' — expected a DECIMAL(8,0) or INTEGER column holding yyyymmdd numbers, declared as such`,
      `${at}, field "businessRules[1].openEnd": rule "book_date" (yyyymmdd_date): "9999-02-30" is not a date of the calendar — expected an ISO date like '9999-12-31'`,
    ].join('\n'));
  });

  it('wants a lookup from a table or from a code list, with what each needs', () => {
    const d = declarations([
      { id: 'both', kind: 'lookup', column: 'STATUS_CODE', output: 'L1', from: 'reference.currency', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME', values: { O: 'option' } },
      { id: 'neither', kind: 'lookup', column: 'STATUS_CODE', output: 'L2' },
      { id: 'no_label', kind: 'lookup', column: 'CURRENCY_CODE', output: 'L3', from: 'reference.currency', key: 'CURRENCY_CODE' },
      { id: 'padded', kind: 'lookup', column: 'STATUS_CODE', output: 'L4', values: { 'O ': 'option' } },
    ]);
    expectMessage(() => loadDomain(d.booking), [
      `${at}, field "businessRules[0].from": rule "both" (lookup): expected either \`from\` (a code table '<domain>.<table>' with \`key\` and \`label\`) or \`values\` (a code list), not both and not neither`,
      `${at}, field "businessRules[1].from": rule "neither" (lookup): expected either \`from\` (a code table '<domain>.<table>' with \`key\` and \`label\`) or \`values\` (a code list), not both and not neither`,
      `${at}, field "businessRules[2].label": rule "no_label" (lookup): required with \`from\` — expected the label column of reference.currency`,
      `${at}, field "businessRules[3].values": rule "padded" (lookup): code "O " ends in blanks — expected codes as compared, without their CHAR padding`,
    ].join('\n'));
  });

  it('wants a currency rule to name the date that picks the rate, and columns of the right types', () => {
    const d = declarations([
      { id: 'no_date', kind: 'currency', amount: 'TOTAL_AMOUNT', currency: 'CURRENCY_CODE', output: 'E1' },
      { id: 'bad_types', kind: 'currency', amount: 'STATUS_CODE', currency: 'TOTAL_AMOUNT', date: 'CUSTOMER_ID', output: 'E2' },
    ]);
    expectMessage(() => loadDomain(d.booking), [
      `${at}, field "businessRules[0].date": rule "no_date" (currency): required — expected the column whose day picks the exchange rate (a DATE, a TIMESTAMP or a yyyymmdd-encoded number)`,
      `${at}, field "businessRules[1].amount": rule "bad_types" (currency): column "STATUS_CODE" is CHAR(1) — expected a DECIMAL or integer amount column`,
      `${at}, field "businessRules[1].currency": rule "bad_types" (currency): column "TOTAL_AMOUNT" is DECIMAL(13,2) — expected a CHAR or VARCHAR currency code column`,
      `${at}, field "businessRules[1].date": rule "bad_types" (currency): column "CUSTOMER_ID" is BIGINT — expected a DATE, a TIMESTAMP or a yyyymmdd-encoded number`,
    ].join('\n'));
  });

  it('wants each derived column to be a new name', () => {
    const d = declarations([
      { id: 'a', kind: 'yyyymmdd_date', column: 'BOOK_DATE_NUM', output: 'TOTAL_AMOUNT' },
      { id: 'b', kind: 'yyyymmdd_date', column: 'BOOK_DATE_NUM', output: 'BOOK_DATE' },
      { id: 'c', kind: 'lookup', column: 'STATUS_CODE', output: 'BOOK_DATE', values: { O: 'option' } },
      { id: 'c', kind: 'trim', columns: ['STATUS_CODE'] },
    ]);
    expectMessage(() => loadDomain(d.booking), [
      `${at}, field "businessRules[3].id": rule id "c" is already used by businessRules[2] — expected unique rule ids within the table`,
      `${at}, field "businessRules[0].output": rule "a" (yyyymmdd_date): "TOTAL_AMOUNT" is a column of the table — expected a new column name for the derived value`,
      `${at}, field "businessRules[2].output": rule "c" (lookup): "BOOK_DATE" is already the output of rule "b" — expected one rule per derived column`,
    ].join('\n'));
  });

  it('rejects an unknown rule kind and a misspelt field', () => {
    const d = declarations([{ id: 'x', kind: 'uppercase', columns: ['STATUS_CODE'] }]);
    expectMessage(() => loadDomain(d.booking), `${at}, field "businessRules[0].kind": got "uppercase" — expected one of trim, yyyymmdd_date, lookup, currency`);
    const e = declarations([{ id: 'x', kind: 'trim', columns: ['STATUS_CODE'], emptyToNull: true }]);
    expectMessage(() => loadDomain(e.booking), `${at}, field "businessRules[0].emptyToNull": unknown field — expected one of id, description, kind, columns, emptyAsNull`);
  });
});

describe('business rules: checked against the tables they read', () => {
  it('names a lookup table, key or label that is not declared', () => {
    const d = declarations([
      { id: 'l1', kind: 'lookup', column: 'CURRENCY_CODE', output: 'L1', from: 'reference.currencies', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME' },
      { id: 'l2', kind: 'lookup', column: 'CURRENCY_CODE', output: 'L2', from: 'refdata.currency', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME' },
      { id: 'l3', kind: 'lookup', column: 'CURRENCY_CODE', output: 'L3', from: 'reference.currency', key: 'CODE', label: 'NAME' },
    ]);
    expectMessage(() => all(d), [
      `${at}, field "businessRules[0].from": rule "l1" (lookup): "reference.currencies": table "currencies" is not declared in domain "reference" (declared: currency, exchange_rate)`,
      `${at}, field "businessRules[1].from": rule "l2" (lookup): "refdata.currency": domain "refdata" is not declared (declared: reference, customer, booking)`,
      `${at}, field "businessRules[2].key": rule "l3" (lookup): column "CODE" is not declared in table "reference.currency" (declared: CURRENCY_CODE, CURRENCY_NAME)`,
      `${at}, field "businessRules[2].label": rule "l3" (lookup): column "NAME" is not declared in table "reference.currency" (declared: CURRENCY_CODE, CURRENCY_NAME)`,
    ].join('\n'));
  });

  it('wants the lookup key to be the whole key of the code table, of the same kind as the code', () => {
    const d = declarations([
      { id: 'by_date', kind: 'lookup', column: 'CURRENCY_CODE', output: 'L1', from: 'reference.exchange_rate', key: 'CURRENCY_CODE', label: 'RATE_TO_EUR' },
      { id: 'number_code', kind: 'lookup', column: 'CUSTOMER_ID', output: 'L2', from: 'reference.currency', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME' },
    ]);
    expectMessage(() => all(d), [
      `${at}, field "businessRules[0].key": rule "by_date" (lookup): column "CURRENCY_CODE" is not the key of "reference.exchange_rate" (its key: CURRENCY_CODE, RATE_DATE) — expected a single-column key, so each code has one label`,
      `${at}, field "businessRules[1].column": rule "number_code" (lookup): column "CUSTOMER_ID" is BIGINT but "reference.currency.CURRENCY_CODE" is CHAR(3) — expected both codes to be text, or both numbers`,
    ].join('\n'));
  });

  it('wants the exchange rates the currency rules read', () => {
    const d = declarations([{ id: 'total_eur', kind: 'currency', amount: 'TOTAL_AMOUNT', currency: 'CURRENCY_CODE', date: 'BOOK_DATE_NUM', output: 'TOTAL_AMOUNT_EUR' }]);
    d.reference.tables[1]!.columns[2]!.name = 'RATE';
    expectMessage(() => all(d),
      `${at}, field "businessRules[0].to": rule "total_eur" (currency): the exchange rates "reference.exchange_rate" lack column(s) RATE_TO_EUR — expected CURRENCY_CODE, RATE_DATE and RATE_TO_EUR`);
  });
});
