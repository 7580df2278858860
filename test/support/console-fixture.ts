import type { AccessPolicyDeclaration } from '../../contracts/access-policy.js';
import type { DomainDeclaration } from '../../contracts/contract.js';

/**
 * A small domain for the console's browser tests whose approvers are the booking DPO and deputies of
 * the stack's directory (directory groups dpo-booking, deputy-booking), so a real person of the demo
 * directory can sign in and decide on its publication; and its source rows.
 */
export const consoleDomain: DomainDeclaration = {
  name: 'consoletest',
  description: 'stays of the console browser tests',
  dpo: { id: 'dpo.booking', name: 'Marit Solvang' },
  directoryGroups: { dpo: 'dpo-booking', deputies: 'deputy-booking' },
  deputies: [],
  tables: [{
    name: 'stay', description: 'hotel stays with the guest\'s birth date', source: { system: 'db2', schema: 'CONSOLETEST', table: 'STAY' }, primaryKey: ['STAY_ID'],
    columns: [
      { name: 'STAY_ID', type: 'BIGINT', description: 'stay number' }, { name: 'RESORT', type: 'CHAR(3)', description: 'resort code' },
      { name: 'NIGHTS', type: 'INTEGER', nullable: true, description: 'nights booked' },
      { name: 'STAY_DATE', type: 'DATE', description: 'arrival day' },
      { name: 'GUEST_EMAIL', type: 'VARCHAR(80)', nullable: true, pii: 'contact', description: 'guest e-mail' },
      { name: 'GUEST_BIRTH_NUM', type: 'DECIMAL(8,0)', nullable: true, pii: 'identity', encoding: 'yyyymmdd', description: 'guest birth date as yyyymmdd' },
    ],
    qualityRules: [
      { id: 'stay_unique', kind: 'unique', columns: ['STAY_ID'], severity: 'block' },
      { id: 'nights_positive', kind: 'range', column: 'NIGHTS', min: 1, severity: 'warn' },
    ],
  }],
  products: [{ name: 'stays', description: 'hotel stays for the resort analysts', tables: ['stay'] }],
  kpis: [
    {
      name: 'stays_per_resort_day', description: 'stays starting each day, per resort', product: 'stays', table: 'stay',
      measure: { kind: 'count' }, grain: { time: 'day', column: 'STAY_DATE', by: 'RESORT' }, target: { value: 20, direction: 'at_least' }, owner: 'dpo.booking',
    },
    {
      // Reads a contact column, which analysts see masked: refused to them.
      name: 'guests_per_day', description: 'distinct guests arriving each day', product: 'stays', table: 'stay',
      measure: { kind: 'count_distinct', column: 'GUEST_EMAIL' }, grain: { time: 'day', column: 'STAY_DATE' }, target: { value: 10, direction: 'at_least' }, owner: 'dpo.booking',
    },
  ],
};

export const consoleSourceSql = `
  CREATE SCHEMA "CONSOLETEST";
  CREATE TABLE "CONSOLETEST"."STAY" ("STAY_ID" int8 PRIMARY KEY, "RESORT" character(3) NOT NULL, "NIGHTS" int4, "STAY_DATE" date NOT NULL, "GUEST_EMAIL" varchar(80), "GUEST_BIRTH_NUM" numeric(8,0));
  INSERT INTO "CONSOLETEST"."STAY" SELECT g, (ARRAY['ALP','SEA'])[1 + g % 2], g % 9, DATE '2026-11-28' + g % 5, 'guest' || g || '@example.org', 19800100 + g % 28 + 1 FROM generate_series(1, 40) g;
  ANALYZE;`;

const clear = { none: 'clear', contact: 'clear', identity: 'clear', financial: 'clear', sensitive: 'clear' } as const;
export const consoleAccessPolicy: AccessPolicyDeclaration = {
  roles: {
    admin: { description: 'everything clear', products: 'all', classes: clear },
    engineer: { description: 'identities masked', products: 'all', classes: { ...clear, identity: 'masked', contact: 'masked' } },
    callcentre: { description: 'nothing of this domain', products: [], classes: clear },
    analyst: { description: 'identities pseudonymised', products: 'all', classes: { ...clear, identity: 'pseudonymised', contact: 'masked' } },
    agency: { description: 'nothing of this domain', products: [], classes: clear },
  },
  stewards: { elsewhere: 'analyst' },
};
