import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import { quarantineTableName, ruleReasonSql } from '../../core/quality/quarantine-rules.js';
import { rowFailureReasonSql } from '../../core/quality/row-sql.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import type { TableContract } from '../../contracts/contract.js';
import type { RowRule } from '../../contracts/quality-rules.js';
import { ident } from '../../core/sql/duckdb.js';
import { keyColumns } from './load-sql.js';

/**
 * SQL for row quarantine on DuckDB. A row failing a quarantine rule at ingestion is copied, with the
 * rule id and reason, to `<table>__quarantine`, and its current-state row becomes a tombstone at the
 * row's source position: a late, older change can then never bring the bad version back, and a
 * replay lands the row only while that tombstone is still there (exactly once).
 *
 * `_status`: 'pending' (quarantined by a backfill load not yet swapped in: invisible), 'open',
 * 'replayed' (landed in the current table), 'superseded' (a newer change or load replaced it).
 */

export const quarantineColumns = [
  ['_rule_id', 'VARCHAR'],
  // Rule kind and columns, never the value: quarantine listings and logs must not carry personal data.
  ['_reason', 'VARCHAR'],
  ['_source_position', 'VARCHAR'],
  ['_load_id', 'VARCHAR'],
  ['_quarantined_at', 'TIMESTAMP'],
  ['_status', 'VARCHAR'],
  ['_resolved_at', 'TIMESTAMP'],
  // Source columns the contract does not declare yet (change capture), restored on replay.
  ['_extra', 'VARCHAR'],
] as const;

/** The shared name (core/quality/quarantine-rules.ts), as the DuckDB modules import it from here. */
export { quarantineTableName };

export function createQuarantineTableSql(target: string, table: TableContract): string {
  const columns = [...table.columns.map((c) => `${ident(c.name)} ${duckDbColumnType(c)}`), ...quarantineColumns.map(([n, t]) => `${ident(n)} ${t}`)];
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')})`;
}

const reasonOfSql = (rules: readonly RowRule[], ruleIdExpr: string): string => ruleReasonSql(rules, ruleIdExpr, 'duckdb');

const keyMatch = (table: TableContract, left: string, right: string): string =>
  keyColumns(table).map((k) => `${left}.${ident(k)} = ${right}.${ident(k)}`).join(' AND ');

function requireKey(table: TableContract, what: string): string[] {
  const key = keyColumns(table);
  if (key.length === 0) throw new Error(`table ${table.name}: ${what} needs a primary or unique key`);
  return key;
}

const contractColumns = (table: TableContract): string[] => table.columns.map((c) => ident(c.name));
const nonKeyColumns = (table: TableContract): string[] => table.columns.filter((c) => !keyColumns(table).includes(c.name)).map((c) => ident(c.name));
const quarantineInsertColumns = (table: TableContract): string =>
  [...contractColumns(table), ...quarantineColumns.map(([n]) => ident(n))].join(', ');

/* Backfill: between validateLoad and swapIn, on the load table. */

/** Copies the live rows of a load that fail a rule to the quarantine, as 'pending'. Params: load id, now. */
export function quarantineLoadRowsSql(quarantine: string, load: string, table: TableContract, rules: readonly RowRule[]): string {
  const cols = contractColumns(table);
  return `INSERT INTO ${quarantine} (${quarantineInsertColumns(table)})
SELECT ${cols.join(', ')}, "_rule_id", ${reasonOfSql(rules, '"_rule_id"')}, "_source_position", ?, CAST(? AS TIMESTAMP), 'pending', NULL, "_extra"
FROM (SELECT *, ${rowFailureReasonSql(rules, table, 'duckdb')} AS "_rule_id" FROM ${load} WHERE NOT coalesce("_deleted", false))
WHERE "_rule_id" IS NOT NULL`;
}

/**
 * Turns the failing live rows of a load into tombstones: key and position kept. Only the flag is
 * written: every reader filters tombstones out, and a replay overwrites every value. Clearing the
 * other columns too made DuckDB's commit write an update segment per column and row group
 * (measured on 10M rows, 17k failing: 3.6 s for update and commit, 0.18 s for the flag alone).
 * The quarantine holds the values that count; erasure must reach tombstones as well.
 */
export function tombstoneFailingSql(load: string, table: TableContract, rules: readonly RowRule[]): string {
  return `UPDATE ${load} SET "_deleted" = true WHERE NOT coalesce("_deleted", false) AND ${rowFailureReasonSql(rules, table, 'duckdb')} IS NOT NULL`;
}

/** Params: now. The swapped-in load replaces the whole table, so what was open before is replaced too. */
export const supersedeAllOpenSql = (quarantine: string): string =>
  `UPDATE ${quarantine} SET "_status" = 'superseded', "_resolved_at" = CAST(? AS TIMESTAMP) WHERE "_status" = 'open'`;

/** Params: load id. */
export const openPendingSql = (quarantine: string): string =>
  `UPDATE ${quarantine} SET "_status" = 'open' WHERE "_status" = 'pending' AND "_load_id" = ?`;

/** Params: load id. A dropped load never became visible, nor did what it quarantined. */
export const dropPendingSql = (quarantine: string): string =>
  `DELETE FROM ${quarantine} WHERE "_status" = 'pending' AND "_load_id" = ?`;

/* Change capture: over the temporary table `batch` (cdc-sql.ts), in the apply transaction. */

/**
 * The newest change per key after the last truncate (param), with the first failing rule of its
 * after-image (NULL for deletes, whose after-image is the key only), into the temporary table `newest`.
 */
export function newestChangesSql(table: TableContract, rules: readonly RowRule[]): string {
  const partition = requireKey(table, 'change capture').map(ident).join(', ');
  return `CREATE OR REPLACE TEMP TABLE newest AS
SELECT *, CASE WHEN "_op" = 'd' THEN NULL ELSE ${rowFailureReasonSql(rules, table, 'duckdb')} END AS "_rule_id"
FROM batch WHERE "_op" <> 't' AND "_position" > ?
QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY "_position" DESC) = 1`;
}

/** Params: now. Any newer change of a key (valid, delete, or quarantined again) replaces its open row. */
export function supersedeByChangesSql(quarantine: string, table: TableContract): string {
  return `UPDATE ${quarantine} AS q SET "_status" = 'superseded', "_resolved_at" = CAST(? AS TIMESTAMP)
FROM newest AS s WHERE q."_status" = 'open' AND ${keyMatch(table, 'q', 's')} AND s."_position" > q."_source_position"`;
}

/** Params: now, position. A truncate replaces every open row older than it. */
export const supersedeByTruncateSql = (quarantine: string): string =>
  `UPDATE ${quarantine} SET "_status" = 'superseded', "_resolved_at" = CAST(? AS TIMESTAMP) WHERE "_status" = 'open' AND coalesce("_source_position", '') < ?`;

/**
 * Params: now. Quarantines the failing newest changes that will apply (newer than the current row):
 * run before the apply, which moves the current row's position on.
 */
export function quarantineChangesSql(quarantine: string, current: string, table: TableContract, rules: readonly RowRule[]): string {
  const cols = contractColumns(table).map((c) => `s.${c}`);
  return `INSERT INTO ${quarantine} (${quarantineInsertColumns(table)})
SELECT ${cols.join(', ')}, s."_rule_id", ${reasonOfSql(rules, 's."_rule_id"')}, s."_position", 'cdc', CAST(? AS TIMESTAMP), 'open', NULL, s."_extra"
FROM newest AS s LEFT JOIN ${current} AS t ON ${keyMatch(table, 't', 's')}
WHERE s."_rule_id" IS NOT NULL AND s."_position" > coalesce(t."_source_position", '')`;
}

/* Reconciliation: what the warehouse holds of the source. */

/**
 * Live rows plus open quarantined rows (the newest per key), as a parenthesised relation of the
 * contract columns: what reconciliation compares with the source.
 */
export function liveAndOpenRelationSql(current: string, quarantine: string, table: TableContract, liveOnly: boolean): string {
  const cols = contractColumns(table).join(', ');
  const key = keyColumns(table);
  const newest = key.length ? ` QUALIFY row_number() OVER (PARTITION BY ${key.map(ident).join(', ')} ORDER BY "_source_position" DESC) = 1` : '';
  return `(SELECT ${cols} FROM ${current}${liveOnly ? ' WHERE NOT coalesce("_deleted", false)' : ''}
  UNION ALL
  SELECT ${cols} FROM ${quarantine} WHERE "_status" = 'open'${newest})`;
}

export function liveAndOpenStatsSql(current: string, quarantine: string, table: TableContract, liveOnly: boolean): string {
  return `SELECT ${checksumSelectList('duckdb', checksumColumnsOf(table))} FROM ${liveAndOpenRelationSql(current, quarantine, table, liveOnly)}`;
}

/* Replay. */

/**
 * Judges every open row against the current rules into the temporary table `replay_plan`:
 * 'replayed' when it passes and its key's current row is still the tombstone at its position,
 * 'superseded' when that key moved on (or an open row of the same key is newer), else 'failing'.
 */
export function replayPlanSql(quarantine: string, current: string, table: TableContract, rules: readonly RowRule[]): string {
  const key = requireKey(table, 'replay').map(ident);
  return `CREATE OR REPLACE TEMP TABLE replay_plan AS
SELECT q."_qid", q."_rule_now",
  CASE WHEN q."_rank" > 1 OR NOT coalesce(t."_deleted", false) OR t."_source_position" IS DISTINCT FROM q."_source_position" THEN 'superseded'
       WHEN q."_rule_now" IS NULL THEN 'replayed' ELSE 'failing' END AS "_outcome"
FROM (SELECT rowid AS "_qid", ${key.join(', ')}, "_source_position", ${rowFailureReasonSql(rules, table, 'duckdb')} AS "_rule_now",
        row_number() OVER (PARTITION BY ${key.join(', ')} ORDER BY "_source_position" DESC) AS "_rank"
      FROM ${quarantine} WHERE "_status" = 'open') AS q
LEFT JOIN ${current} AS t ON ${keyMatch(table, 't', 'q')}`;
}

/** Params: now. The tombstone takes the replayed row's values; the position check makes a second landing impossible. */
export function replayLandSql(current: string, quarantine: string, table: TableContract): string {
  const set = [...nonKeyColumns(table).map((c) => `${c} = q.${c}`), '"_deleted" = false', '"_extra" = q."_extra"', '"_loaded_at" = CAST(? AS TIMESTAMP)'];
  return `UPDATE ${current} AS t SET ${set.join(', ')}
FROM (SELECT x.* FROM ${quarantine} AS x JOIN replay_plan AS p ON x.rowid = p."_qid" WHERE p."_outcome" = 'replayed') AS q
WHERE ${keyMatch(table, 't', 'q')} AND t."_deleted" AND t."_source_position" = q."_source_position"`;
}

/** Params: now. Closes the replayed and superseded rows of the plan. */
export function replayCloseSql(quarantine: string): string {
  return `UPDATE ${quarantine} AS q SET "_status" = p."_outcome", "_resolved_at" = CAST(? AS TIMESTAMP)
FROM replay_plan AS p WHERE q.rowid = p."_qid" AND p."_outcome" IN ('replayed', 'superseded')`;
}

/** Still-failing rows take the rule and reason the current rules give. */
export function replayReasonSql(quarantine: string, rules: readonly RowRule[]): string {
  return `UPDATE ${quarantine} AS q SET "_rule_id" = p."_rule_now", "_reason" = ${reasonOfSql(rules, 'p."_rule_now"')}
FROM replay_plan AS p WHERE q.rowid = p."_qid" AND p."_outcome" = 'failing'`;
}

/* Listing: counts and keys only. */

/** Open rows per rule with up to 20 keys (key columns joined by '|'), newest first. */
export function openByRuleSql(quarantine: string, table: TableContract): string {
  const keyText = `concat_ws('|', ${requireKey(table, 'a quarantine listing').map((k) => `CAST(${ident(k)} AS VARCHAR)`).join(', ')})`;
  return `SELECT "_rule_id", any_value("_reason"), count(*), list(${keyText} ORDER BY "_source_position" DESC)[1:20]
FROM ${quarantine} WHERE "_status" = 'open' GROUP BY "_rule_id" ORDER BY count(*) DESC, "_rule_id"`;
}

export const countByStatusSql = (quarantine: string): string => `SELECT "_status", count(*) FROM ${quarantine} GROUP BY "_status"`;
