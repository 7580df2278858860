import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './json.js';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact as digit strings and leaves safe numbers as numbers', () => {
    expect(parseJsonExact('{"ns":1700000000123456789,"us":1700000000123456,"neg":-9223372036854775808,"small":42}'))
      .toEqual({ ns: '1700000000123456789', us: 1700000000123456, neg: '-9223372036854775808', small: 42 });
  });

  it('leaves digits inside strings, fractions and exponents alone', () => {
    const text = '{"s":"id 12345678901234567890 \\" 98765432109876543210","f":12345678901234567.5,"e":1234567890123456789e2,"a":[18014398509481985]}';
    const parsed = parseJsonExact(text) as Record<string, unknown>;
    expect(parsed.s).toBe('id 12345678901234567890 " 98765432109876543210');
    // Fractions and exponents stay numbers (rounded as JSON.parse rounds them), never digit strings.
    expect(parsed.f).toBe(Number('12345678901234567.5'));
    expect(parsed.e).toBe(Number('1234567890123456789e2'));
    expect(parsed.a).toEqual(['18014398509481985']);
  });
});
