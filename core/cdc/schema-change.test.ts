import { describe, expect, it } from 'vitest';
import { mergeAccepted, uncoveredChange } from './schema-change.js';

describe('accepted schema changes', () => {
  it('merge without repeats, the newest accepted type of a column winning', () => {
    const first = mergeAccepted(undefined, { dropped: ['NOTE'], retyped: [{ column: 'AMOUNT', event: 'int32' }] });
    expect(mergeAccepted(first, { dropped: ['NOTE', 'A'], retyped: [{ column: 'AMOUNT', event: 'int64' }] })).toEqual({
      dropped: ['A', 'NOTE'], retyped: [{ column: 'AMOUNT', event: 'int64' }],
    });
  });

  it('cover only the exact change accepted, and never a blocked column', () => {
    const change = { added: ['X'], dropped: ['NOTE', 'CODE'], retyped: [{ column: 'AMOUNT', contract: 'DECIMAL(9,2)', event: 'int64' }] };
    const accepted = { dropped: ['NOTE', 'CODE'], retyped: [{ column: 'AMOUNT', event: 'int32' }] };
    expect(uncoveredChange(change, accepted, [{ column: 'CODE', reason: 'NOT NULL' }])).toEqual({ added: ['X'], dropped: ['CODE'], retyped: change.retyped });
    expect(uncoveredChange(change, undefined, [])).toBe(change);
  });
});
