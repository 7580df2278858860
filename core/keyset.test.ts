import { describe, expect, it } from 'vitest';
import { keyRangePredicate, quoteIdent, sqlLiteral, type KeyValue } from './keyset.js';

/** Evaluates a generated predicate (numeric inline literals only) against one row, as SQL would. */
function evaluate(sql: string, row: Record<string, number>): boolean {
  const js = sql
    .replace(/"([A-Z_0-9]+)"/g, (_m, name: string) => String(row[name]))
    .replace(/ AND /g, ' && ')
    .replace(/ OR /g, ' || ')
    .replace(/(?<![<>=!])=(?!=)/g, '===');
  return Boolean(new Function(`return (${js});`)());
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

describe('keyRangePredicate', () => {
  const key = ['A', 'B', 'C'];
  const grid: number[][] = [];
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) grid.push([a, b, c]);

  it('selects exactly lower < key <= upper for a composite key (every bound pair on a grid)', () => {
    for (const lower of [null, ...grid]) {
      for (const upper of [null, [1, 1, 1], [2, 0, 2]]) {
        const { sql, params } = keyRangePredicate('postgres', key, { lower, upper }, { kind: 'inline' });
        expect(params).toEqual([]);
        for (const row of grid) {
          const expected = (lower === null || compare(row, lower) > 0) && (upper === null || compare(row, upper) <= 0);
          expect(evaluate(sql, { A: row[0]!, B: row[1]!, C: row[2]! }), `${sql} for ${row.join(',')}`).toBe(expected);
        }
      }
    }
  });

  it('expands without row-value syntax and leads with a range on the first column', () => {
    const { sql, params } = keyRangePredicate('db2', ['BOOKING_ID', 'LINE_NO'], { lower: ['B1', 3], upper: null }, { kind: 'qmark' });
    expect(sql).toBe('("BOOKING_ID" >= ? AND ("BOOKING_ID" > ? OR ("BOOKING_ID" = ? AND "LINE_NO" > ?)))');
    expect(params).toEqual(['B1', 'B1', 'B1', 3]);
  });

  it('numbers dollar placeholders in text order from firstIndex', () => {
    const { sql, params } = keyRangePredicate('postgres', ['ID'], { lower: [10], upper: [20] }, { kind: 'dollar', firstIndex: 3 });
    expect(sql).toBe('"ID" > $3 AND "ID" <= $4');
    expect(params).toEqual([10, 20]);
  });

  it('keeps placeholder order equal to text order for composite upper bounds', () => {
    const { sql, params } = keyRangePredicate('db2', ['A', 'B'], { lower: null, upper: [1, 2] }, { kind: 'qmark' });
    expect(sql).toBe('("A" <= ? AND ("A" < ? OR ("A" = ? AND "B" <= ?)))');
    expect(params).toEqual([1, 1, 1, 2]);
  });

  it('is always true when both sides are open', () => {
    expect(keyRangePredicate('postgres', ['ID'], { lower: null, upper: null }, { kind: 'dollar' })).toEqual({ sql: '1=1', params: [] });
  });

  it('refuses NULL bounds and bounds of the wrong width, naming the key', () => {
    expect(() => keyRangePredicate('postgres', ['ID'], { lower: [null], upper: null }, { kind: 'dollar' })).toThrow(/key column ID.*NULL/);
    expect(() => keyRangePredicate('postgres', ['A', 'B'], { lower: [1], upper: null }, { kind: 'dollar' })).toThrow(/1 values for key \(A, B\)/);
    expect(() => keyRangePredicate('postgres', [], { lower: null, upper: null }, { kind: 'dollar' })).toThrow(/at least one key column/);
  });
});

describe('literals and identifiers', () => {
  it('doubles quotes so values and names cannot break out', () => {
    expect(quoteIdent('A"B')).toBe('"A""B"');
    expect(sqlLiteral("O'Brien", 'NAME')).toBe("'O''Brien'");
    expect(sqlLiteral('2024-01-31 10:00:00.123456', 'TS')).toBe("'2024-01-31 10:00:00.123456'");
    expect(sqlLiteral(42, 'ID')).toBe('42');
  });

  it('refuses non-finite numbers', () => {
    expect(() => sqlLiteral(Number.NaN as KeyValue, 'ID')).toThrow(/ID.*finite/);
  });
});
