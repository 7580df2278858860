import { describe, expect, it } from 'vitest';
import { UnsupportedSourceTypeError } from '../contracts/source-types.js';
import type { ColumnDeclaration, TableDeclaration } from '../contracts/contract.js';
import { changeLogRetention, defaultRetention, snapshotRetention } from '../contracts/retention.js';
import { ContractError } from './errors.js';
import { loadDomain, loadDomains } from './load.js';
import { fixtureDeclarations } from '../test/support/domain-fixtures.js';

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
  const error = contractError(run);
  expect(error.name).toBe('ContractError');
  expect(error.message).toBe(message);
}

function table(decl: { tables: TableDeclaration[] }, name: string): TableDeclaration {
  const found = decl.tables.find((t) => t.name === name);
  if (!found) throw new Error(`fixture has no table ${name}`);
  return found;
}

function column(t: TableDeclaration, name: string): ColumnDeclaration {
  const found = t.columns.find((c) => c.name === name);
  if (!found) throw new Error(`fixture has no column ${name}`);
  return found;
}

describe('loadDomain: valid declarations', () => {
  it('applies defaults and returns the contract', () => {
    const { customer } = fixtureDeclarations();
    const contract = loadDomain(customer);
    expect(contract.tables[0]!.columns[0]!.nullable).toBe(false);
    expect(contract.tables[0]!.columns[0]!.pii).toBe('none');
    expect(contract.approval.expiryDays).toBe(14);
  });

  it('accepts a table with a uniqueKey and no primaryKey', () => {
    const { booking } = fixtureDeclarations();
    const line = table(booking, 'booking_line');
    delete line.primaryKey;
    line.uniqueKey = ['BOOKING_ID', 'LINE_NUMBER'];
    expect(loadDomain(booking).tables[1]!.uniqueKey).toEqual(['BOOKING_ID', 'LINE_NUMBER']);
  });

  it("accepts 'yyyymmdd' on INTEGER as well as DECIMAL(8,0)", () => {
    const { booking } = fixtureDeclarations();
    column(table(booking, 'booking'), 'BOOK_DATE_NUM').type = 'INTEGER';
    expect(() => loadDomain(booking)).not.toThrow();
  });
});

describe('loadDomain: keys', () => {
  it('rejects a primary key column that is not declared', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking_line').primaryKey = ['BOOKING_ID', 'LINE_NO'];
    expectMessage(
      () => loadDomain(booking),
      'domain "booking", table "booking_line", field "primaryKey[1]": column "LINE_NO" is not declared in the table (declared: BOOKING_ID, LINE_NUMBER, PRODUCT_ID, LINE_AMOUNT, UPDATED_TS)',
    );
  });

  it('rejects a unique key column that is not declared', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking').uniqueKey = ['BOOKING_REF'];
    expectMessage(
      () => loadDomain(booking),
      'domain "booking", table "booking", field "uniqueKey[0]": column "BOOKING_REF" is not declared in the table (declared: BOOKING_ID, CUSTOMER_ID, BOOK_DATE_NUM, TOTAL_AMOUNT, UPDATED_TS)',
    );
  });

  it('requires a primaryKey or a uniqueKey', () => {
    const { booking } = fixtureDeclarations();
    delete table(booking, 'booking_line').primaryKey;
    expectMessage(
      () => loadDomain(booking),
      'domain "booking", table "booking_line", field "primaryKey": required — declare primaryKey, or uniqueKey for a table without a primary key',
    );
  });

  it('rejects a nullable key column and a column listed twice in a key', () => {
    const { booking } = fixtureDeclarations();
    column(table(booking, 'booking_line'), 'LINE_NUMBER').nullable = true;
    table(booking, 'booking').primaryKey = ['BOOKING_ID', 'BOOKING_ID'];
    expectMessage(
      () => loadDomain(booking),
      [
        'domain "booking", table "booking", field "primaryKey[1]": column "BOOKING_ID" is listed twice in the key (primaryKey[0] and primaryKey[1])',
        'domain "booking", table "booking_line", field "primaryKey[1]": column "LINE_NUMBER" is nullable — expected key columns to be NOT NULL (rows are merged by key)',
      ].join('\n'),
    );
  });
});

describe('loadDomain: tables and columns', () => {
  it('rejects a table name declared twice in a domain', () => {
    const { booking } = fixtureDeclarations();
    booking.tables.push({ ...table(booking, 'booking'), source: { system: 'db2', schema: 'BOOK', table: 'BOOKING_OLD' } });
    expectMessage(() => loadDomain(booking), 'domain "booking", table "booking", field "name": table "booking" is declared twice in the domain (tables[0] and tables[2])');
  });

  it('rejects a source table declared twice in a domain', () => {
    const { booking } = fixtureDeclarations();
    booking.tables.push({ ...table(booking, 'booking'), name: 'booking_copy' });
    expectMessage(() => loadDomain(booking), 'domain "booking", table "booking_copy", field "source": source table db2 BOOK.BOOKING is already declared by table "booking.booking"');
  });

  it('rejects a column declared twice in a table', () => {
    const { customer } = fixtureDeclarations();
    table(customer, 'customer').columns.push({ name: 'EMAIL', type: 'VARCHAR(100)', pii: 'contact' });
    expectMessage(() => loadDomain(customer), 'domain "customer", table "customer", column "EMAIL", field "name": column "EMAIL" is declared twice in the table (columns[2] and columns[5])');
  });

  it('rejects an unknown PII class and lists the valid ones', () => {
    const { customer } = fixtureDeclarations();
    (column(table(customer, 'customer'), 'EMAIL') as { pii: string }).pii = 'secret';
    expectMessage(
      () => loadDomain(customer),
      'domain "customer", table "customer", column "EMAIL", field "pii": unknown PII class "secret" — expected one of none, contact, identity, financial, sensitive',
    );
  });

  it('rejects an unsupported column type with the type parser’s explanation', () => {
    const { customer } = fixtureDeclarations();
    column(table(customer, 'customer'), 'EMAIL').type = 'VARCHAR2(254)';
    const parserText = new UnsupportedSourceTypeError('VARCHAR2(254)').message;
    expect(parserText).toContain("unsupported source type 'VARCHAR2(254)'");
    expectMessage(() => loadDomain(customer), `domain "customer", table "customer", column "EMAIL", field "type": ${parserText}`);
  });

  it("rejects 'yyyymmdd' on a column that is neither DECIMAL(8,0) nor INTEGER", () => {
    const { booking } = fixtureDeclarations();
    column(table(booking, 'booking'), 'BOOK_DATE_NUM').type = 'CHAR(8)';
    expectMessage(
      () => loadDomain(booking),
      `domain "booking", table "booking", column "BOOK_DATE_NUM", field "encoding": 'yyyymmdd' expects a DECIMAL(8,0) or INTEGER column, this one is CHAR(8)`,
    );
  });

  it('names a misspelt field instead of dropping it', () => {
    const { customer } = fixtureDeclarations();
    Object.assign(column(table(customer, 'customer'), 'EMAIL'), { nulable: true });
    expectMessage(
      () => loadDomain(customer),
      'domain "customer", table "customer", column "EMAIL", field "nulable": unknown field — expected one of name, type, nullable, pii, description, references, encoding, padding, warehouseType',
    );
  });

  it('says which table and field a zod rule failed in, by name', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking_line').name = 'Booking-Line';
    (table(booking, 'booking').source as { schema: string }).schema = 'book';
    expectMessage(
      () => loadDomain(booking),
      [
        'domain "booking", table "booking", field "source.schema": got "book" — expected an upper-case SQL name like BOOKING_ID',
        'domain "booking", table "Booking-Line", field "name": got "Booking-Line" — expected a lower-case name like booking_line',
      ].join('\n'),
    );
  });

  it('falls back to the position when a column has no name', () => {
    const { customer } = fixtureDeclarations();
    delete (table(customer, 'customer').columns[1] as { name?: string }).name;
    expectMessage(() => loadDomain(customer), 'domain "customer", table "customer", field "columns[1].name": required — expected an upper-case SQL name like BOOKING_ID');
  });
});

describe('loadDomain: retention', () => {
  it('names the domain, table or product and field of a bad retention age', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking').retention = { changeLogDays: 0 };
    table(booking, 'booking_line').retention = { changeLogDays: 1.5 };
    booking.products![0]!.retention = { supersededSnapshotDays: 4000 };
    expectMessage(
      () => loadDomain(booking),
      [
        'domain "booking", table "booking", field "retention.changeLogDays": got 0 — expected a whole number of days from 1 to 3650',
        'domain "booking", table "booking_line", field "retention.changeLogDays": got 1.5 — expected a whole number of days from 1 to 3650',
        'domain "booking", product "bookings", field "retention.supersededSnapshotDays": got 4000 — expected a whole number of days from 1 to 3650',
      ].join('\n'),
    );
  });

  it('names a retention field that a table or a product does not have', () => {
    const { booking } = fixtureDeclarations();
    Object.assign(table(booking, 'booking'), { retention: { supersededSnapshotDays: 30 } });
    Object.assign(booking.products![0]!, { retention: { changeLogDays: 30 } });
    expectMessage(
      () => loadDomain(booking),
      [
        'domain "booking", table "booking", field "retention.changeLogDays": required — expected a whole number of days from 1 to 3650',
        'domain "booking", table "booking", field "retention.supersededSnapshotDays": unknown field — expected one of changeLogDays',
        'domain "booking", product "bookings", field "retention.supersededSnapshotDays": required — expected a whole number of days from 1 to 3650',
        'domain "booking", product "bookings", field "retention.changeLogDays": unknown field — expected one of supersededSnapshotDays',
      ].join('\n'),
    );
  });

  it('keeps what a contract declares and applies the default elsewhere', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking').retention = { changeLogDays: 400 };
    const contract = loadDomain(booking);
    expect(changeLogRetention(contract.tables.find((t) => t.name === 'booking')!)).toEqual({ days: 400, declared: true });
    expect(changeLogRetention(contract.tables.find((t) => t.name === 'booking_line')!)).toEqual({ days: defaultRetention.changeLogDays, declared: false });
    expect(snapshotRetention(contract.products[0]!)).toEqual({ days: defaultRetention.supersededSnapshotDays, declared: false });
  });
});

describe('loadDomain: domain fields', () => {
  it('rewrites a missing DPO into the contract format', () => {
    const { customer } = fixtureDeclarations();
    const pricing = { ...customer, name: 'pricing' } as Record<string, unknown>;
    delete pricing.dpo;
    expectMessage(() => loadDomain(pricing), 'domain "pricing", field "dpo": required — expected { id, name } of the Data Product Owner');
  });

  it('rejects a DPO without a name and a deputy who is the DPO', () => {
    const { booking } = fixtureDeclarations();
    booking.deputies = [{ id: 'dpo.booking', name: 'Test Owner' }];
    expectMessage(() => loadDomain(booking), 'domain "booking", field "deputies[0].id": "dpo.booking" is the DPO — expected a deputy to be someone else');
    delete (booking.dpo as { name?: string }).name;
    expectMessage(() => loadDomain(booking), `domain "booking", field "dpo.name": required — expected the person's display name`);
  });

  it('rejects a data product listing a table the domain does not declare', () => {
    const { booking } = fixtureDeclarations();
    booking.products![0]!.tables = ['booking', 'booking.booking_lines'];
    expectMessage(
      () => loadDomain(booking),
      'domain "booking", product "bookings", field "tables[1]": table "booking_lines" is not declared in the domain (declared: booking, booking_line)',
    );
  });

  it('reports a declaration without a name by its position', () => {
    expectMessage(() => loadDomain('booking'), 'domain (no name): got "booking" — expected an object');
    const { customer, booking } = fixtureDeclarations();
    delete (booking as { name?: string }).name;
    expectMessage(() => loadDomains([customer, booking]), 'domain (declarations[1]), field "name": required — expected a lower-case name like booking_line');
  });

  it('lists every problem of a declaration, one per line, and keeps them as issues', () => {
    const { booking } = fixtureDeclarations();
    table(booking, 'booking_line').primaryKey = ['BOOKING_ID', 'LINE_NO'];
    column(table(booking, 'booking'), 'TOTAL_AMOUNT').type = 'MONEY';
    const error = contractError(() => loadDomain(booking));
    expect(error.issues.map((i) => [i.table, i.column, i.field])).toEqual([
      ['booking', 'TOTAL_AMOUNT', 'type'],
      ['booking_line', undefined, 'primaryKey[1]'],
    ]);
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it("rewrites zod's generic wording for other field rules", () => {
    const { customer } = fixtureDeclarations();
    customer.approval = { reminderHours: -1 };
    (customer.dpo as { email?: string }).email = 'not-an-email';
    Object.assign(customer.products![0]!, { owner: 'x' });
    column(table(customer, 'customer'), 'LAST_NAME').references = 'customer.CUSTOMER_ID';
    expectMessage(
      () => loadDomain(customer),
      [
        'domain "customer", field "dpo.email": got "not-an-email" — expected a valid email',
        'domain "customer", field "approval.reminderHours": got -1 — expected a positive number',
        "domain \"customer\", table \"customer\", column \"LAST_NAME\", field \"references\": got \"customer.CUSTOMER_ID\" — expected '<domain>.<table>.<COLUMN>'",
        'domain "customer", product "customer_profile", field "owner": unknown field — expected one of name, description, tables, consumers, retention, serving',
      ].join('\n'),
    );
  });
});
