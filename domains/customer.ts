import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** The guests: who they are and how to reach them. Most of the operator's personal data lives here. */
export const customerDomain = {
  name: 'customer',
  description: 'Guests and lead bookers: identity, addresses, contact points, travel documents and preferences.',
  dpo: { id: 'dpo.customer', name: 'Henrike Osterwald', email: 'dpo.customer@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-customer', deputies: 'deputy-customer' },
  deputies: [
    { id: 'deputy.customer.1', name: 'Paolo Brancati' },
    { id: 'deputy.customer.2', name: 'Sunniva Aaberg' },
  ],
  tables: [
    {
      name: 'customer',
      description: 'One row per guest or lead booker known to the booking system.',
      source: { system: 'db2', schema: 'CUST', table: 'CUSTOMER' },
      primaryKey: ['CUSTOMER_ID'],
      columns: [
        { name: 'CUSTOMER_ID', type: 'BIGINT', description: 'Surrogate id from the CUST.CUSTOMER_SEQ sequence.' },
        { name: 'TITLE_CODE', type: 'CHAR(4)', nullable: true, description: 'MR, MRS, MS, DR…; blank-padded.' },
        { name: 'FIRST_NAME', type: 'VARCHAR(60)', pii: 'identity' },
        { name: 'LAST_NAME', type: 'VARCHAR(80)', pii: 'identity' },
        { name: 'BIRTH_DATE_NUM', type: 'DECIMAL(8,0)', nullable: true, pii: 'identity', encoding: 'yyyymmdd', description: 'Legacy numeric date; 0 when unknown.' },
        { name: 'GENDER_CODE', type: 'CHAR(1)', nullable: true, pii: 'identity' },
        { name: 'NATIONALITY_CODE', type: 'CHAR(2)', nullable: true, references: 'reference.country.COUNTRY_CODE' },
        { name: 'LANGUAGE_CODE', type: 'CHAR(2)', references: 'reference.language.LANGUAGE_CODE', description: 'Correspondence language.' },
        { name: 'CUSTOMER_TYPE', type: 'CHAR(1)', description: 'P private, B business traveller, G group leader.' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'A active, M merged into another customer, E erased on request.' },
        createdTs,
        updatedTs,
      ],
      qualityRules: [
        { id: 'customer_type_known', kind: 'accepted_values', column: 'CUSTOMER_TYPE', values: ['P', 'B', 'G'], severity: 'block', quarantine: true },
        { id: 'customer_status_known', kind: 'accepted_values', column: 'STATUS_CODE', values: ['A', 'M', 'E'], severity: 'block', quarantine: true },
        { id: 'customer_nationality_exists', kind: 'references', columns: ['NATIONALITY_CODE'], to: 'reference.country.COUNTRY_CODE', severity: 'block' },
      ],
      businessRules: [
        { id: 'customer_title_trimmed', kind: 'trim', columns: ['TITLE_CODE'], emptyAsNull: true, description: 'Blank-padded; blank means no title.' },
        { id: 'customer_codes_trimmed', kind: 'trim', columns: ['GENDER_CODE', 'NATIONALITY_CODE', 'LANGUAGE_CODE', 'CUSTOMER_TYPE', 'STATUS_CODE'] },
        { id: 'customer_birth_date', kind: 'yyyymmdd_date', column: 'BIRTH_DATE_NUM', output: 'BIRTH_DATE', description: '0 (unknown) becomes NULL; as personal as the number it decodes (identity).' },
        { id: 'customer_nationality_name', kind: 'lookup', column: 'NATIONALITY_CODE', output: 'NATIONALITY_NAME', from: 'reference.country', key: 'COUNTRY_CODE', label: 'COUNTRY_NAME' },
        { id: 'customer_language_name', kind: 'lookup', column: 'LANGUAGE_CODE', output: 'LANGUAGE_NAME', from: 'reference.language', key: 'LANGUAGE_CODE', label: 'LANGUAGE_NAME' },
        { id: 'customer_status_label', kind: 'lookup', column: 'STATUS_CODE', output: 'STATUS_LABEL', values: { A: 'active', M: 'merged', E: 'erased' }, default: 'UNKNOWN' },
      ],
    },
    {
      name: 'customer_address',
      description: 'Postal addresses of a customer, versioned by validity period.',
      source: { system: 'db2', schema: 'CUST', table: 'CUST_ADDRESS' },
      primaryKey: ['CUSTOMER_ID', 'ADDRESS_SEQ'],
      columns: [
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'ADDRESS_SEQ', type: 'SMALLINT', description: 'Running number per customer.' },
        { name: 'ADDRESS_TYPE', type: 'CHAR(1)', description: 'H home, B billing, W work.' },
        { name: 'STREET_LINE_1', type: 'VARCHAR(100)', pii: 'contact' },
        { name: 'STREET_LINE_2', type: 'VARCHAR(100)', nullable: true, pii: 'contact' },
        { name: 'POSTAL_CODE', type: 'VARCHAR(12)', pii: 'contact' },
        { name: 'CITY_NAME', type: 'VARCHAR(60)', pii: 'contact' },
        { name: 'COUNTRY_CODE', type: 'CHAR(2)', references: 'reference.country.COUNTRY_CODE' },
        { name: 'VALID_FROM', type: 'DATE' },
        { name: 'VALID_TO', type: 'DATE', nullable: true, description: 'Open-ended while current.' },
        updatedTs,
      ],
    },
    {
      name: 'customer_contact',
      description: 'E-mail addresses and phone numbers of a customer.',
      source: { system: 'db2', schema: 'CUST', table: 'CUST_CONTACT' },
      primaryKey: ['CONTACT_ID'],
      columns: [
        { name: 'CONTACT_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'CONTACT_TYPE', type: 'CHAR(1)', description: 'E e-mail, P landline, M mobile.' },
        { name: 'CONTACT_VALUE', type: 'VARCHAR(254)', pii: 'contact', description: 'The address or number as entered.' },
        { name: 'PREFERRED_FLAG', type: 'CHAR(1)' },
        { name: 'VERIFIED_TS', type: 'TIMESTAMP(6)', nullable: true, description: 'When a confirmation link or code was used.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'customer_document',
      description: 'Travel documents captured for flights and border formalities.',
      source: { system: 'db2', schema: 'CUST', table: 'CUST_DOCUMENT' },
      primaryKey: ['DOCUMENT_ID'],
      // Document numbers: the change log keeps them no longer than a month.
      retention: { changeLogDays: 30 },
      columns: [
        { name: 'DOCUMENT_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'DOCUMENT_TYPE', type: 'CHAR(2)', description: 'PP passport, ID national identity card.' },
        { name: 'DOCUMENT_NUMBER', type: 'VARCHAR(30)', pii: 'identity' },
        { name: 'ISSUING_COUNTRY', type: 'CHAR(2)', references: 'reference.country.COUNTRY_CODE' },
        { name: 'EXPIRY_DATE_NUM', type: 'DECIMAL(8,0)', pii: 'identity', encoding: 'yyyymmdd' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'customer_preference',
      description: 'Stay preferences and care notes the resorts act on (room, diet, mobility).',
      source: { system: 'db2', schema: 'CUST', table: 'CUST_PREFERENCE' },
      primaryKey: ['CUSTOMER_ID', 'PREFERENCE_CODE'],
      columns: [
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'PREFERENCE_CODE', type: 'CHAR(6)', description: 'e.g. FLOOR, PILLOW, DIET, MOBIL.' },
        { name: 'PREFERENCE_VALUE', type: 'VARCHAR(200)', nullable: true },
        { name: 'DIETARY_NOTE', type: 'VARCHAR(500)', nullable: true, pii: 'sensitive', description: 'Allergies and diets; may reveal health or religion.' },
        { name: 'MOBILITY_NOTE', type: 'VARCHAR(500)', nullable: true, pii: 'sensitive', description: 'Accessibility needs; health data.' },
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'customer_profile',
      description: 'One current profile per guest with addresses, contact points and preferences, for the call centre and resort front desks.',
      tables: ['customer', 'customer_address', 'customer_contact', 'customer_preference'],
      consumers: ['call-centre', 'resort-front-desk'],
      // Customer-360 on call-centre screens: current within seconds, read in milliseconds.
      serving: 'realtime',
      // Superseded profiles are personal data nobody reads any more: a week to look back.
      retention: { supersededSnapshotDays: 7 },
    },
  ],
} satisfies DomainDeclaration;
