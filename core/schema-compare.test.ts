import { describe, expect, it } from 'vitest';
import { compareSchemas, isBreaking, matchColumns } from './schema-compare.js';

interface Col { name: string; type: string; nullable?: boolean }
const col = (name: string, type: string, nullable?: boolean): Col => ({ name, type, nullable });
const byText = { retyped: (e: Col, a: Col) => (e.type === a.type ? null : { contract: e.type, event: a.type }) };

describe('compareSchemas', () => {
  it('lists added columns in actual order, dropped and retyped ones in expected order', () => {
    const change = compareSchemas(
      [col('A', 'INTEGER'), col('B', 'DATE'), col('C', 'CHAR(3)'), col('D', 'BIGINT')],
      [col('Z', 'DATE'), col('D', 'INTEGER'), col('A', 'INTEGER'), col('Y', 'DATE'), col('C', 'CHAR(5)')],
      byText,
    );
    expect(change).toEqual({
      added: ['Z', 'Y'],
      dropped: ['B'],
      retyped: [{ column: 'C', contract: 'CHAR(3)', event: 'CHAR(5)' }, { column: 'D', contract: 'BIGINT', event: 'INTEGER' }],
    });
    expect(isBreaking(change)).toBe(true);
    expect(isBreaking(compareSchemas([col('A', 'INTEGER')], [col('A', 'INTEGER'), col('B', 'DATE')], byText))).toBe(false);
  });

  it('matches names exactly unless asked to fold case, and then only a unique match', () => {
    expect(compareSchemas([col('id', 'INTEGER')], [col('ID', 'INTEGER')], byText)).toEqual({ added: ['ID'], dropped: ['id'], retyped: [] });
    expect(compareSchemas([col('id', 'INTEGER')], [col('ID', 'BIGINT')], { ...byText, foldCase: true }))
      .toEqual({ added: [], dropped: [], retyped: [{ column: 'id', contract: 'INTEGER', event: 'BIGINT' }] });
    expect(matchColumns(['id', 'NOTE'], ['Id', 'ID', 'NOTE'], { foldCase: true })).toEqual(new Map([['NOTE', 'NOTE']]));
    expect(matchColumns(['ID'], ['id', 'ID'], { foldCase: true })).toEqual(new Map([['ID', 'ID']]));
  });

  it('compares nullability only when asked to', () => {
    const expected = [col('A', 'INTEGER', false), col('B', 'DATE', true)];
    const actual = [col('A', 'INTEGER', true), col('B', 'DATE', false)];
    expect(compareSchemas(expected, actual, byText)).not.toHaveProperty('nullability');
    expect(compareSchemas(expected, actual, { ...byText, nullable: (c) => c.nullable === true }).nullability).toEqual([
      { column: 'A', contract: 'not null', event: 'nullable' },
      { column: 'B', contract: 'nullable', event: 'not null' },
    ]);
  });
});
