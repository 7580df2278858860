import { describe, expect, it } from 'vitest';
import { summarize } from './percentiles.js';

describe('summarize', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('sorts numerically, not as text', () => {
    expect(summarize([9, 10, 100]).p50).toBe(10);
  });

  it('reports the single sample for every rank, and zeros for none', () => {
    expect(summarize([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(summarize([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
