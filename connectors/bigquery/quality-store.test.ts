import { BigQuery } from '@google-cloud/bigquery';
import { describe, expect, it } from 'vitest';
import { qualityValue } from './quality-store.js';

// A check's result row as the client library decodes BigQuery's REST answer (the same decoding
// runQualityQuery asks for: INT64 as bigint), then as the JSON the gate stores.

describe('qualityValue', () => {
  it('gives INT64 past 2^53 and NUMERIC integers as exact text, timestamps as ISO text, arrays as text', () => {
    const fields = [
      { name: 'big', type: 'INT64' }, { name: 'n', type: 'INT64' }, { name: 'sum', type: 'NUMERIC' }, { name: 'share', type: 'NUMERIC' },
      { name: 'huge', type: 'BIGNUMERIC' }, { name: 'at', type: 'TIMESTAMP' }, { name: 'local', type: 'DATETIME' }, { name: 'day', type: 'DATE' },
      { name: 'keys', type: 'STRING', mode: 'REPEATED' }, { name: 'rate', type: 'FLOAT64' }, { name: 'none', type: 'INT64' },
    ];
    const raw = { f: [
      { v: '9007199254740993' }, { v: '42' }, { v: '12.000000000' }, { v: '0.5' }, { v: '123456789012345678901234567890' }, { v: '1704164645123000' },
      { v: '2024-01-02T03:04:05' }, { v: '2024-01-02' }, { v: [{ v: '7' }, { v: '19' }] }, { v: '0.25' }, { v: null },
    ] };
    const [row] = BigQuery.mergeSchemaWithRows_({ fields }, [raw], { wrapIntegers: { integerTypeCastFunction: (v: string) => BigInt(v) } }) as Record<string, unknown>[];
    expect(Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, qualityValue(v)]))).toEqual({
      big: '9007199254740993', n: 42, sum: 12, share: 0.5, huge: '123456789012345678901234567890', at: '2024-01-02T03:04:05.123Z',
      local: '2024-01-02T03:04:05.000Z', day: '2024-01-02', keys: ['7', '19'], rate: 0.25, none: null,
    });
  });
});
