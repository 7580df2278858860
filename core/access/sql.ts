import type { MaskStyle } from '../../contracts/access-policy.js';
import { keyedHashSql } from '../keyed-hash.js';
import type { SqlDialect } from '../sql/dialect.js';
import type { EffectiveColumn, EffectiveFilter, EffectiveTable } from './policy.js';

/**
 * The SELECT of a secured view: each published column with its treatment, the role's row filter.
 * The same text serves DuckDB and BigQuery (the masks use functions both have: STRPOS, SUBSTR,
 * LEFT, RIGHT, REPEAT, LENGTH, GREATEST, EXTRACT); the keyed hash is spelt per dialect
 * (core/keyed-hash.ts). A column the published relation has but the policy does not know is left
 * out: a new column is unseen until the contract declares its class.
 *
 * The SQL holds the pseudonym key's padded material: give it to the warehouse only, never log it.
 */

/** What masks and filters need of a dialect: PostgreSQL (the serving store, core/access/postgres.ts) spells them the same. */
export type TextDialect = Pick<SqlDialect, 'ident' | 'literal' | 'textType'>;

export interface SecuredViewInput {
  dialect: SqlDialect;
  table: EffectiveTable;
  /** The columns the published relation has, in its order. */
  present: readonly string[];
  /** The published relation holding a table's rows ('<domain>.<table>'), or undefined when there is none yet. */
  relation(table: string): string | undefined;
  /** Pseudonym key (HMAC-SHA256). */
  key: Uint8Array;
}

export interface SecuredView {
  /** `SELECT … FROM … WHERE …`, for CREATE VIEW. */
  select: string;
  /** The view's columns, in order. */
  columns: string[];
  /** Left out: hidden by the policy, or unknown to the contract. */
  hidden: string[];
  /** Filter sources that are not published yet: the view then shows no rows. */
  missingSources: string[];
}

/** A masked value of expression `x` (NULL stays NULL). */
export function maskSql(d: TextDialect, x: string, style: MaskStyle, column: Pick<EffectiveColumn, 'yyyymmdd'>): string {
  const text = `CAST(${x} AS ${d.textType})`;
  const email = `CASE WHEN STRPOS(${text}, '@') > 1 THEN CONCAT(LEFT(${text}, 1), '***', SUBSTR(${text}, STRPOS(${text}, '@'))) ELSE '***' END`;
  const phone = `CONCAT(REPEAT('*', GREATEST(LENGTH(${text}) - 2, 0)), RIGHT(${text}, 2))`;
  switch (style) {
    case 'email': return `CASE WHEN ${x} IS NULL THEN NULL ELSE ${email} END`;
    case 'phone': return `CASE WHEN ${x} IS NULL THEN NULL ELSE ${phone} END`;
    case 'email_or_phone': return `CASE WHEN ${x} IS NULL THEN NULL WHEN STRPOS(${text}, '@') > 0 THEN ${email} ELSE ${phone} END`;
    case 'initial': return `CASE WHEN ${x} IS NULL THEN NULL ELSE CONCAT(LEFT(${text}, 1), '***') END`;
    // yyyymmdd numbers: 0 means unknown in the legacy encoding.
    case 'year': return column.yyyymmdd ? `CAST(NULLIF(FLOOR(${x} / 10000), 0) AS BIGINT)` : `EXTRACT(YEAR FROM ${x})`;
  }
}

function columnSql(d: SqlDialect, c: EffectiveColumn, key: Uint8Array): string {
  const x = d.ident(c.name);
  switch (c.treatment) {
    case 'clear': return x;
    case 'pseudonymised': return `${keyedHashSql(d.name, x, key)} AS ${x}`;
    case 'masked': return `${maskSql(d, x, c.mask ?? 'initial', c)} AS ${x}`;
    case 'hidden': throw new Error(`column ${c.name} is hidden: it has no SQL`);
  }
}

/** The WHERE condition of a filter on relation alias `t<alias>` (no alias: the outer relation's bare names, as a row access policy reads them). */
export function filterSql(d: TextDialect, filter: EffectiveFilter, alias: number | undefined, relation: SecuredViewInput['relation'], missing: Set<string>): string {
  const at = (column: string) => (alias === undefined ? d.ident(column) : `t${alias}.${d.ident(column)}`);
  switch (filter.kind) {
    case 'deny': return 'FALSE';
    case 'attribute': return `CAST(${at(filter.column)} AS ${d.textType}) = ${d.literal(filter.value)}`;
    case 'reaches': {
      const source = relation(filter.through.table);
      if (source === undefined) {
        missing.add(filter.through.table);
        return 'FALSE';
      }
      const inner = (alias ?? 0) + 1;
      const where = filter.through.filter ? ` WHERE ${filterSql(d, filter.through.filter, inner, relation, missing)}` : '';
      return `${at(filter.column)} IN (SELECT t${inner}.${d.ident(filter.through.column)} FROM ${source} AS t${inner}${where})`;
    }
  }
}

export function securedViewSql({ dialect: d, table, present, relation, key }: SecuredViewInput): SecuredView {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const shown = present.map((name) => byName.get(name)).filter((c): c is EffectiveColumn => c !== undefined && c.treatment !== 'hidden');
  const hidden = present.filter((name) => !shown.some((c) => c.name === name));
  const source = relation(table.table);
  if (source === undefined) throw new Error(`${table.table} has no published relation to secure`);
  const missing = new Set<string>();
  const where = table.filter ? ` WHERE ${filterSql(d, table.filter, 0, relation, missing)}` : '';
  // A view needs a column: a table whose every column is hidden still shows how many rows the role may see.
  const list = shown.length > 0 ? shown.map((c) => columnSql(d, c, key)).join(', ') : 'TRUE AS row_visible';
  return {
    select: `SELECT ${list} FROM ${source} AS t0${where}`,
    columns: shown.length > 0 ? shown.map((c) => c.name) : ['row_visible'],
    hidden,
    missingSources: [...missing],
  };
}
