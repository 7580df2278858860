import { describe, expect, it } from 'vitest';
import type { DiscoveredColumn } from '../../connectors/source/port.js';
import { enforcesKey } from './index.js';

const column = (name: string, nullable = false) => ({ name, nullable }) as DiscoveredColumn;
const columns = [column('RESORT'), column('ID'), column('CODE', true), column('NOTE')];

describe('enforcesKey', () => {
  it('is true for a primary key or a unique index on not-null columns within the key', () => {
    expect(enforcesKey(['RESORT', 'ID'], { columns, primaryKey: ['RESORT', 'ID'], uniqueKeys: [] })).toBe(true);
    expect(enforcesKey(['ID', 'RESORT'], { columns, primaryKey: ['RESORT', 'ID'], uniqueKeys: [] })).toBe(true);
    // Unique on fewer columns: the wider key is unique too.
    expect(enforcesKey(['RESORT', 'ID'], { columns, primaryKey: null, uniqueKeys: [['ID']] })).toBe(true);
  });

  it('is false without an index, for an index reaching outside the key, and for one on a nullable column', () => {
    expect(enforcesKey(['ID'], { columns, primaryKey: null, uniqueKeys: [] })).toBe(false);
    expect(enforcesKey(['ID'], { columns, primaryKey: ['RESORT', 'ID'], uniqueKeys: [] })).toBe(false);
    expect(enforcesKey(['ID', 'CODE'], { columns, primaryKey: null, uniqueKeys: [['CODE']] })).toBe(false);
    expect(enforcesKey(['NOTE'], { columns, primaryKey: null, uniqueKeys: [[]] })).toBe(false);
  });
});
