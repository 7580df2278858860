import { describe, expect, it } from 'vitest';
import { toQualityValue } from './values.js';

describe('toQualityValue', () => {
  it('turns warehouse values into JSON: big integers as text, safe ones as numbers', () => {
    expect(toQualityValue(2n ** 53n + 2n)).toBe('9007199254740994');
    expect(toQualityValue(42n)).toBe(42);
    expect(toQualityValue([1n, null, 'a'])).toEqual(['1', null, 'a']);
    expect(toQualityValue(Number.NaN)).toBe('NaN');
    expect(toQualityValue(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(toQualityValue(Uint8Array.from([0, 255]))).toBe('00ff');
  });
});
