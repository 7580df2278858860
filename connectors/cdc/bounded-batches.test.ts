import { describe, expect, it } from 'vitest';
import { boundedBatches } from './bounded-batches.js';

describe('boundedBatches', () => {
  const message = (n: number, bytes: number) => ({ key: `k${n}`, value: 'x'.repeat(bytes), headers: { 'factory.offset': String(n) } });

  it('cuts messages into sends under the size, in order, losing none', () => {
    const messages = Array.from({ length: 300 }, (_, n) => message(n, 4000));
    const batches = boundedBatches(messages, 100_000);
    expect(batches.flat()).toEqual(messages);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.reduce((n, m) => n + String(m.value).length, 0)).toBeLessThanOrEqual(100_000);
    // Full sends: each holds as many as fit (24 of ~4 KB in 100 KB).
    expect(batches[0]!.length).toBe(24);
  });

  it('sends a message larger than the bound alone, and a few small ones together', () => {
    const batches = boundedBatches([message(0, 10), message(1, 5000), message(2, 10), message(3, 10)], 1000);
    expect(batches.map((b) => b.map((m) => m.key))).toEqual([['k0'], ['k1'], ['k2', 'k3']]);
    expect(boundedBatches([])).toEqual([]);
  });

  it('counts Buffer values and headers by their bytes', () => {
    const batches = boundedBatches([{ key: null, value: Buffer.alloc(600) }, { key: null, value: Buffer.alloc(300), headers: { h: Buffer.alloc(200) } }], 1000);
    expect(batches.length).toBe(2);
  });
});
