import type { TableContract } from '../../contracts/contract.js';
import { eraseRowsSql, erasureTablesSql as sharedErasureTablesSql, ledgerMatchSql } from '../../core/erasure/ledger-sql.js';
import type { ErasurePlan } from '../../core/erasure/plan.js';
import { keyedHashSql } from '../../core/keyed-hash.js';
import { ident, literal } from '../../core/sql/bigquery.js';

/**
 * SQL for subject erasure on BigQuery (erasure.ts). Unlike DuckDB's, nothing here ever holds a clear
 * value: the subject's rows are found by hashing the key column and comparing with the subject hash,
 * and the reaching values collected from them (BOOKING_IDs, CASE_IDs…) wait in
 * `_factory.erasure_work` as keyed hashes too. So the identifier never reaches BigQuery, not even as
 * a query parameter (which a job's configuration and an error message could show). Scripts inline
 * their few control values (literal): the emulator does not bind parameters in scripts.
 */

export const erasureTablesSql = [
  ...sharedErasureTablesSql('bigquery'),
  // Keyed hashes of the reaching values per key ('<domain>.<table>.<COLUMN>'), between beginErasure and finishErasure.
  'CREATE TABLE IF NOT EXISTS _factory.erasure_work (subject_hash STRING, key_ref STRING, value_hash STRING)',
];

export const transactionScript = (statements: readonly string[]): string =>
  `${['BEGIN TRANSACTION', ...statements, 'COMMIT TRANSACTION'].join(';\n')};`;

/** True for a row whose via columns hash to a reaching value collected for this subject (work table). */
export function workMatchSql(subjectHash: string, vias: readonly { column: string; from: string }[], key: Uint8Array): string {
  return `(${vias.map((v) => `${keyedHashSql('bigquery', ident(v.column), key)} IN (SELECT value_hash FROM _factory.erasure_work
     WHERE subject_hash = ${literal(subjectHash)} AND key_ref = ${literal(v.from)})`).join(' OR ')})`;
}

export interface BeginScriptInput {
  plan: ErasurePlan;
  subjectHash: string;
  keyId: string;
  key: Uint8Array;
  /** Per collecting table ('<domain>.<table>'), the relations that can hold its rows (qualified names). */
  relations: Map<string, string[]>;
}

/**
 * One transaction: the subject hash as the key's value, then per table in reach order the hashes
 * of the reaching values it collects, then the ledger entries of every via (a repeated erasure adds
 * no entry twice). Nothing else is modified, so change capture and backfill are guarded first.
 */
export function beginScript({ plan, subjectHash, keyId, key, relations }: BeginScriptInput): string {
  const s = literal(subjectHash);
  const statements = [
    `DELETE FROM _factory.erasure_work WHERE subject_hash = ${s}`,
    `INSERT INTO _factory.erasure_work (subject_hash, key_ref, value_hash) VALUES (${s}, ${literal(plan.key)}, ${s})`,
  ];
  for (const t of plan.tables) {
    const ref = `${t.domain}.${t.table}`;
    const sources = relations.get(ref) ?? [];
    if (t.collects && sources.length > 0) {
      const collects = ident(t.collects);
      const reached = sources.map((r) => `SELECT ${collects} FROM ${r} WHERE ${workMatchSql(subjectHash, t.vias, key)}`).join('\n  UNION ALL ');
      statements.push(`INSERT INTO _factory.erasure_work (subject_hash, key_ref, value_hash)
SELECT DISTINCT ${s}, ${literal(`${ref}.${t.collects}`)}, ${keyedHashSql('bigquery', collects, key)} FROM (${reached}) WHERE ${collects} IS NOT NULL`);
    }
    for (const v of t.vias) {
      const entry = [s, literal(t.domain), literal(t.table), literal(v.column)];
      statements.push(`INSERT INTO _factory.erasure_ledger (subject_hash, domain, table_name, column_name, value_hash, action, key_id, erased_at)
SELECT DISTINCT ${entry.join(', ')}, w.value_hash, ${literal(t.action)}, ${literal(keyId)}, CURRENT_TIMESTAMP() FROM _factory.erasure_work AS w
WHERE w.subject_hash = ${s} AND w.key_ref = ${literal(v.from)} AND NOT EXISTS (SELECT 1 FROM _factory.erasure_ledger AS l
  WHERE l.subject_hash = ${s} AND l.domain = ${literal(t.domain)} AND l.table_name = ${literal(t.table)} AND l.column_name = ${literal(v.column)}
    AND l.value_hash = w.value_hash AND l.key_id = ${literal(keyId)})`);
    }
  }
  return transactionScript(statements);
}

export interface LedgerGuardInput {
  domain: string;
  table: TableContract;
  /** Qualified relations about to be ingested (a load table before its swap, a change batch before its merge). */
  relations: string[];
  origin: string;
  /** The ledger's via columns of the table and their action. */
  columns: string[];
  action: string;
  key: Uint8Array;
}

/**
 * Statements (inside the caller's transaction) that count, then delete or anonymise, every row of
 * the relations the ledger names; the count goes to `_factory.erasure_suppressed`.
 */
export function ledgerGuardSql(input: LedgerGuardInput): string[] {
  const { domain, table, action } = input;
  const match = ledgerMatchSql('bigquery', { domain, table: table.name, columns: input.columns, key: input.key });
  const nulled = table.columns.filter((c) => c.pii !== 'none').map((c) => c.name);
  return input.relations.flatMap((relation) => {
    const erase = eraseRowsSql('bigquery', relation, match, action, nulled);
    if (!erase) return [];
    return [`INSERT INTO _factory.erasure_suppressed (domain, table_name, origin, action, row_count, suppressed_at)
SELECT ${literal(domain)}, ${literal(table.name)}, ${literal(input.origin)}, ${literal(action)}, n, CURRENT_TIMESTAMP()
FROM (SELECT COUNT(*) AS n FROM ${relation} WHERE ${match}) WHERE n > 0`, erase];
  });
}

/** One row per relation: its index and how many of its rows match. */
export const matchCountsSql = (relations: readonly { relation: string; match: string }[]): string =>
  relations.map((r, i) => `SELECT ${i} AS i, COUNT(*) AS n FROM ${r.relation} WHERE ${r.match}`).join('\nUNION ALL ');
