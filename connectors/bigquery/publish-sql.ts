import type { TableField } from '@google-cloud/bigquery';
import { checksumQuery, type ChecksumColumn } from '../../core/checksum.js';
import type { SourceType } from '../../contracts/source-types.js';
import { ident, literal } from '../../core/sql/bigquery.js';

/**
 * SQL text of publication on BigQuery (publish.ts): the checksum of a snapshot or published view
 * from its BigQuery schema, and the reader views that read through the version pointer.
 */

/** One row per product: the version its published views serve. Promotion is one DML statement on it. */
export const pointerTable = '_factory.published_versions';

/**
 * A BigQuery column type as the checksum canon reads it (core/checksum.ts). Snapshots carry no
 * contract, and a table created by CREATE TABLE AS SELECT loses NUMERIC's declared scale on the
 * emulator, so NUMERIC counts with BigQuery's own scale (9): the same for a snapshot and its view.
 */
function checksumType(field: TableField): SourceType {
  const scale = field.scale !== undefined ? Number(field.scale) : undefined;
  switch (field.type) {
    case 'INTEGER': case 'INT64': return { kind: 'BIGINT' };
    case 'NUMERIC': return { kind: 'DECIMAL', precision: 31, scale: scale ?? 9 };
    case 'BIGNUMERIC': return { kind: 'DECIMAL', precision: 31, scale: scale ?? 38 };
    case 'FLOAT': case 'FLOAT64': return { kind: 'DOUBLE' };
    case 'BOOLEAN': case 'BOOL': return { kind: 'BOOLEAN' };
    case 'DATE': return { kind: 'DATE' };
    case 'DATETIME': return { kind: 'TIMESTAMP', fractionDigits: 6 };
    case 'TIME': return { kind: 'TIME' };
    case 'BYTES': return { kind: 'BLOB' };
    // STRING, TIMESTAMP and anything else: their text as CAST gives it.
    default: return { kind: 'VARCHAR' };
  }
}

/** Count and content checksum of a relation with these columns: the adapter's stats SQL (sql.ts statsSql) over a schema instead of a contract. */
export function relationStatsSql(relation: string, fields: TableField[]): string {
  const columns: ChecksumColumn[] = fields.map((f) => ({ name: f.name!, type: checksumType(f) }));
  return checksumQuery('bigquery', columns, relation);
}

/** `project.dataset.name` as one quoted path: a view must name what it reads in full. */
export const pathOf = (project: string, dataset: string, name: string): string => ident(`${project}.${dataset}.${name}`);

/** DDL, not tables.delete: the emulator deletes a view through that API as a table, and fails. */
export const dropViewSql = (project: string, dataset: string, name: string): string => `DROP VIEW IF EXISTS ${pathOf(project, dataset, name)}`;

const typeNames: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' };
const sqlType = (field: TableField): string => typeNames[field.type!] ?? field.type!;

/** True when the pointer names `version` for the product (a scalar subquery: one row per product). */
function servedIs(project: string, domain: string, product: string, version: number): string {
  const [dataset, table] = pointerTable.split('.') as [string, string];
  return `(SELECT version FROM ${pathOf(project, dataset, table)} WHERE domain = ${literal(domain)} AND product = ${literal(product)}) = ${version}`;
}

export interface ViewBranch {
  version: number;
  /** Dataset and name of the version's snapshot. */
  snapshot: [string, string];
  fields: TableField[];
}

/**
 * The reader view of one table: a branch per version the view may serve, each guarded by the
 * pointer, so exactly one branch yields rows and moving the pointer switches every view of the
 * product at once. The view's columns are those of the newest branch; an older branch fills a
 * column it lacks with NULL and casts one whose type changed, so the branches line up.
 */
export function readerViewSql(project: string, domain: string, product: string, branches: ViewBranch[]): string {
  const [newest] = [...branches].sort((a, b) => b.version - a.version);
  if (!newest) throw new Error(`product ${domain}.${product}: a reader view needs at least one snapshot`);
  return branches.map((b) => {
    const same = b.fields.length === newest.fields.length && b.fields.every((f, i) => f.name === newest.fields[i]!.name && f.type === newest.fields[i]!.type);
    const own = new Map(b.fields.map((f) => [f.name, f]));
    const select = same ? '*' : newest.fields.map((f) => {
      const have = own.get(f.name);
      if (!have) return `CAST(NULL AS ${sqlType(f)}) AS ${ident(f.name!)}`;
      return have.type === f.type ? ident(f.name!) : `SAFE_CAST(${ident(f.name!)} AS ${sqlType(f)}) AS ${ident(f.name!)}`;
    }).join(', ');
    return `SELECT ${select} FROM ${pathOf(project, ...b.snapshot)} WHERE ${servedIs(project, domain, product, b.version)}`;
  }).join('\nUNION ALL\n');
}

/**
 * The commit of a promotion, one multi-statement transaction: the promotion's history row (once per
 * version change, so a retry records it once), which view serves which table, and the pointer.
 * Control values are inlined as literals: scripts take no query parameters on the emulator.
 */
export function promoteScript(domain: string, product: string, version: number, views: Array<{ table: string; view: string }>): string {
  const d = literal(domain);
  const p = literal(product);
  const rows = views.map((v) => `(${d}, ${p}, ${literal(v.table)}, ${literal(v.view)}, ${version}, CURRENT_TIMESTAMP())`);
  return [
    'BEGIN TRANSACTION',
    `INSERT INTO _factory.product_promotions (domain, product, version, promoted_at)
  SELECT ${d}, ${p}, ${version}, CURRENT_TIMESTAMP() FROM UNNEST([1])
  WHERE NOT EXISTS (SELECT 1 FROM ${pointerTable} WHERE domain = ${d} AND product = ${p} AND version = ${version})`,
    `DELETE FROM _factory.published_views WHERE domain = ${d} AND product = ${p}`,
    ...(rows.length ? [`INSERT INTO _factory.published_views (domain, product, table_ref, view_name, version, promoted_at) VALUES ${rows.join(', ')}`] : []),
    `MERGE ${pointerTable} AS t USING (SELECT ${d} AS domain, ${p} AS product) AS s ON t.domain = s.domain AND t.product = s.product
WHEN MATCHED AND t.version <> ${version} THEN UPDATE SET version = ${version}, promoted_at = CURRENT_TIMESTAMP()
WHEN NOT MATCHED THEN INSERT (domain, product, version, promoted_at) VALUES (${d}, ${p}, ${version}, CURRENT_TIMESTAMP())`,
    'COMMIT TRANSACTION',
  ].join(';\n') + ';';
}

