import type { DomainDeclaration } from '../../contracts/contract.js';
import { loadDomains } from '../../domains/load.js';
import type { DomainRegistry } from '../../domains/registry.js';

/** A reference domain with the currency code table and the daily exchange rates business rules read. */
export function referenceDeclaration(): DomainDeclaration {
  return {
    name: 'reference',
    description: 'Code lists.',
    dpo: { id: 'dpo.reference', name: 'Test Owner' },
    tables: [
      {
        name: 'currency',
        description: 'Currencies.',
        source: { system: 'db2', schema: 'REFD', table: 'CURRENCY' },
        primaryKey: ['CURRENCY_CODE'],
        columns: [{ name: 'CURRENCY_CODE', type: 'CHAR(3)' }, { name: 'CURRENCY_NAME', type: 'VARCHAR(40)' }],
      },
      {
        name: 'exchange_rate',
        description: 'Daily rates to EUR.',
        source: { system: 'db2', schema: 'REFD', table: 'EXCH_RATE' },
        uniqueKey: ['CURRENCY_CODE', 'RATE_DATE'],
        columns: [
          { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
          { name: 'RATE_DATE', type: 'DATE' },
          { name: 'RATE_TO_EUR', type: 'DECIMAL(31,8)' },
        ],
      },
    ],
  };
}

/**
 * A small shop domain with one rule of each kind, and the reference tables its rules read, for the
 * qualified-layer tests. Each call returns a fresh registry.
 */
export function qualifiedFixture(): DomainRegistry {
  const reference = referenceDeclaration();
  const shop: DomainDeclaration = {
    name: 'shop',
    description: 'Sales.',
    dpo: { id: 'dpo.shop', name: 'Test Owner' },
    tables: [
      {
        name: 'sale',
        description: 'One sale.',
        source: { system: 'db2', schema: 'SHOP', table: 'SALE' },
        primaryKey: ['SALE_ID'],
        columns: [
          { name: 'SALE_ID', type: 'INTEGER' },
          { name: 'STATUS_CODE', type: 'CHAR(2)', nullable: true, description: 'OP open, CL closed.' },
          { name: 'SALE_DATE_NUM', type: 'DECIMAL(8,0)', nullable: true, encoding: 'yyyymmdd' },
          { name: 'VALID_TO_NUM', type: 'INTEGER', nullable: true, encoding: 'yyyymmdd' },
          { name: 'CURRENCY_CODE', type: 'CHAR(3)', nullable: true, references: 'reference.currency.CURRENCY_CODE' },
          { name: 'AMOUNT', type: 'DECIMAL(11,2)', nullable: true },
          { name: 'SOLD_TS', type: 'TIMESTAMP(6)', nullable: true },
        ],
        businessRules: [
          { id: 'codes_trimmed', kind: 'trim', columns: ['STATUS_CODE'], emptyAsNull: true },
          { id: 'sale_date', kind: 'yyyymmdd_date', column: 'SALE_DATE_NUM', output: 'SALE_DATE' },
          { id: 'valid_to', kind: 'yyyymmdd_date', column: 'VALID_TO_NUM', output: 'VALID_TO', openEnd: '9999-12-31' },
          { id: 'status_label', kind: 'lookup', column: 'STATUS_CODE', output: 'STATUS_LABEL', values: { OP: 'open', CL: "it's closed" }, default: 'UNKNOWN' },
          { id: 'currency_name', kind: 'lookup', column: 'CURRENCY_CODE', output: 'CURRENCY_NAME', from: 'reference.currency', key: 'CURRENCY_CODE', label: 'CURRENCY_NAME' },
          { id: 'amount_eur', kind: 'currency', amount: 'AMOUNT', currency: 'CURRENCY_CODE', date: 'SALE_DATE_NUM', output: 'AMOUNT_EUR' },
          { id: 'amount_eur_sold', kind: 'currency', amount: 'AMOUNT', currency: 'CURRENCY_CODE', date: 'SOLD_TS', output: 'AMOUNT_EUR_SOLD' },
        ],
      },
      {
        name: 'note',
        description: 'A table with only trimmed codes.',
        source: { system: 'db2', schema: 'SHOP', table: 'NOTE' },
        primaryKey: ['NOTE_ID'],
        columns: [{ name: 'NOTE_ID', type: 'INTEGER' }, { name: 'KIND_CODE', type: 'CHAR(4)' }],
        businessRules: [{ id: 'kind_trimmed', kind: 'trim', columns: ['KIND_CODE'] }],
      },
    ],
  };
  return loadDomains([reference, shop]);
}
