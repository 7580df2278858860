import { duckDbColumnType } from '../../core/warehouse-types.js';
import type { TableContract } from '../../contracts/contract.js';
import { ident, literal } from '../../core/sql/duckdb.js';
import { changeColumns, readStagedCsvSql, stagedValueSql } from '../../core/staged/format.js';
import { keyColumns } from './load-sql.js';

/**
 * SQL for change capture on DuckDB. A batch file holds the contract columns then the change
 * metadata (changeColumns), in the staged format (core/staged/format.ts). Every change lands in
 * the append-only change log; the newest change per key (by source position) is merged into the current-state table,
 * where a delete keeps the row as `_deleted` so a late, older event can never bring it back.
 */

export function createChangeLogSql(target: string, table: TableContract): string {
  const columns = [...table.columns.map((c) => `${ident(c.name)} ${duckDbColumnType(c)}`), ...changeColumns.map(([n, t]) => `${ident(n)} ${t}`)];
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')}, "_ingested_at" TIMESTAMP)`;
}

/** Reads a batch file into a temporary table `batch`. */
export function loadBatchSql(table: TableContract, file: string): string {
  const select = [...table.columns.map(stagedValueSql), ...changeColumns.map(([n]) => ident(n))];
  return `CREATE OR REPLACE TEMP TABLE batch AS SELECT ${select.join(', ')} FROM ${readStagedCsvSql({ file, table, extra: changeColumns })}`;
}

export function appendChangeLogSql(target: string): string {
  return `INSERT INTO ${target} SELECT *, CAST(? AS TIMESTAMP) FROM batch`;
}

/** A truncate marks every older row deleted; changes of the batch after it still apply. */
export function truncateSql(target: string): string {
  return `UPDATE ${target} SET "_deleted" = true, "_source_position" = ? WHERE coalesce("_source_position", '') < ?`;
}

/**
 * The newest change per key of the batch after the last truncate (param: its position), into the
 * temporary table `newest` that applyNewestSql reads. quarantine.ts builds its own `newest`, with
 * `_rule_id` set on changes that fail a quarantine rule.
 */
export function newestOfBatchSql(table: TableContract): string {
  const partition = requireKey(table).map(ident).join(', ');
  return `CREATE OR REPLACE TEMP TABLE newest AS SELECT * FROM batch WHERE "_op" <> 't' AND "_position" > ?
QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY "_position" DESC) = 1`;
}

/**
 * Applies `newest` to the current-state table: a row whose stored position is older than its change
 * is deleted, then every change whose key has no row left is inserted. Same result as a MERGE that
 * updates the older rows, at half its cost: DuckDB updates every column of a scattered row one
 * update segment at a time, while a delete only marks the row (measured on 400k rows, 4,000-change
 * batches: 57 ms a batch as MERGE, 24 ms as delete + insert, commit included). Changes that fail a
 * quarantine rule (`_rule_id`, quarantined) land as a tombstone at their position, key only.
 * Params of the insert: load time.
 */
export function applyNewestSql(target: string, table: TableContract, sourceSystem: string, quarantined: boolean): { remove: string; insert: string } {
  const key = requireKey(table);
  const on = key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const value = (name: string) => (quarantined && !key.includes(name) ? `CASE WHEN s."_rule_id" IS NULL THEN s.${ident(name)} END` : `s.${ident(name)}`);
  const deleted = quarantined ? `(s."_op" = 'd' OR s."_rule_id" IS NOT NULL)` : `(s."_op" = 'd')`;
  const extra = quarantined ? `CASE WHEN s."_rule_id" IS NULL THEN s."_extra" END` : 's."_extra"';
  const columns = [...table.columns.map((c) => ident(c.name)), '"_source_system"', '"_load_id"', '"_loaded_at"', '"_source_position"', '"_deleted"', '"_extra"'];
  const values = [...table.columns.map((c) => value(c.name)), literal(sourceSystem), `'cdc'`, 'CAST(? AS TIMESTAMP)', 's."_position"', deleted, extra];
  return {
    remove: `DELETE FROM ${target} AS t USING newest AS s WHERE ${on} AND s."_position" > coalesce(t."_source_position", '')`,
    insert: `INSERT INTO ${target} (${columns.join(', ')})
SELECT ${values.join(', ')} FROM newest AS s WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${on})`,
  };
}

function requireKey(table: TableContract): string[] {
  const key = keyColumns(table);
  if (key.length === 0) throw new Error(`table ${table.name}: change capture needs a primary or unique key`);
  return key;
}
