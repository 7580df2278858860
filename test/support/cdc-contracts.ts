import { readFileSync } from 'node:fs';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import type { KafkaRecordInput } from '../../core/cdc/decode.js';

/** Contracts of the fixture tables (fixtures/README.md) and a reader for the captured records. Test-only. */

export const bookingFix: TableContract = tableSchema.parse({
  name: 'booking_fix',
  description: 'Fixture table covering the booking column types.',
  source: { system: 'pg', schema: 'CDCFIX', table: 'BOOKING_FIX' },
  primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'CHANNEL_CODE', type: 'CHAR(3)' },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)' },
    { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
    { name: 'ARRIVAL_DATE', type: 'DATE' },
    { name: 'NOTE', type: 'VARCHAR(120)', nullable: true },
    { name: 'BOOK_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
    { name: 'ACTIVE', type: 'BOOLEAN' },
  ],
});

export const typesFix: TableContract = tableSchema.parse({
  name: 'types_fix',
  description: 'Fixture table covering the other logical types.',
  source: { system: 'pg', schema: 'CDCFIX', table: 'TYPES_FIX' },
  primaryKey: ['ID'],
  columns: [
    { name: 'ID', type: 'INTEGER' },
    { name: 'T_SMALL', type: 'SMALLINT', nullable: true },
    { name: 'T_REAL', type: 'REAL', nullable: true },
    { name: 'T_DOUBLE', type: 'DOUBLE', nullable: true },
    { name: 'T_NEG', type: 'DECIMAL(12,2)', nullable: true },
    { name: 'T_NUM', type: 'DECIMAL(20,4)', nullable: true },
    { name: 'T_CHAR10', type: 'CHAR(10)', nullable: true },
    { name: 'T_TIME', type: 'TIME', nullable: true },
    { name: 'T_TS3', type: 'TIMESTAMP(3)', nullable: true },
    { name: 'T_TSTZ', type: 'TIMESTAMP(6)', nullable: true },
    { name: 'T_TIMETZ', type: 'TIME', nullable: true },
    { name: 'T_BYTES', type: 'BLOB(1000)', nullable: true },
    { name: 'T_JSON', type: 'CLOB(10000)', nullable: true },
    { name: 'T_BITS', type: 'BLOB(2)', nullable: true },
    { name: 'T_MOOD', type: 'VARCHAR(10)', nullable: true },
  ],
});

export function readFixture(file: string): KafkaRecordInput[] {
  const records = JSON.parse(readFileSync(new URL(`../../core/cdc/fixtures/${file}`, import.meta.url), 'utf8')) as
    { topic: string; partition: number; offset: string; timestamp: string; key: string | null; value: string | null }[];
  return records.map((r) => ({ ...r }));
}

/** The record at `offset` of the topic ending in `.CDCFIX.<table>`. */
export function record(records: KafkaRecordInput[], table: string, offset: number): KafkaRecordInput {
  const found = records.find((r) => r.topic.endsWith(`.CDCFIX.${table}`) && r.offset === String(offset));
  if (!found) throw new Error(`fixture has no record at ${table} offset ${offset}`);
  return found;
}

/** A record's value as an object, for tests that alter one event. */
export function valueOf(input: KafkaRecordInput): { schema: { fields: { field: string; fields?: Record<string, unknown>[] }[] }; payload: Record<string, unknown> & { after: Record<string, unknown>; source: Record<string, unknown> } } {
  return JSON.parse(String(input.value));
}
