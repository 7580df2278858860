import { createHmac } from 'node:crypto';
import type { WarehouseDialect } from './sql/dialect.js';

/**
 * Keyed hashes (HMAC-SHA256) of values, computed the same way in Node and in warehouse SQL: the
 * pseudonyms of the access policy (stable per key, so joins still work) and the erasure ledger's
 * subject hashes (the identifier never stored in clear). The value is hashed as its text
 * (`CAST(x AS VARCHAR)` / `CAST(x AS STRING)` in SQL, `String(x)` in Node: '12345' for a BIGINT),
 * and the result is lower-case hex.
 *
 * SQL engines here have SHA-256 but no HMAC, so HMAC is spelt out (RFC 2104):
 * H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) with K zero-padded to SHA-256's 64-byte block. The SQL carries the
 * padded key material as hex: whoever can read a generated view's text can read the key, so
 * generated SQL is only ever given to the warehouse, never logged.
 *
 * Not for workflow code: node:crypto is not available in Temporal's workflow sandbox.
 */

const blockBytes = 64;

/** HMAC-SHA256 of a value's text, in hex. */
export function keyedHash(key: Uint8Array, value: string | number | bigint): string {
  return createHmac('sha256', key).update(String(value), 'utf8').digest('hex');
}

/** The inner and outer padded keys of HMAC-SHA256, in hex. */
export function hmacPads(key: Uint8Array): { inner: string; outer: string } {
  if (key.length > blockBytes) throw new Error(`keyed hash: a key of ${key.length} bytes; expected at most ${blockBytes}`);
  const padded = new Uint8Array(blockBytes);
  padded.set(key);
  const hex = (mask: number) => Buffer.from(padded.map((b) => b ^ mask)).toString('hex');
  return { inner: hex(0x36), outer: hex(0x5c) };
}

/** SQL computing keyedHash(key, <expr>) in the warehouse's dialect; NULL stays NULL. */
export function keyedHashSql(dialect: WarehouseDialect, expr: string, key: Uint8Array): string {
  const { inner, outer } = hmacPads(key);
  if (dialect === 'duckdb') {
    return `sha256(unhex('${outer}') || unhex(sha256(unhex('${inner}') || encode(CAST(${expr} AS VARCHAR)))))`;
  }
  // Bytes are joined as hex and decoded once (FROM_HEX(CONCAT(hex, hex))), the same bytes as CONCAT of
  // BYTES: the BigQuery emulator (bqemulator) turns BYTES into escaped text under CONCAT, this form it computes right.
  const text = `TO_HEX(CAST(CAST(${expr} AS STRING) AS BYTES))`;
  return `TO_HEX(SHA256(FROM_HEX(CONCAT('${outer}', TO_HEX(SHA256(FROM_HEX(CONCAT('${inner}', ${text}))))))))`;
}
