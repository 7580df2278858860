/**
 * Keyset range predicates for chunked backfill reads. Pure: no I/O.
 *
 * Composite keys are expanded into OR/AND terms instead of row-value comparisons
 * (`(A, B) > (?, ?)`), because DB2 does not accept row values in every place we need them
 * (z/OS and IBM i in particular). A redundant range on the leading key column is ANDed in front
 * so optimisers on both PostgreSQL and DB2 can use a plain index range scan.
 */

import { standardIdent, standardLiteral } from './sql/standard.js';

/** A key value as it travels in Temporal payloads: strings for decimals, dates, timestamps, BIGINT. */
export type KeyValue = string | number | null;

/** Bounds of one chunk: rows with lower < key <= upper; a null side is open. */
export interface KeyBounds {
  lower: KeyValue[] | null;
  upper: KeyValue[] | null;
}

export type SqlDialect = 'postgres' | 'db2';

/**
 * How values reach the SQL text: `$n` placeholders (pg), `?` markers (ibm_db), or inline literals
 * (PostgreSQL `COPY (SELECT …) TO STDOUT` accepts no bind parameters).
 */
export type ParamStyle =
  | { kind: 'dollar'; firstIndex?: number }
  | { kind: 'qmark' }
  | { kind: 'inline' };

export interface KeyRangePredicate {
  /** Boolean SQL expression, `1=1` when both sides are open. */
  sql: string;
  /** Values for the placeholders in order; empty for inline literals. */
  params: KeyValue[];
}

/** Quotes an SQL identifier as both PostgreSQL and DB2 spell it: `"BOOKING_ID"`. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier (expected a column, schema or table name)');
  return standardIdent(name);
}

/** Renders a key value as an SQL literal; the database coerces the quoted text to the column type. */
export function sqlLiteral(value: KeyValue, column: string): string {
  if (value === null) throw new Error(`key column ${column}: a NULL bound cannot be used in a keyset range (key columns must be NOT NULL)`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`key column ${column}: bound ${value} is not a finite number`);
    return String(value);
  }
  return standardLiteral(value);
}

/** `lower < key AND key <= upper`, expanded per column. The dialect only decides literal spelling today. */
export function keyRangePredicate(_dialect: SqlDialect, key: string[], bounds: KeyBounds, style: ParamStyle): KeyRangePredicate {
  if (key.length === 0) throw new Error('keyset range needs at least one key column');
  const params: KeyValue[] = [];
  let next = style.kind === 'dollar' ? (style.firstIndex ?? 1) : 0;
  const value = (v: KeyValue, column: string): string => {
    if (v === null) return sqlLiteral(v, column);
    if (style.kind === 'inline') return sqlLiteral(v, column);
    params.push(v);
    return style.kind === 'dollar' ? `$${next++}` : '?';
  };
  const side = (values: KeyValue[] | null, last: '>' | '<='): string | null => {
    if (values === null) return null;
    if (values.length !== key.length) {
      throw new Error(`keyset bound has ${values.length} values for key (${key.join(', ')}) of ${key.length} columns`);
    }
    const strict = last === '>' ? '>' : '<';
    // The leading-column range comes first in the text, so its placeholder is taken first too.
    const lead = key.length === 1 ? null : `${quoteIdent(key[0]!)} ${last === '>' ? '>=' : '<='} ${value(values[0]!, key[0]!)}`;
    const terms: string[] = [];
    for (let i = 0; i < key.length; i++) {
      const parts: string[] = [];
      for (let j = 0; j < i; j++) parts.push(`${quoteIdent(key[j]!)} = ${value(values[j]!, key[j]!)}`);
      const op = i === key.length - 1 ? last : strict;
      parts.push(`${quoteIdent(key[i]!)} ${op} ${value(values[i]!, key[i]!)}`);
      terms.push(parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`);
    }
    if (lead === null) return terms[0]!;
    return `(${lead} AND (${terms.join(' OR ')}))`;
  };
  const lower = side(bounds.lower, '>');
  const upper = side(bounds.upper, '<=');
  const parts = [lower, upper].filter((p): p is string => p !== null);
  return { sql: parts.length === 0 ? '1=1' : parts.join(' AND '), params };
}
