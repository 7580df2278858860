import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../contracts/source-types.js';
import { declarations, loadDomains, referenceEdges, registry, tablesInDependencyOrder } from './index.js';

const qualified = (e: { domain: { name: string }; table: { name: string } }): string => `${e.domain.name}.${e.table.name}`;

describe('the resort operator domains', () => {
  it('loads the 12 domains', () => {
    expect(registry.domains.map((d) => d.name).sort()).toEqual([
      'booking', 'customer', 'customer_service', 'distribution', 'inventory', 'loyalty',
      'marketing', 'payment', 'pricing', 'product', 'reference', 'transport',
    ]);
    // Loading again from the same declarations gives the same contracts: declarations are not mutated.
    expect(loadDomains(declarations).domains).toEqual(registry.domains);
  });

  it('declares at least 40 source tables of 5 to 15 columns each', () => {
    const tables = registry.allTables();
    expect(tables.length).toBeGreaterThanOrEqual(40);
    for (const { domain, table } of tables) {
      expect(table.columns.length, `${domain.name}.${table.name}`).toBeGreaterThanOrEqual(5);
      expect(table.columns.length, `${domain.name}.${table.name}`).toBeLessThanOrEqual(15);
    }
  });

  it('has the tables the seed and the pipeline build on', () => {
    expect(registry.table('booking.booking').primaryKey).toEqual(['BOOKING_ID']);
    expect(registry.table('booking.booking_line').primaryKey).toEqual(['BOOKING_ID', 'LINE_NO']);
    expect(registry.table('inventory.room_inventory').primaryKey).toEqual(['RESORT_CODE', 'ROOM_TYPE', 'STAY_DATE']);
    expect(registry.table('customer.customer').columns.map((c) => c.name)).toContain('BIRTH_DATE_NUM');
  });

  it('has exactly one table without a primary key, and it declares a unique key', () => {
    const withoutKey = registry.allTables().filter((e) => e.table.primaryKey === undefined);
    expect(withoutKey.map(qualified)).toEqual(['reference.exchange_rate']);
    expect(withoutKey[0]!.table.uniqueKey).toEqual(['CURRENCY_CODE', 'RATE_DATE']);
  });

  it('mixes DB2 with a few tables of the PostgreSQL CRM', () => {
    const systems = new Map<string, string[]>();
    for (const e of registry.allTables()) systems.set(e.table.source.system, [...(systems.get(e.table.source.system) ?? []), qualified(e)]);
    expect([...systems.keys()].sort()).toEqual(['crm_pg', 'db2']);
    expect(new Set(systems.get('crm_pg')!.map((name) => name.split('.')[0]))).toEqual(new Set(['marketing', 'customer_service']));
  });

  it('uses the DB2 shapes the pipeline must handle', () => {
    const columns = registry.allTables().flatMap((e) => e.table.columns.map((c) => ({ ...c, parsed: parseSourceType(c.type) })));
    expect(columns.some((c) => c.parsed.kind === 'DECIMAL' && c.parsed.precision === 31 && c.parsed.scale === 8)).toBe(true);
    expect(columns.some((c) => c.parsed.kind === 'TIMESTAMP' && c.parsed.fractionDigits === 6)).toBe(true);
    expect(columns.filter((c) => c.encoding === 'yyyymmdd').length).toBeGreaterThanOrEqual(3);
    expect(columns.some((c) => c.nullable)).toBe(true);
    const updated = registry.allTables().filter((e) => e.table.columns.some((c) => c.name === 'UPDATED_TS'));
    expect(updated.length / registry.allTables().length).toBeGreaterThan(0.75);
  });

  it('classifies personal data of customers', () => {
    const pii = (qualifiedName: string, column: string) => registry.table(qualifiedName).columns.find((c) => c.name === column)?.pii;
    expect(pii('customer.customer', 'LAST_NAME')).toBe('identity');
    expect(pii('customer.customer_contact', 'CONTACT_VALUE')).toBe('contact');
    expect(pii('customer.customer_document', 'DOCUMENT_NUMBER')).toBe('identity');
    expect(pii('customer.customer_preference', 'DIETARY_NOTE')).toBe('sensitive');
    expect(pii('payment.direct_debit_mandate', 'IBAN')).toBe('financial');
    expect(pii('payment.payment', 'CARD_TOKEN')).toBe('financial');
  });

  it('gives every domain a DPO, one or two deputies and a data product', () => {
    for (const domain of registry.domains) {
      expect(domain.dpo.id).toBe(`dpo.${domain.name}`);
      expect(domain.deputies.length, domain.name).toBeGreaterThanOrEqual(1);
      expect(domain.deputies.length, domain.name).toBeLessThanOrEqual(2);
      for (const deputy of domain.deputies) expect(deputy.id).toMatch(new RegExp(`^deputy\\.${domain.name}\\.\\d$`));
      for (const person of [domain.dpo, ...domain.deputies]) if (person.email) expect(person.email).toMatch(/@example\.org$/);
      expect(domain.products.length, domain.name).toBeGreaterThanOrEqual(1);
    }
  });

  it('links booking to customer, lines to booking and product, payments to booking', () => {
    const edges = referenceEdges(registry.allTables()).map((e) => `${e.from}.${e.column} → ${e.to}`);
    expect(edges).toEqual(expect.arrayContaining([
      'booking.booking.CUSTOMER_ID → customer.customer',
      'booking.booking_line.BOOKING_ID → booking.booking',
      'booking.booking_line.PRODUCT_ID → product.product',
      'payment.payment.BOOKING_ID → booking.booking',
    ]));
  });

  it('orders tables so that every referenced table comes before its referrers', () => {
    const order = tablesInDependencyOrder(registry).map(qualified);
    expect(new Set(order).size).toBe(registry.allTables().length);
    const edges = referenceEdges(registry.allTables());
    expect(edges.length).toBeGreaterThan(40);
    for (const edge of edges) {
      if (edge.from === edge.to) continue;
      expect(order.indexOf(edge.to), `${edge.from}.${edge.column} → ${edge.to}`).toBeLessThan(order.indexOf(edge.from));
    }
    expect(order.indexOf('customer.customer')).toBeLessThan(order.indexOf('booking.booking'));
  });

  it('declares the domains themselves in dependency order, as index.ts says', () => {
    const position = new Map(registry.domains.map((d, i) => [d.name, i]));
    for (const edge of referenceEdges(registry.allTables())) {
      const [from] = edge.from.split('.');
      const [to] = edge.to.split('.');
      expect(position.get(to!)!, `${edge.from}.${edge.column} → ${edge.to}`).toBeLessThanOrEqual(position.get(from!)!);
    }
  });

  it('resolves names typed by people', () => {
    expect(registry.resolve('booking_line')).toMatchObject({ kind: 'table', qualifiedName: 'booking.booking_line' });
    expect(registry.resolve('customer_service')).toMatchObject({ kind: 'domain' });
    expect(() => registry.resolve('bookng')).toThrowError(/^unknown table or domain "bookng": closest are booking, booking\.booking$/);
  });
});
