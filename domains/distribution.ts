import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** Where bookings come from: own channels and the travel agencies that resell. */
export const distributionDomain = {
  name: 'distribution',
  description: 'Sales channels, travel agencies and their commercial contracts.',
  dpo: { id: 'dpo.distribution', name: 'Caspar Wendelin', email: 'dpo.distribution@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-distribution', deputies: 'deputy-distribution' },
  deputies: [{ id: 'deputy.distribution.1', name: 'Noor Haddadin' }],
  tables: [
    {
      name: 'channel',
      description: 'Sales channels: website, call centre, agencies, online travel agents.',
      source: { system: 'db2', schema: 'DIST', table: 'CHANNEL' },
      primaryKey: ['CHANNEL_CODE'],
      columns: [
        { name: 'CHANNEL_CODE', type: 'CHAR(3)', description: 'e.g. WEB, CCN, AGY, OTA.' },
        { name: 'CHANNEL_NAME', type: 'VARCHAR(60)' },
        { name: 'CHANNEL_TYPE', type: 'CHAR(1)', description: 'D direct, A agency, O online travel agent.' },
        { name: 'DEFAULT_COMMISSION_PCT', type: 'DECIMAL(5,2)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'agency',
      description: 'Travel agencies and tour operators that book on behalf of guests.',
      source: { system: 'db2', schema: 'DIST', table: 'AGENCY' },
      primaryKey: ['AGENCY_ID'],
      columns: [
        { name: 'AGENCY_ID', type: 'INTEGER' },
        { name: 'AGENCY_NAME', type: 'VARCHAR(100)' },
        { name: 'IATA_CODE', type: 'CHAR(8)', nullable: true },
        { name: 'CHANNEL_CODE', type: 'CHAR(3)', references: 'distribution.channel.CHANNEL_CODE' },
        { name: 'COUNTRY_CODE', type: 'CHAR(2)', references: 'reference.country.COUNTRY_CODE' },
        { name: 'CONTACT_NAME', type: 'VARCHAR(100)', nullable: true, pii: 'identity', description: 'The agent we deal with: a natural person.' },
        { name: 'CONTACT_EMAIL', type: 'VARCHAR(254)', nullable: true, pii: 'contact' },
        { name: 'CREDIT_LIMIT', type: 'DECIMAL(13,2)', description: 'In EUR; bookings above it need prepayment.' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'A active, S suspended, C closed.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'agency_contract',
      description: 'Commercial terms of an agency: which price list it sells from and at what commission.',
      source: { system: 'db2', schema: 'DIST', table: 'AGENCY_CONTRACT' },
      primaryKey: ['CONTRACT_ID'],
      columns: [
        { name: 'CONTRACT_ID', type: 'INTEGER' },
        { name: 'AGENCY_ID', type: 'INTEGER', references: 'distribution.agency.AGENCY_ID' },
        { name: 'PRICE_LIST_ID', type: 'INTEGER', references: 'pricing.price_list.PRICE_LIST_ID' },
        { name: 'COMMISSION_PCT', type: 'DECIMAL(5,2)' },
        { name: 'VALID_FROM', type: 'DATE' },
        { name: 'VALID_TO', type: 'DATE', nullable: true },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'agency_directory',
      description: 'Active agencies with their channel and current contract, for sales and finance.',
      tables: ['agency', 'channel', 'agency_contract'],
      consumers: ['sales', 'finance'],
    },
  ],
} satisfies DomainDeclaration;
