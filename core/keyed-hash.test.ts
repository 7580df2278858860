import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { hmacPads, keyedHash, keyedHashSql } from './keyed-hash.js';

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256);

describe('keyed hash', () => {
  it('is HMAC-SHA256 of the value text', () => {
    expect(keyedHash(key, 12345)).toBe(createHmac('sha256', key).update('12345').digest('hex'));
    expect(keyedHash(key, 'Zoë')).toBe(createHmac('sha256', key).update('Zoë', 'utf8').digest('hex'));
    expect(keyedHash(key, 1)).not.toBe(keyedHash(Uint8Array.from(key, (b) => b ^ 1), 1));
  });

  it('refuses a key longer than one block', () => {
    expect(() => hmacPads(new Uint8Array(65))).toThrow('a key of 65 bytes; expected at most 64');
  });

  it('DuckDB SQL computes the same hash as Node', async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const sql = `SELECT ${keyedHashSql('duckdb', 'v', key)} FROM (VALUES (12345::BIGINT), (NULL::BIGINT)) t(v)`;
    const rows = (await db.runAndReadAll(sql)).getRowsJS();
    expect(rows).toEqual([[keyedHash(key, 12345)], [null]]);
    const text = (await db.runAndReadAll(`SELECT ${keyedHashSql('duckdb', `'Zoë'`, key)}`)).getRowsJS();
    expect(text).toEqual([[keyedHash(key, 'Zoë')]]);
    db.closeSync();
  });

  it('BigQuery SQL spells the same construction', () => {
    const { inner, outer } = hmacPads(key);
    expect(keyedHashSql('bigquery', 'x', key)).toBe(
      `TO_HEX(SHA256(FROM_HEX(CONCAT('${outer}', TO_HEX(SHA256(FROM_HEX(CONCAT('${inner}', TO_HEX(CAST(CAST(x AS STRING) AS BYTES))))))))))`);
  });
});
