import { describe, expect, it } from 'vitest';
import type { ColumnDeclaration, DomainDeclaration, TableDeclaration } from '../contracts/contract.js';
import { tablesInDependencyOrder } from './dependencies.js';
import { AmbiguousNameError, ContractError, UnknownNameError } from './errors.js';
import { loadDomains } from './load.js';
import { editDistance } from './registry.js';
import { fixtureDeclarations } from '../test/support/domain-fixtures.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError || error instanceof UnknownNameError || error instanceof AmbiguousNameError) return error.message;
    throw error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

function table(decl: DomainDeclaration, name: string): TableDeclaration {
  const found = decl.tables.find((t) => t.name === name);
  if (!found) throw new Error(`fixture has no table ${name}`);
  return found;
}

function column(t: TableDeclaration, name: string): ColumnDeclaration {
  const found = t.columns.find((c) => c.name === name);
  if (!found) throw new Error(`fixture has no column ${name}`);
  return found;
}

/** A third domain whose payment table references booking; tests add the back reference to close a cycle. */
function paymentDomain(): DomainDeclaration {
  return {
    name: 'payment',
    description: 'Payments.',
    dpo: { id: 'dpo.payment', name: 'Test Owner' },
    tables: [
      {
        name: 'payment',
        description: 'Payments.',
        source: { system: 'db2', schema: 'PAYM', table: 'PAYMENT' },
        primaryKey: ['PAYMENT_ID'],
        columns: [
          { name: 'PAYMENT_ID', type: 'BIGINT' },
          { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
          { name: 'AMOUNT', type: 'DECIMAL(13,2)' },
        ],
      },
    ],
  };
}

describe('loadDomains: rules across domains', () => {
  it('rejects a domain declared twice', () => {
    const { customer, booking } = fixtureDeclarations();
    expect(messageOf(() => loadDomains([customer, booking, fixtureDeclarations().customer]))).toBe(
      'domain "customer", field "name": declared twice (declarations[0] and declarations[2])',
    );
  });

  it('rejects a source table claimed by two domains', () => {
    const { customer, booking } = fixtureDeclarations();
    const payment = paymentDomain();
    table(payment, 'payment').source = { system: 'db2', schema: 'BOOK', table: 'BOOKING_LINE' };
    expect(messageOf(() => loadDomains([customer, booking, payment]))).toBe(
      'domain "payment", table "payment", field "source": source table db2 BOOK.BOOKING_LINE is already declared by table "booking.booking_line"',
    );
  });

  it('allows the same schema and table name in another source system', () => {
    const { customer, booking } = fixtureDeclarations();
    const payment = paymentDomain();
    table(payment, 'payment').source = { system: 'crm_pg', schema: 'BOOK', table: 'BOOKING' };
    expect(loadDomains([customer, booking, payment]).allTables()).toHaveLength(4);
  });

  it('rejects references to a domain, table or column that does not exist', () => {
    const { customer, booking } = fixtureDeclarations();
    column(table(booking, 'booking'), 'CUSTOMER_ID').references = 'custmer.customer.CUSTOMER_ID';
    column(table(booking, 'booking_line'), 'BOOKING_ID').references = 'booking.bookings.BOOKING_ID';
    column(table(booking, 'booking_line'), 'PRODUCT_ID').references = 'customer.customer.CUST_ID';
    expect(messageOf(() => loadDomains([customer, booking]))).toBe(
      [
        'domain "booking", table "booking", column "CUSTOMER_ID", field "references": "custmer.customer.CUSTOMER_ID": domain "custmer" is not declared (declared: customer, booking)',
        'domain "booking", table "booking_line", column "BOOKING_ID", field "references": "booking.bookings.BOOKING_ID": table "bookings" is not declared in domain "booking" (declared: booking, booking_line)',
        'domain "booking", table "booking_line", column "PRODUCT_ID", field "references": "customer.customer.CUST_ID": column "CUST_ID" is not declared in table "customer.customer" (declared: CUSTOMER_ID, LAST_NAME, EMAIL, BIRTH_DATE_NUM, UPDATED_TS)',
      ].join('\n'),
    );
  });

  it('rejects a reference between columns of different types', () => {
    const { customer, booking } = fixtureDeclarations();
    column(table(booking, 'booking'), 'CUSTOMER_ID').type = 'INTEGER';
    expect(messageOf(() => loadDomains([customer, booking]))).toBe(
      'domain "booking", table "booking", column "CUSTOMER_ID", field "references": "customer.customer.CUSTOMER_ID" is BIGINT, this column is INTEGER — expected the same type on both sides',
    );
  });

  it("rejects a data product listing another domain's table that does not exist", () => {
    const { customer, booking } = fixtureDeclarations();
    booking.products![0]!.tables = ['booking', 'customer.customers', 'loyalty.membership'];
    expect(messageOf(() => loadDomains([customer, booking]))).toBe(
      [
        'domain "booking", product "bookings", field "tables[1]": "customer.customers": table "customers" is not declared in domain "customer" (declared: customer)',
        'domain "booking", product "bookings", field "tables[2]": "loyalty.membership": domain "loyalty" is not declared (declared: customer, booking)',
      ].join('\n'),
    );
  });

  it('rejects a reference cycle and names it', () => {
    const { customer, booking } = fixtureDeclarations();
    table(booking, 'booking').columns.push({ name: 'LAST_PAYMENT_ID', type: 'BIGINT', nullable: true, references: 'payment.payment.PAYMENT_ID' });
    expect(messageOf(() => loadDomains([customer, booking, paymentDomain()]))).toBe(
      'domain "booking", table "booking", column "LAST_PAYMENT_ID", field "references": reference cycle booking.booking.LAST_PAYMENT_ID → payment.payment.BOOKING_ID → booking.booking — expected acyclic references so tables can be loaded in dependency order',
    );
  });

  it('treats a self-reference as a cycle', () => {
    const { customer, booking } = fixtureDeclarations();
    table(customer, 'customer').columns.push({ name: 'MERGED_INTO_ID', type: 'BIGINT', nullable: true, references: 'customer.customer.CUSTOMER_ID' });
    expect(messageOf(() => loadDomains([customer, booking]))).toBe(
      'domain "customer", table "customer", column "MERGED_INTO_ID", field "references": reference cycle customer.customer.MERGED_INTO_ID → customer.customer — expected acyclic references so tables can be loaded in dependency order',
    );
  });

  it('checks each domain on its own first and reports all of them together', () => {
    const { customer, booking } = fixtureDeclarations();
    delete table(customer, 'customer').primaryKey;
    table(booking, 'booking_line').primaryKey = ['LINE_NO'];
    expect(messageOf(() => loadDomains([customer, booking]))).toBe(
      [
        'domain "customer", table "customer", field "primaryKey": required — declare primaryKey, or uniqueKey for a table without a primary key',
        'domain "booking", table "booking_line", field "primaryKey[0]": column "LINE_NO" is not declared in the table (declared: BOOKING_ID, LINE_NUMBER, PRODUCT_ID, LINE_AMOUNT, UPDATED_TS)',
      ].join('\n'),
    );
  });
});

describe('DomainRegistry', () => {
  const { customer, booking } = fixtureDeclarations();
  const registry = loadDomains([booking, customer, paymentDomain()]);

  it('finds domains and qualified tables', () => {
    expect(registry.domains.map((d) => d.name)).toEqual(['booking', 'customer', 'payment']);
    expect(registry.domain('customer').dpo.id).toBe('dpo.customer');
    expect(registry.table('booking.booking_line').primaryKey).toEqual(['BOOKING_ID', 'LINE_NUMBER']);
    expect(registry.allTables().map((e) => `${e.domain.name}.${e.table.name}`)).toEqual([
      'booking.booking', 'booking.booking_line', 'customer.customer', 'payment.payment',
    ]);
  });

  it('resolves a domain before a bare table of the same name, and a unique bare table name', () => {
    expect(registry.resolve('booking')).toMatchObject({ kind: 'domain', domain: { name: 'booking' } });
    expect(registry.resolve('booking.booking')).toMatchObject({ kind: 'table', qualifiedName: 'booking.booking', table: { name: 'booking' } });
    expect(registry.resolve('booking_line')).toMatchObject({ kind: 'table', qualifiedName: 'booking.booking_line' });
  });

  it('suggests the closest names for an unknown name', () => {
    expect(messageOf(() => registry.resolve('bookng'))).toBe('unknown table or domain "bookng": closest are booking, booking.booking');
    expect(messageOf(() => registry.resolve('booking.line'))).toBe('unknown table or domain "booking.line": closest are booking.booking_line, booking.booking, booking');
    expect(messageOf(() => registry.resolve('line'))).toBe('unknown table or domain "line": closest are booking.booking_line');
    expect(messageOf(() => registry.domain('paymnt'))).toBe('unknown domain "paymnt": closest are payment');
    expect(messageOf(() => registry.table('customer'))).toBe('unknown table "customer": closest are customer.customer');
    // Nothing near: the least far names are still offered.
    expect(messageOf(() => registry.domain('zz'))).toBe('unknown domain "zz": closest are booking, payment, customer');
  });

  it('asks for a qualified name when a bare table name is ambiguous', () => {
    const { customer: c, booking: b } = fixtureDeclarations();
    const other = paymentDomain();
    table(other, 'payment').name = 'booking_line';
    const ambiguous = loadDomains([c, b, other]);
    expect(messageOf(() => ambiguous.resolve('booking_line'))).toBe(
      "ambiguous table name \"booking_line\": declared as booking.booking_line, payment.booking_line — expected '<domain>.<table>'",
    );
  });

  it('freezes the contracts it shares', () => {
    expect(() => registry.domain('booking').tables.pop()).toThrow(TypeError);
  });

  it('orders tables so that referenced tables come first, keeping declaration order otherwise', () => {
    const order = tablesInDependencyOrder(registry).map((e) => `${e.domain.name}.${e.table.name}`);
    expect(order).toEqual(['customer.customer', 'booking.booking', 'booking.booking_line', 'payment.payment']);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('bookng', 'booking')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
