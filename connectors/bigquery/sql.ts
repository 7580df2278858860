import type { TableField } from '@google-cloud/bigquery';
import { checksumColumnsOf, checksumQuery } from '../../core/checksum.js';
import { bigQueryColumnType } from '../../core/warehouse-types.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { ident, literal } from '../../core/sql/bigquery.js';
import { changeColumns } from '../../core/staged/format.js';
import { changeRuleIdSql, quarantineChangesSql, supersedeByTruncateSql, type ChangeQuarantineInput } from './quarantine-sql.js';
import { erasureTablesSql } from './erasure-sql.js';

/** SQL text and table layouts for the BigQuery warehouse adapter, kept apart from the job handling. */


/** Lineage and change-capture columns of every raw table (load tables already carry the last two). */
export const lineageFields: TableField[] = [
  { name: '_source_system', type: 'STRING' },
  { name: '_load_id', type: 'STRING' },
  { name: '_loaded_at', type: 'TIMESTAMP' },
  { name: '_source_position', type: 'STRING' },
  // Present from the first load on: the emulator ignores ALTER TABLE ADD COLUMN, and one layout for
  // loads and current-state tables lets swapIn copy a load table over a live one.
  { name: '_deleted', type: 'BOOL' },
  { name: '_extra', type: 'STRING' },
];

/** A contract column as a BigQuery schema field; NUMERIC(p,s) and BIGNUMERIC(p,s) keep p and s. */
export function contractField(column: TableContract['columns'][number]): TableField {
  const type = bigQueryColumnType(column);
  const m = /^(NUMERIC|BIGNUMERIC)\((\d+),\s*(\d+)\)$/.exec(type);
  if (m) return { name: column.name, type: m[1]!, precision: m[2]!, scale: m[3]! };
  return { name: column.name, type };
}

export function rawTableFields(table: TableContract): TableField[] {
  return [...table.columns.map(contractField), ...lineageFields];
}

const changeFieldTypes: Record<string, string> = { VARCHAR: 'STRING', BIGINT: 'INT64', INTEGER: 'INT64' };

/** A change batch as landed: contract columns, then the change metadata (core/staged/format.ts changeColumns). */
export function batchFields(table: TableContract): TableField[] {
  return [...table.columns.map(contractField), ...changeColumns.map(([name, type]) => ({ name, type: changeFieldTypes[type]! }))];
}

export function changeLogFields(table: TableContract): TableField[] {
  return [...batchFields(table), { name: '_ingested_at', type: 'TIMESTAMP' }];
}

/** BigQuery clusters by up to four columns of orderable types; the key is what merges and lookups use. */
export function clusteringFields(table: TableContract): string[] {
  const clusterable = new Set(['STRING', 'INT64', 'NUMERIC', 'BIGNUMERIC', 'DATE', 'DATETIME', 'TIMESTAMP', 'BOOL']);
  const byName = new Map(table.columns.map((c) => [c.name, contractField(c).type]));
  return tableKey(table).filter((k) => clusterable.has(byName.get(k) ?? '')).slice(0, 4);
}

const piiRank = ['none', 'contact', 'identity', 'financial', 'sensitive'] as const;

/** Labels of a raw table: domain, layer and the most sensitive PII class among its columns. */
export function tableLabels(domain: string, table: TableContract): Record<string, string> {
  const pii = table.columns.reduce((top, c) => (piiRank.indexOf(c.pii) > piiRank.indexOf(top) ? c.pii : top), 'none' as TableContract['columns'][number]['pii']);
  return { domain, layer: 'raw', table: table.name, pii };
}

export function statsSql(target: string, table: TableContract, liveOnly = false): string {
  return checksumQuery('bigquery', checksumColumnsOf(table), `${target}${liveOnly ? ' WHERE NOT COALESCE(_deleted, FALSE)' : ''}`);
}

export function duplicateKeysSql(target: string, table: TableContract): string | undefined {
  const key = tableKey(table);
  if (key.length === 0) return undefined;
  return `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${target} GROUP BY ${key.map(ident).join(', ')} HAVING COUNT(*) > 1)`;
}

export const controlTablesSql = [
  `CREATE TABLE IF NOT EXISTS _factory.loads (load_table STRING, domain STRING, table_name STRING, load_id STRING,
     status STRING, created_at TIMESTAMP, finished_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.load_chunks (load_table STRING, chunk_index INT64, row_count INT64, job_id STRING,
     loaded_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.cdc_offsets (consumer STRING, topic STRING, kafka_partition INT64, next_offset INT64,
     updated_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.backfill_runs (domain STRING, table_name STRING, load_id STRING, row_count INT64,
     checksum STRING, duration_ms INT64, source_position STRING, recorded_at TIMESTAMP)`,
  // The quality gate's runs, rule results and baselines (quality-sql.ts), as on DuckDB.
  `CREATE TABLE IF NOT EXISTS _factory.quality_runs (report_id STRING, product STRING, domain STRING, status STRING,
     rule_count INT64, duration_ms INT64, checked_at TIMESTAMP)`,
  // sample_keys: a JSON array of at most 20 key texts; measured: the metrics as a JSON object.
  `CREATE TABLE IF NOT EXISTS _factory.quality_reports (report_id STRING, position INT64, product STRING, domain STRING,
     table_name STRING, rule_id STRING, kind STRING, severity STRING, metric FLOAT64, threshold FLOAT64, status STRING,
     failing INT64, total INT64, sample_keys STRING, detail STRING, measured STRING, duration_ms INT64, checked_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.quality_baselines (domain STRING, table_name STRING, rule_id STRING, metrics STRING,
     report_id STRING, recorded_at TIMESTAMP)`,
  // Publication (publish.ts): snapshots taken, which view serves which table, promotions, and the version pointer the views read.
  `CREATE TABLE IF NOT EXISTS _factory.product_snapshots (domain STRING, product STRING, version INT64, table_ref STRING,
     snapshot STRING, source STRING, row_count INT64, checksum STRING, taken_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.published_views (domain STRING, product STRING, table_ref STRING, view_name STRING,
     version INT64, promoted_at TIMESTAMP)`,
  'CREATE TABLE IF NOT EXISTS _factory.product_promotions (domain STRING, product STRING, version INT64, promoted_at TIMESTAMP)',
  'CREATE TABLE IF NOT EXISTS _factory.published_versions (domain STRING, product STRING, version INT64, promoted_at TIMESTAMP)',
  ...erasureTablesSql,
];

export interface ApplyScriptInput {
  current: string;
  changeLog: string;
  batch: string;
  table: TableContract;
  sourceSystem: string;
  /** Positions of the batch's truncate events, ascending. */
  truncates: string[];
  consumer: string;
  offsets: { topic: string; partition: number; nextOffset: string }[];
  /** When the table has quarantine rules (or open quarantined rows): failing changes go there, in this transaction. */
  quarantine?: ChangeQuarantineInput | undefined;
  /** Erasure-ledger statements on the batch, run first (erasure-sql.ts ledgerGuardSql). */
  guard?: string[];
}

/**
 * One multi-statement transaction: append the batch to the change log, apply truncates, merge the
 * newest change per key (a delete stays as a `_deleted` tombstone so an older, late event cannot bring
 * the row back), and store the consumer offsets. The same semantics as the DuckDB merge (cdc-sql.ts).
 */
export function applyScript(input: ApplyScriptInput): string {
  const { current, changeLog, batch, table, sourceSystem, truncates, consumer, offsets, quarantine } = input;
  const key = tableKey(table);
  if (key.length === 0) throw new Error(`table ${table.name}: change capture needs a primary or unique key`);
  const columns = table.columns.map((c) => ident(c.name));
  const on = key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const system = literal(sourceSystem);
  // A change failing a quarantine rule lands as a tombstone at its position, key only (as on DuckDB).
  const value = (c: string, name: string) => (quarantine && !key.includes(name) ? `IF(s._rule_id IS NULL, s.${c}, NULL)` : `s.${c}`);
  const deleted = quarantine ? `(s._op = 'd' OR s._rule_id IS NOT NULL)` : `(s._op = 'd')`;
  const extra = quarantine ? 'IF(s._rule_id IS NULL, s._extra, NULL)' : 's._extra';
  const values = table.columns.map((c, i) => value(columns[i]!, c.name));
  const set = [...columns.map((c, i) => `${c} = ${values[i]}`), `_source_system = ${system}`, `_load_id = 'cdc'`, '_loaded_at = CURRENT_TIMESTAMP()',
    '_source_position = s._position', `_deleted = ${deleted}`, `_extra = ${extra}`];
  const insertColumns = [...columns, '_source_system', '_load_id', '_loaded_at', '_source_position', '_deleted', '_extra'];
  const insertValues = [...values, system, `'cdc'`, 'CURRENT_TIMESTAMP()', 's._position', deleted, extra];
  const newest = `SELECT *${quarantine ? `, ${changeRuleIdSql(table, quarantine.rules)}` : ''} FROM ${batch} WHERE _op <> 't' AND _position > ${literal(truncates.at(-1) ?? '')}
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key.map(ident).join(', ')} ORDER BY _position DESC) = 1`;
  const statements = [
    'BEGIN TRANSACTION',
    ...(input.guard ?? []),
    `INSERT INTO ${changeLog} SELECT b.*, CURRENT_TIMESTAMP() FROM ${batch} AS b`,
    ...truncates.flatMap((p) => [
      `UPDATE ${current} SET _deleted = TRUE, _source_position = ${literal(p)} WHERE COALESCE(_source_position, '') < ${literal(p)}`,
      ...(quarantine ? [supersedeByTruncateSql(quarantine.quarantine, p)] : []),
    ]),
    ...(quarantine ? quarantineChangesSql({ ...quarantine, current, table, newest }) : []),
    `MERGE ${current} AS t
USING (${newest}) AS s
ON ${on}
WHEN MATCHED AND s._position > COALESCE(t._source_position, '') THEN UPDATE SET ${set.join(', ')}
WHEN NOT MATCHED THEN INSERT (${insertColumns.join(', ')}) VALUES (${insertValues.join(', ')})`,
  ];
  if (offsets.length > 0) {
    const which = offsets.map((o) => `(topic = ${literal(o.topic)} AND kafka_partition = ${o.partition})`).join(' OR ');
    statements.push(`DELETE FROM _factory.cdc_offsets WHERE consumer = ${literal(consumer)} AND (${which})`);
    const rows = offsets.map((o) => `(${literal(consumer)}, ${literal(o.topic)}, ${o.partition}, ${BigInt(o.nextOffset)}, CURRENT_TIMESTAMP())`);
    statements.push(`INSERT INTO _factory.cdc_offsets (consumer, topic, kafka_partition, next_offset, updated_at) VALUES ${rows.join(', ')}`);
  }
  statements.push('COMMIT TRANSACTION');
  return `${statements.join(';\n')};`;
}
