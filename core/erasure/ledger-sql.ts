import { keyedHashSql } from '../keyed-hash.js';
import { bigquery } from '../sql/bigquery.js';
import type { SqlDialect, WarehouseDialect } from '../sql/dialect.js';
import { duckdb } from '../sql/duckdb.js';

/**
 * SQL matching rows against the erasure ledger (`_factory.erasure_ledger`, keyed hashes only) and
 * erasing them, in either warehouse's dialect. A row's via column is hashed as text, the way the
 * ledger's hashes were made from the reaching values, so a BIGINT 42 and the identifier '42' meet.
 */

const dialects: Record<WarehouseDialect, SqlDialect> = { duckdb, bigquery };

/**
 * The ledger's control tables, in both warehouses alike; each adapter adds its own work table (the
 * reaching values between beginErasure and finishErasure).
 */
export function erasureTablesSql(dialect: WarehouseDialect): string[] {
  const text = dialects[dialect].textType;
  const int = dialect === 'duckdb' ? 'BIGINT' : 'INT64';
  const table = (name: string, columns: string) =>
    `CREATE TABLE IF NOT EXISTS _factory.${name} (${columns.replace(/ text\b/g, ` ${text}`).replace(/ int\b/g, ` ${int}`)})`;
  return [
    table('erasure_ledger', 'subject_hash text, domain text, table_name text, column_name text, value_hash text, action text, key_id text, erased_at TIMESTAMP'),
    // What ingestion left out because of the ledger, per table and load or change batch: nothing is dropped unseen.
    table('erasure_suppressed', 'domain text, table_name text, origin text, action text, row_count int, suppressed_at TIMESTAMP'),
    table('erasure_evidence', 'subject_hash text, report text, recorded_at TIMESTAMP'),
  ];
}

export interface LedgerMatch {
  domain: string;
  table: string;
  /** The via columns whose hash is looked up (any of them matching is a match). */
  columns: readonly string[];
  key: Uint8Array;
  /** Only this subject's entries; all subjects' when unset. */
  subjectHash?: string;
  alias?: string;
}

/** True for a row whose via columns hash to a ledger entry of the table. */
export function ledgerMatchSql(dialect: WarehouseDialect, m: LedgerMatch): string {
  const { ident, literal } = dialects[dialect];
  const prefix = m.alias ? `${m.alias}.` : '';
  const subject = m.subjectHash === undefined ? '' : ` AND subject_hash = ${literal(m.subjectHash)}`;
  return `(${m.columns.map((c) => `${keyedHashSql(dialect, `${prefix}${ident(c)}`, m.key)} IN (SELECT value_hash FROM _factory.erasure_ledger
     WHERE domain = ${literal(m.domain)} AND table_name = ${literal(m.table)} AND column_name = ${literal(c)}${subject})`).join(' OR ')})`;
}

/** Deletes the matching rows, or sets the listed columns to NULL in them; undefined when there is nothing to null. */
export function eraseRowsSql(dialect: WarehouseDialect, relation: string, match: string, action: string, nulled: readonly string[]): string | undefined {
  if (action === 'delete') return `DELETE FROM ${relation} WHERE ${match}`;
  if (nulled.length === 0) return undefined;
  return `UPDATE ${relation} SET ${nulled.map((c) => `${dialects[dialect].ident(c)} = NULL`).join(', ')} WHERE ${match}`;
}
