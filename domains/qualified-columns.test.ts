import { describe, expect, it } from 'vitest';
import { registry } from './index.js';
import { mostSensitive, qualifiedColumns } from '../core/qualified/columns.js';

const columnsOf = (qualified: string) => qualifiedColumns(registry.table(qualified), (ref) => registry.table(ref));
const derived = (qualified: string) => columnsOf(qualified).filter((c) => c.derivedFrom.length > 0);

describe('qualified columns of a table', () => {
  it('keeps every contract column as declared, then one column per derived value in rule order', () => {
    const table = registry.table('booking.booking');
    const columns = columnsOf('booking.booking');
    expect(columns.slice(0, table.columns.length).map((c) => [c.name, c.type, c.pii])).toEqual(table.columns.map((c) => [c.name, c.type, c.pii]));
    expect(derived('booking.booking').map((c) => [c.name, c.type, c.nullable, c.derivedFrom])).toEqual([
      ['BOOK_DATE', 'DATE', true, ['BOOK_DATE_NUM']],
      ['STATUS_LABEL', 'VARCHAR(9)', true, ['STATUS_CODE']],
      ['CHANNEL_NAME', registry.table('distribution.channel').columns.find((c) => c.name === 'CHANNEL_NAME')!.type, true, ['CHANNEL_CODE']],
      ['RESORT_NAME', registry.table('reference.resort').columns.find((c) => c.name === 'RESORT_NAME')!.type, true, ['RESORT_CODE']],
      ['TOTAL_AMOUNT_EUR', 'DECIMAL(31,2)', true, ['TOTAL_AMOUNT', 'CURRENCY_CODE', 'BOOK_DATE_NUM']],
    ]);
  });

  it('gives a derived value the PII class of the most sensitive column it comes from', () => {
    expect(derived('customer.customer').map((c) => [c.name, c.pii])).toEqual([
      ['BIRTH_DATE', 'identity'], ['NATIONALITY_NAME', 'none'], ['LANGUAGE_NAME', 'none'], ['STATUS_LABEL', 'none'],
    ]);
    expect(derived('booking.booking_guest').find((c) => c.name === 'BIRTH_DATE')?.pii).toBe('identity');
    expect(mostSensitive(['contact', 'sensitive', 'identity'])).toBe('sensitive');
    expect(mostSensitive([])).toBe('none');
  });

  it('types a looked-up label as VARCHAR when its code table is not at hand', () => {
    const columns = qualifiedColumns(registry.table('customer.customer'), () => undefined);
    expect(columns.find((c) => c.name === 'NATIONALITY_NAME')).toMatchObject({ type: 'VARCHAR', pii: 'none' });
    expect(columns.find((c) => c.name === 'STATUS_LABEL')?.type).toBe('VARCHAR(7)');
  });

  it('describes a derived column by its rule when the rule has no description', () => {
    expect(derived('booking.booking').find((c) => c.name === 'STATUS_LABEL')?.description).toBe('lookup of STATUS_CODE (business rule booking_status_label)');
    expect(derived('booking.booking').find((c) => c.name === 'TOTAL_AMOUNT_EUR')?.description).toBe('At the rate of the booking day.');
  });
});
