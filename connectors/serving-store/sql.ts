import { tableKey, type TableContract } from '../../contracts/contract.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import { postgresType } from '../../core/sql/postgres-types.js';
import { standardIdent as ident, standardLiteral as literal } from '../../core/sql/standard.js';

/**
 * SQL of the serving store (PostgreSQL). One table per served contract table, `serve_<domain>.<table>`:
 * the contract's columns (their PostgreSQL twins, core/sql/postgres-types.ts), then
 * `_position` — the source position (core/cdc/position.ts) of the last change applied to the key, or
 * the backfill's position — `_deleted` (a delete keeps its key as a tombstone, so an older change
 * replayed later cannot bring the row back), `_load_id` ('cdc' or the backfill that wrote it) and
 * `_applied_at`. Every write is guarded by position: a change only replaces an older state, so a
 * batch applied twice, or out of order, leaves the same rows (exactly once in effect).
 * Positions compare as plain text under the "C" collation (they are fixed-width upper-case hex).
 */

/** Position of an erased row: above every source position ('pg:', 'db2:', 'iidr:'), so no replayed change overwrites it. */
export const ERASED_POSITION = '~';

export const servingSchema = (domain: string): string => `serve_${domain}`;

/** `serve_<domain>."<table>"` of '<domain>.<table>'. */
export function servingTable(qualified: string): string {
  const [domain, table] = qualified.split('.') as [string, string];
  if (!/^[a-z][a-z0-9_]*$/.test(domain ?? '') || !/^[a-z][a-z0-9_]*$/.test(table ?? '')) throw new Error(`serving store: '${qualified}' is not '<domain>.<table>'`);
  return `${ident(servingSchema(domain))}.${ident(table)}`;
}

/** The live rows of a served table, as a relation for FROM. */
export const liveRelation = (qualified: string): string => `(SELECT * FROM ${servingTable(qualified)} WHERE NOT "_deleted")`;

export function requireKey(qualified: string, table: TableContract): string[] {
  const key = tableKey(table);
  if (key.length === 0) throw new Error(`serving store: table ${qualified} has neither primaryKey nor uniqueKey — a served table needs one`);
  return key;
}

/** The layout fingerprint a served table is created with: a contract that changes it needs the table rebuilt. */
export function layoutOf(table: TableContract): string {
  return table.columns.map((c) => `${c.name} ${postgresType(parseSourceType(c.type))}`).join(', ');
}

/** Columns appended to a layout (the old one a prefix of the new); [] when the change is anything else. */
export function addedColumns(before: string, after: string): string[] {
  const [old, now] = [before.split(', '), after.split(', ')];
  if (now.length <= old.length || old.some((c, i) => now[i] !== c)) return [];
  return now.slice(old.length).map((c) => c.split(' ')[0]!);
}

/** ALTER TABLE … ADD COLUMN for columns the contract added (nullable: rows written before hold no value). */
export function addColumnsSql(qualified: string, table: TableContract, names: readonly string[]): string[] {
  return names.map((name) => {
    const column = table.columns.find((c) => c.name === name)!;
    return `ALTER TABLE ${servingTable(qualified)} ADD COLUMN IF NOT EXISTS ${ident(name)} ${postgresType(parseSourceType(column.type))}`;
  });
}

/** Schema, table and indexes (the key, and each referencing column: the lookups customer-360 and row filters make). */
export function createTableSql(qualified: string, table: TableContract): string[] {
  const [domain] = qualified.split('.') as [string, string];
  const key = requireKey(qualified, table);
  const target = servingTable(qualified);
  const columns = table.columns.map((c) => `${ident(c.name)} ${postgresType(parseSourceType(c.type))}${key.includes(c.name) ? ' NOT NULL' : ''}`);
  const indexed = table.columns.filter((c) => c.references !== undefined && !(key.length === 1 && key[0] === c.name));
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ident(servingSchema(domain))}`,
    `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')}, "_position" text COLLATE "C" NOT NULL, "_deleted" boolean NOT NULL DEFAULT false, `
      + `"_load_id" text, "_applied_at" timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (${key.map(ident).join(', ')}))`,
    ...indexed.map((c) => `CREATE INDEX IF NOT EXISTS ${ident(`${table.name}_${c.name.toLowerCase()}`)} ON ${target} (${ident(c.name)})`),
  ];
}

/** A temporary table shaped like the contract columns (all nullable: a delete carries its key only), plus `extra` text columns. */
export function createStageSql(qualified: string, table: TableContract, stage: string, extra: readonly string[]): string {
  const columns = table.columns.map((c) => ident(c.name));
  const more = extra.map((name) => (name === '_position' ? `NULL::text COLLATE "C" AS ${ident(name)}` : `NULL::text AS ${ident(name)}`));
  return `CREATE TEMP TABLE ${ident(stage)} ON COMMIT DROP AS SELECT ${[...columns, ...more].join(', ')} FROM ${servingTable(qualified)} WITH NO DATA`;
}

/** COPY of a staged file (core/staged/format.ts): RFC 4180 CSV, unquoted empty field NULL, "" the empty string. */
export const copyStageSql = (stage: string): string => `COPY ${ident(stage)} FROM STDIN (FORMAT csv, HEADER false, ENCODING 'UTF8')`;

/** The metadata columns after the contract columns of a change batch (connectors/cdc/batch-file.ts). */
export const changeMetaColumns = ['_op', '_position', '_source_ts_ms', '_kafka_partition', '_kafka_offset', '_extra'] as const;

function upsertTail(table: TableContract, key: string[], guard: '<' | '<='): string {
  const set = [...table.columns.filter((c) => !key.includes(c.name)).map((c) => ident(c.name)), '"_position"', '"_deleted"', '"_load_id"', '"_applied_at"']
    .map((name) => `${name} = EXCLUDED.${name}`);
  return `ON CONFLICT (${key.map(ident).join(', ')}) DO UPDATE SET ${set.join(', ')} WHERE t."_position" ${guard} EXCLUDED."_position"`;
}

/**
 * Backfill rows from stage `chunk` at the backfill's position ($1) under load id $2. `<=`: a chunk
 * retried within its load rewrites its own rows, a change applied since the backfill's position wins.
 */
export function loadChunkSql(qualified: string, table: TableContract): string {
  const key = requireKey(qualified, table);
  const columns = table.columns.map((c) => ident(c.name));
  return `INSERT INTO ${servingTable(qualified)} AS t (${columns.join(', ')}, "_position", "_deleted", "_load_id", "_applied_at")
SELECT ${columns.join(', ')}, $1, false, $2, now() FROM "chunk" ${upsertTail(table, key, '<=')}`;
}

/**
 * After every chunk of a backfill is in: rows at or before its position ($1) that it did not write
 * (load id $2) no longer exist at the source — tombstoned there, so the store holds what the backfill read plus newer changes.
 */
export function sweepLoadSql(qualified: string, table: TableContract): string {
  const key = requireKey(qualified, table);
  const nulls = table.columns.filter((c) => !key.includes(c.name)).map((c) => `${ident(c.name)} = NULL`);
  return `UPDATE ${servingTable(qualified)} SET ${[...nulls, '"_deleted" = true', '"_position" = $1', '"_load_id" = $2', '"_applied_at" = now()'].join(', ')}
WHERE NOT "_deleted" AND "_position" <= $1 AND "_load_id" IS DISTINCT FROM $2`;
}

/** A truncate at position $1: every older row becomes a tombstone at that position. */
export function truncateSql(qualified: string, table: TableContract): string {
  const key = requireKey(qualified, table);
  const nulls = table.columns.filter((c) => !key.includes(c.name)).map((c) => `${ident(c.name)} = NULL`);
  return `UPDATE ${servingTable(qualified)} SET ${[...nulls, '"_deleted" = true', '"_position" = $1', `"_load_id" = 'cdc'`, '"_applied_at" = now()'].join(', ')} WHERE "_position" < $1`;
}

/**
 * The newest change per key of stage `batch` (after the last truncate, $1, or all when NULL), each
 * applied only over an older state; a delete lands as a tombstone (its non-key columns NULL).
 */
export function applyBatchSql(qualified: string, table: TableContract): string {
  const key = requireKey(qualified, table);
  const columns = table.columns.map((c) => ident(c.name));
  const values = table.columns.map((c) => (key.includes(c.name) ? ident(c.name) : `CASE WHEN "_op" = 'd' THEN NULL ELSE ${ident(c.name)} END`));
  return `INSERT INTO ${servingTable(qualified)} AS t (${columns.join(', ')}, "_position", "_deleted", "_load_id", "_applied_at")
SELECT DISTINCT ON (${key.map(ident).join(', ')}) ${values.join(', ')}, "_position", "_op" = 'd', 'cdc', now()
FROM "batch" WHERE "_op" <> 't' AND ($1::text IS NULL OR "_position" > $1)
ORDER BY ${key.map(ident).join(', ')}, "_position" DESC
${upsertTail(table, key, '<')}`;
}

/** Row count and content checksum of the live rows, in the source's canon (core/checksum.ts, 'postgres'). */
export function statsSql(qualified: string, table: TableContract): string {
  return `SELECT ${checksumSelectList('postgres', checksumColumnsOf(table))} FROM ${servingTable(qualified)} WHERE NOT "_deleted"`;
}

/** Rows whose `column` holds one of the text values of parameter `param` (an erasure's reach). */
export const reachedSql = (column: string, param: string): string => `${ident(column)}::text = ANY(${param}::text[])`;

/** The key values of the rows an erasure reaches, collected before anything is modified. */
export function collectSql(qualified: string, collects: string, where: string): string {
  return `SELECT DISTINCT ${ident(collects)}::text AS value FROM ${servingTable(qualified)} WHERE ${where} AND ${ident(collects)} IS NOT NULL`;
}

/**
 * Erases the reached rows: `delete` leaves a tombstone with its key only, `anonymise` keeps the row
 * with its personal columns NULL. Both at ERASED_POSITION, so no later or replayed change of the
 * key writes the subject's values back (an anonymised row then stops following the source).
 */
export function eraseSql(qualified: string, table: TableContract, action: 'delete' | 'anonymise', nulled: readonly string[], where: string): string {
  const key = requireKey(qualified, table);
  const cleared = action === 'delete' ? table.columns.filter((c) => !key.includes(c.name)).map((c) => c.name) : nulled.filter((c) => !key.includes(c));
  const set = [...cleared.map((c) => `${ident(c)} = NULL`), ...(action === 'delete' ? ['"_deleted" = true'] : []), `"_position" = ${literal(ERASED_POSITION)}`, `"_load_id" = 'erased'`, '"_applied_at" = now()'];
  return `UPDATE ${servingTable(qualified)} SET ${set.join(', ')} WHERE ${where}`;
}
