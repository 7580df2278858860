import {
  eraseRowsSql as sharedEraseRowsSql, erasureTablesSql as sharedErasureTablesSql, ledgerMatchSql as sharedLedgerMatchSql,
} from '../../core/erasure/ledger-sql.js';
import { ident, literal } from '../../core/sql/duckdb.js';

/**
 * SQL for subject erasure on DuckDB (erasure.ts). The ledger holds keyed hashes only; matching a row
 * against it hashes the row's via column as text, the way the ledger's hashes were made from the
 * reaching values (`CAST(x AS VARCHAR)`), so a BIGINT 42 and the identifier '42' meet.
 */

export const erasureTablesSql = [
  ...sharedErasureTablesSql('duckdb'),
  // The reaching values in clear, between beginErasure and finishErasure only; never returned.
  `CREATE TABLE IF NOT EXISTS _factory.erasure_work (subject_hash VARCHAR, key_ref VARCHAR, value VARCHAR)`,
];

export interface LedgerColumn {
  column: string;
  action: string;
}

/** True for a row whose via columns hash to a ledger entry of the table (any of `columns`). */
export const ledgerMatchSql = (domain: string, table: string, columns: readonly string[], key: Uint8Array, alias = ''): string =>
  sharedLedgerMatchSql('duckdb', { domain, table, columns, key, alias });

/** True for a row whose via columns hold a reaching value collected for this subject (clear values, work table). */
export function workMatchSql(subjectHash: string, vias: readonly { column: string; from: string; type: string }[]): string {
  return `(${vias.map((v) => `${ident(v.column)} IN (SELECT TRY_CAST(value AS ${v.type}) FROM _factory.erasure_work
     WHERE subject_hash = ${literal(subjectHash)} AND key_ref = ${literal(v.from)})`).join(' OR ')})`;
}

/** Deletes the matching rows, or sets the listed columns to NULL in them; undefined when there is nothing to null. */
export const eraseRowsSql = (relation: string, match: string, action: string, nulled: readonly string[]): string | undefined =>
  sharedEraseRowsSql('duckdb', relation, match, action, nulled);
