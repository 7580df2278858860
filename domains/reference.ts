import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** Code lists shared by every other domain; it references nothing outside itself. */
export const referenceDomain = {
  name: 'reference',
  description: 'Shared code lists: countries, currencies, daily exchange rates, languages and the resorts themselves.',
  dpo: { id: 'dpo.reference', name: 'Ilse Vandermeer', email: 'dpo.reference@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-reference', deputies: 'deputy-reference' },
  deputies: [{ id: 'deputy.reference.1', name: 'Tomasz Relling' }],
  tables: [
    {
      name: 'currency',
      description: 'ISO 4217 currencies the operator prices or settles in.',
      source: { system: 'db2', schema: 'REFD', table: 'CURRENCY' },
      primaryKey: ['CURRENCY_CODE'],
      columns: [
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', description: 'ISO 4217 code, e.g. EUR.' },
        { name: 'CURRENCY_NAME', type: 'VARCHAR(40)' },
        { name: 'MINOR_UNITS', type: 'SMALLINT', description: 'Digits after the decimal point (2 for EUR, 0 for JPY).' },
        { name: 'ACTIVE_FLAG', type: 'CHAR(1)', description: 'Y when still accepted for new bookings.' },
        createdTs,
        updatedTs,
      ],
      qualityRules: [
        { id: 'currency_code_iso', kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency', severity: 'block' },
      ],
    },
    {
      name: 'country',
      description: 'ISO 3166 countries: guest nationalities, addresses, resort locations and sales markets.',
      source: { system: 'db2', schema: 'REFD', table: 'COUNTRY' },
      primaryKey: ['COUNTRY_CODE'],
      columns: [
        { name: 'COUNTRY_CODE', type: 'CHAR(2)', description: 'ISO 3166-1 alpha-2.' },
        { name: 'ISO3_CODE', type: 'CHAR(3)' },
        { name: 'COUNTRY_NAME', type: 'VARCHAR(60)' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE', description: 'Local currency.' },
        { name: 'EU_MEMBER_FLAG', type: 'CHAR(1)', description: 'Y for EU member states (VAT and GDPR reporting).' },
        createdTs,
        updatedTs,
      ],
      qualityRules: [
        {
          id: 'country_code_iso', kind: 'format', column: 'COUNTRY_CODE', format: 'iso_country',
          description: 'XK (Kosovo) is in use but user-assigned, not in ISO 3166-1: known, so a warning.',
        },
      ],
    },
    {
      name: 'language',
      description: 'Languages guests are served in (correspondence, call centre routing).',
      source: { system: 'db2', schema: 'REFD', table: 'LANGUAGE' },
      primaryKey: ['LANGUAGE_CODE'],
      columns: [
        { name: 'LANGUAGE_CODE', type: 'CHAR(2)', description: 'ISO 639-1.' },
        { name: 'LANGUAGE_NAME', type: 'VARCHAR(40)' },
        { name: 'CALL_CENTRE_FLAG', type: 'CHAR(1)', description: 'Y when the call centre staffs this language.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'exchange_rate',
      description:
        'Daily rates to EUR loaded by the treasury batch. A legacy table without a primary key: a unique index on currency and date is what keeps it clean.',
      source: { system: 'db2', schema: 'REFD', table: 'EXCH_RATE' },
      uniqueKey: ['CURRENCY_CODE', 'RATE_DATE'],
      columns: [
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'RATE_DATE', type: 'DATE' },
        { name: 'RATE_TO_EUR', type: 'DECIMAL(31,8)', description: 'Units of EUR for one unit of the currency.' },
        { name: 'RATE_SOURCE', type: 'CHAR(4)', description: 'ECB or BANK (manual treasury override).' },
        { name: 'LOADED_TS', type: 'TIMESTAMP(6)', description: 'When the batch wrote the rate; rates are never updated in place.' },
      ],
    },
    {
      name: 'resort',
      description: 'The resorts: location, time zone and capacity.',
      source: { system: 'db2', schema: 'REFD', table: 'RESORT' },
      primaryKey: ['RESORT_CODE'],
      columns: [
        { name: 'RESORT_CODE', type: 'CHAR(4)', description: 'Four-letter resort code used across all systems, e.g. ALPS.' },
        { name: 'RESORT_NAME', type: 'VARCHAR(80)' },
        { name: 'COUNTRY_CODE', type: 'CHAR(2)', references: 'reference.country.COUNTRY_CODE' },
        { name: 'TIMEZONE_NAME', type: 'VARCHAR(40)', description: 'IANA zone, e.g. Europe/Vienna; stay dates are local to it.' },
        { name: 'BED_CAPACITY', type: 'INTEGER' },
        { name: 'OPENING_DATE', type: 'DATE' },
        { name: 'CLOSED_DATE', type: 'DATE', nullable: true, description: 'Set when the resort left the portfolio.' },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'reference_data',
      description: 'Current code lists and the full exchange-rate history, for joins in every other product.',
      tables: ['currency', 'country', 'language', 'exchange_rate', 'resort'],
      consumers: ['analytics', 'finance'],
    },
  ],
} satisfies DomainDeclaration;
