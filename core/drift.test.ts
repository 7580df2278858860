import { describe, expect, it } from 'vitest';
import { compareColumns, describeDrift } from './drift.js';
import { isBreaking } from './schema-compare.js';
import { parseSourceType } from '../contracts/source-types.js';

const src = (name: string, type: string) => ({ name, type: parseSourceType(type) });

describe('compareColumns', () => {
  it('finds no drift when names and types match (aliases normalised)', () => {
    const drift = compareColumns([{ name: 'ID', type: 'INT' }, { name: 'AMT', type: 'NUMERIC(9,2)' }], [src('ID', 'INTEGER'), src('AMT', 'DECIMAL(9,2)')]);
    expect(drift).toEqual({ added: [], dropped: [], retyped: [] });
    expect(isBreaking(drift)).toBe(false);
  });

  it('reports added columns without calling them breaking', () => {
    const drift = compareColumns([{ name: 'ID', type: 'INTEGER' }], [src('ID', 'INTEGER'), src('NOTE', 'VARCHAR(40)')]);
    expect(drift.added).toEqual(['NOTE']);
    expect(isBreaking(drift)).toBe(false);
  });

  it('names dropped and retyped columns', () => {
    const drift = compareColumns(
      [{ name: 'ID', type: 'INTEGER' }, { name: 'AMT', type: 'DECIMAL(9,2)' }, { name: 'OLD', type: 'DATE' }],
      [src('ID', 'BIGINT'), src('AMT', 'DECIMAL(9,2)')],
    );
    expect(isBreaking(drift)).toBe(true);
    expect(describeDrift('booking.booking', drift)).toBe(
      'booking.booking: source differs from its contract — missing at the source: OLD; retyped: ID (contract INTEGER, source BIGINT)',
    );
  });
});
