import { describe, expect, it } from 'vitest';
import { captureFormatProblems } from './cdc-formats.js';
import type { SourcePlan } from './connectors.js';

const plans: SourcePlan[] = [
  { system: 'db2', kind: 'db2', variable: 'DB2_URL' },
  { system: 'crm', kind: 'postgres', variable: 'FACTORY_SOURCE_URL' },
];

describe('FACTORY_CDC_FORMATS against the planned sources', () => {
  it('accepts IIDR or Debezium Db2 for a system read from DB2, Debezium PostgreSQL for one read from PostgreSQL', () => {
    expect(captureFormatProblems({ db2: 'iidr-kcop-json', crm: 'debezium-postgresql' }, plans)).toEqual([]);
    expect(captureFormatProblems({ db2: 'debezium-db2', crm: 'debezium' }, plans)).toEqual([]);
  });

  it('refuses a system no contract reads, and IIDR where the backfill records PostgreSQL positions', () => {
    expect(captureFormatProblems({ db3: 'iidr-kcop-json' }, plans)).toEqual(['FACTORY_CDC_FORMATS: system db3 is not a contract system with a source (those are: db2, crm)']);
    const standIn: SourcePlan[] = [{ system: 'db2', kind: 'postgres standing in for db2', variable: 'FACTORY_SOURCE_URL' }];
    expect(captureFormatProblems({ db2: 'iidr-kcop-json' }, standIn)).toEqual([
      'FACTORY_CDC_FORMATS: system db2 is read from postgres standing in for db2, whose backfill positions iidr-kcop-json events cannot be compared with (use debezium-postgresql)',
    ]);
    expect(captureFormatProblems({ db2: 'debezium-postgresql' }, plans)).toHaveLength(1);
  });
});
