import { duckDbColumnType } from '../../core/warehouse-types.js';
import type { TableContract } from '../../domains/contract.js';
import { ident, keyColumns, literal, stagedCsvOptions } from './load-sql.js';

/**
 * SQL for change capture on DuckDB. A batch file holds the contract columns then the change
 * metadata (changeColumns), in the staged CSV format. Every change lands in the append-only change
 * log; the newest change per key (by source position) is merged into the current-state table,
 * where a delete keeps the row as `_deleted` so a late, older event can never bring it back.
 */

export const changeColumns = [
  ['_op', 'VARCHAR'],
  ['_position', 'VARCHAR'],
  ['_source_ts_ms', 'BIGINT'],
  ['_kafka_partition', 'INTEGER'],
  ['_kafka_offset', 'BIGINT'],
  // Source columns the contract does not declare yet, as JSON: kept, reported, typed once declared.
  ['_extra', 'VARCHAR'],
] as const;

export function createChangeLogSql(target: string, table: TableContract): string {
  const columns = [...table.columns.map((c) => `${ident(c.name)} ${duckDbColumnType(c)}`), ...changeColumns.map(([n, t]) => `${ident(n)} ${t}`)];
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')}, "_ingested_at" TIMESTAMP)`;
}

/** Reads a batch file into a temporary table `batch`. */
export function loadBatchSql(table: TableContract, file: string): string {
  const declared = [...table.columns.map((c) => [c.name, duckDbColumnType(c)]), ...changeColumns].map(([n, t]) => `${literal(n!)}: ${literal(t!)}`);
  return `CREATE OR REPLACE TEMP TABLE batch AS SELECT * FROM read_csv(${literal(file)}, columns = {${declared.join(', ')}}, ${stagedCsvOptions.join(', ')})`;
}

export function appendChangeLogSql(target: string): string {
  return `INSERT INTO ${target} SELECT *, CAST(? AS TIMESTAMP) FROM batch`;
}

/** A truncate marks every older row deleted; changes of the batch after it still apply. */
export function truncateSql(target: string): string {
  return `UPDATE ${target} SET "_deleted" = true, "_source_position" = ? WHERE coalesce("_source_position", '') < ?`;
}

/**
 * Merges the newest change per key. From `batch` the newest is picked here (param: the last truncate
 * position); from `newest` (quarantine.ts) it was picked already, with `_rule_id` set on changes that
 * fail a quarantine rule: those land as a tombstone at their position, key only.
 */
export function mergeSql(target: string, table: TableContract, sourceSystem: string, from: 'batch' | 'newest' = 'batch'): string {
  const key = keyColumns(table);
  if (key.length === 0) throw new Error(`table ${table.name}: change capture needs a primary or unique key`);
  const partition = key.map(ident).join(', ');
  const on = key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const columns = table.columns.map((c) => ident(c.name));
  const quarantined = from === 'newest';
  const value = (name: string, c: string) => (quarantined && !key.includes(name) ? `CASE WHEN s."_rule_id" IS NULL THEN s.${c} END` : `s.${c}`);
  const values = table.columns.map((c, i) => value(c.name, columns[i]!));
  const deleted = quarantined ? `(s."_op" = 'd' OR s."_rule_id" IS NOT NULL)` : `(s."_op" = 'd')`;
  const extra = quarantined ? `CASE WHEN s."_rule_id" IS NULL THEN s."_extra" END` : 's."_extra"';
  const using = quarantined
    ? 'newest'
    : `(SELECT * FROM batch WHERE "_op" <> 't' AND "_position" > ? QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY "_position" DESC) = 1)`;
  const set = columns.map((c, i) => `${c} = ${values[i]!}`);
  const lineage = [`${literal(sourceSystem)}`, `'cdc'`, 'CAST(? AS TIMESTAMP)', 's."_position"', deleted];
  return `MERGE INTO ${target} AS t
USING ${using} AS s
ON ${on}
WHEN MATCHED AND s."_position" > coalesce(t."_source_position", '') THEN UPDATE SET ${[...set, `"_source_system" = ${lineage[0]}`, `"_load_id" = 'cdc'`, `"_loaded_at" = CAST(? AS TIMESTAMP)`, `"_source_position" = s."_position"`, `"_deleted" = ${deleted}`, `"_extra" = ${extra}`].join(', ')}
WHEN NOT MATCHED THEN INSERT (${[...columns, '"_source_system"', '"_load_id"', '"_loaded_at"', '"_source_position"', '"_deleted"', '"_extra"'].join(', ')})
  VALUES (${[...values, ...lineage, extra].join(', ')})`;
}
