import { describe, expect, it } from 'vitest';
import { diffSchemas, isWidening, type DiffDataset } from './schema-diff.js';

const published: DiffDataset[] = [
  {
    table: 'booking.booking',
    columns: [
      { name: 'BOOKING_ID', type: 'BIGINT', nullable: false },
      { name: 'CHANNEL', type: 'VARCHAR(20)', nullable: false },
      { name: 'TOTAL', type: 'DECIMAL(11,2)', nullable: true },
      { name: 'NOTE', type: 'VARCHAR(200)', nullable: true },
    ],
  },
];

describe('diffSchemas', () => {
  it('reports nothing for the same schema, however the types are spelt', () => {
    const same = [{ ...published[0]!, columns: published[0]!.columns.map((c) => (c.name === 'CHANNEL' ? { ...c, type: 'varchar( 20 )' } : c)) }];
    expect(diffSchemas(published, same)).toEqual({ changes: [], breaking: false });
  });

  it('classifies added, widened and tightened columns as not breaking', () => {
    const candidate: DiffDataset[] = [{
      table: 'booking.booking',
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT', nullable: false },
        { name: 'CHANNEL', type: 'VARCHAR(40)', nullable: false },
        { name: 'TOTAL', type: 'DECIMAL(13,3)', nullable: false },
        { name: 'NOTE', type: 'VARCHAR(200)', nullable: true },
        { name: 'RESORT', type: 'CHAR(3)', nullable: true },
      ],
    }];
    expect(diffSchemas(published, candidate)).toEqual({
      breaking: false,
      changes: [
        { table: 'booking.booking', column: 'CHANNEL', change: 'retyped', from: 'VARCHAR(20)', to: 'VARCHAR(40)', breaking: false },
        { table: 'booking.booking', column: 'TOTAL', change: 'retyped', from: 'DECIMAL(11,2)', to: 'DECIMAL(13,3)', breaking: false },
        { table: 'booking.booking', column: 'TOTAL', change: 'nullability', from: 'nullable', to: 'not null', breaking: false },
        { table: 'booking.booking', column: 'RESORT', change: 'added', to: 'CHAR(3)', breaking: false },
      ],
    });
  });

  it('classifies removed, narrowed and relaxed columns as breaking', () => {
    const candidate: DiffDataset[] = [{
      table: 'booking.booking',
      columns: [
        { name: 'BOOKING_ID', type: 'INTEGER', nullable: true },
        { name: 'CHANNEL', type: 'VARCHAR(10)', nullable: false },
        { name: 'TOTAL', type: 'DECIMAL(11,2)', nullable: true },
      ],
    }];
    expect(diffSchemas(published, candidate)).toEqual({
      breaking: true,
      changes: [
        { table: 'booking.booking', column: 'BOOKING_ID', change: 'retyped', from: 'BIGINT', to: 'INTEGER', breaking: true },
        { table: 'booking.booking', column: 'BOOKING_ID', change: 'nullability', from: 'not null', to: 'nullable', breaking: true },
        { table: 'booking.booking', column: 'CHANNEL', change: 'retyped', from: 'VARCHAR(20)', to: 'VARCHAR(10)', breaking: true },
        { table: 'booking.booking', column: 'NOTE', change: 'removed', from: 'VARCHAR(200)', breaking: true },
      ],
    });
  });

  it('treats a first publication as all columns added, and a table leaving the product as its columns removed', () => {
    expect(diffSchemas(null, published).changes.map((c) => `${c.change} ${c.column}`)).toEqual(['added BOOKING_ID', 'added CHANNEL', 'added TOTAL', 'added NOTE']);
    const other: DiffDataset[] = [{ table: 'booking.booking_line', columns: [{ name: 'LINE_ID', type: 'BIGINT', nullable: false }] }];
    const diff = diffSchemas(published, other);
    expect(diff.breaking).toBe(true);
    expect(diff.changes.filter((c) => c.change === 'removed').map((c) => c.column)).toEqual(['BOOKING_ID', 'CHANNEL', 'TOTAL', 'NOTE']);
  });
});

describe('isWidening', () => {
  it.each([
    ['SMALLINT', 'BIGINT', true], ['BIGINT', 'SMALLINT', false], ['REAL', 'DOUBLE', true], ['DOUBLE', 'REAL', false],
    ['DECIMAL(9,2)', 'DECIMAL(11,2)', true], ['DECIMAL(9,2)', 'DECIMAL(9,3)', false], ['TIMESTAMP(0)', 'TIMESTAMP(6)', true],
    ['CHAR(3)', 'CHAR(5)', false], ['CHAR(3)', 'VARCHAR(3)', false], ['DATE', 'TIMESTAMP', false], ['INTEGER', 'DECIMAL(31,0)', false],
    ['BLOB(10)', 'BLOB(20)', true], ['NOT A TYPE', 'NOT A TYPE', false],
  ])('%s → %s: %s', (from, to, expected) => {
    expect(isWidening(from, to)).toBe(expected);
  });
});
