import { parseSourceType } from '../../contracts/source-types.js';
import { hmacPads } from '../keyed-hash.js';
import { standardIdent, standardLiteral } from '../sql/standard.js';
import type { EffectiveColumn, EffectiveTable } from './policy.js';
import { filterSql, maskSql, type TextDialect } from './sql.js';

/**
 * The access policy rendered for PostgreSQL (the serving store): the same treatments and row
 * filters as the warehouses' secured views (core/access/sql.ts), applied in each query instead of
 * a view, since the store serves every role from one set of tables. Pseudonyms are the warehouse's
 * keyed hash (core/keyed-hash.ts: HMAC-SHA256 of the value's text, lower-case hex) spelt with
 * PostgreSQL's built-in sha256(), so a pseudonym read here joins with one read from the warehouse.
 * The padded key travels as two bind parameters, never in the statement text (which the server may
 * log with an error).
 */

export const postgresText: TextDialect = { ident: standardIdent, literal: standardLiteral, textType: 'text' };

/** Bind parameters of one statement, numbered as they are added; the pseudonym pads once, when first needed. */
export class StatementParams {
  readonly values: unknown[] = [];
  private pads?: { inner: string; outer: string };

  constructor(private readonly key: Uint8Array) {}

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `$inner`, `$outer`: the HMAC pads as bytea parameters. */
  hmac(): { inner: string; outer: string } {
    if (!this.pads) {
      const { inner, outer } = hmacPads(this.key);
      this.pads = { inner: this.add(Buffer.from(inner, 'hex')), outer: this.add(Buffer.from(outer, 'hex')) };
    }
    return this.pads;
  }
}

/** keyedHash(key, x) in PostgreSQL; NULL stays NULL. `x::text` of a CHAR drops its padding, as the published (trimmed) value reads. */
export function keyedHashPostgres(expr: string, params: StatementParams): string {
  const { inner, outer } = params.hmac();
  return `encode(sha256(${outer}::bytea || sha256(${inner}::bytea || convert_to((${expr})::text, 'UTF8'))), 'hex')`;
}

/** Kinds returned as text: a JSON number would round a BIGINT past 2^53 and a DECIMAL's digits. */
const exactAsText = new Set(['BIGINT', 'DECIMAL', 'DECFLOAT']);

/** One column as a role reads it, from relation alias t0; throws for a hidden column (it is left out). */
export function servedColumnSql(c: EffectiveColumn, params: StatementParams): string {
  const x = `t0.${standardIdent(c.name)}`;
  const as = standardIdent(c.name);
  switch (c.treatment) {
    case 'clear': return exactAsText.has(parseSourceType(c.type).kind) ? `${x}::text AS ${as}` : `${x} AS ${as}`;
    case 'pseudonymised': return `${keyedHashPostgres(x, params)} AS ${as}`;
    case 'masked': return `${maskSql(postgresText, x, c.mask ?? 'initial', c)} AS ${as}`;
    case 'hidden': throw new Error(`column ${c.name} is hidden: it has no SQL`);
  }
}

export interface SectionInput {
  /** The table as the role sees it (effectiveAccess), contract columns only: the store holds no derived ones. */
  table: EffectiveTable;
  /** The relation of live rows of a served table ('<domain>.<table>'), undefined when it is not served. */
  relation(table: string): string | undefined;
  /** Conditions on alias t0 beyond the role's row filter, already rendered with `params`. */
  where?: string[];
  orderBy: string[];
  limit: number;
  params: StatementParams;
}

export interface SectionSql {
  /** One row, one column `rows`: a JSON array of objects (empty array, never NULL). */
  sql: string;
  /** Columns returned, in order. */
  columns: string[];
  /** Personal columns (PII class other than none) returned in clear: what makes a read privileged. */
  personalClear: string[];
}

/** A role's rows of one served table as one JSON array, masked, pseudonymised and filtered by the policy. */
export function sectionSql({ table, relation, where = [], orderBy, limit, params }: SectionInput): SectionSql {
  const own = relation(table.table);
  if (own === undefined) throw new Error(`${table.table} is not in the serving store`);
  const shown = table.columns.filter((c) => c.treatment !== 'hidden' && c.derivedFrom.length === 0);
  const list = shown.length > 0 ? shown.map((c) => servedColumnSql(c, params)).join(', ') : 'TRUE AS row_visible';
  const conditions = [...(table.filter ? [filterSql(postgresText, table.filter, 0, relation, new Set())] : []), ...where];
  const order = orderBy.length > 0 ? ` ORDER BY ${orderBy.join(', ')}` : '';
  const inner = `SELECT ${list} FROM ${own} AS t0${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}${order} LIMIT ${Math.trunc(limit)}`;
  return {
    // json_agg reads the sorted, limited subquery in its order (it is scanned once, as sorted).
    sql: `SELECT coalesce(json_agg(s), '[]'::json) AS rows FROM (${inner}) AS s`,
    columns: shown.length > 0 ? shown.map((c) => c.name) : ['row_visible'],
    personalClear: shown.filter((c) => c.pii !== 'none' && c.treatment === 'clear').map((c) => c.name),
  };
}
