import { describe, expect, it } from 'vitest';
import { assignLanes } from './change-apply.js';

describe('assignLanes', () => {
  it('keeps every set of a table on one lane, in order, and deals tables to the lanes in turn', () => {
    expect(assignLanes(['a', 'b', 'a', 'c', 'b', 'd'], 2)).toEqual([[0, 2, 3], [1, 4, 5]]);
  });

  it('leaves no lane empty and uses one lane for one table', () => {
    expect(assignLanes(['a', 'a', 'a'], 2)).toEqual([[0, 1, 2]]);
    expect(assignLanes(['a', 'b', 'c'], 1)).toEqual([[0, 1, 2]]);
    expect(assignLanes([], 2)).toEqual([]);
  });
});
