import { describe, expect, it } from 'vitest';
import { formatKpiTarget, formatKpiValue } from './format.js';
import { kpiValue } from './values.js';

describe('KPI values', () => {
  it('divides a ratio, leaves a zero denominator without a value, and judges the target in its direction', () => {
    const atMost = { value: 0.15, direction: 'at_most' as const };
    expect(kpiValue({ period: '2026-01-05', dimension: '', numerator: 3, denominator: 20 }, atMost)).toMatchObject({ value: 0.15, meets: true });
    expect(kpiValue({ period: '2026-01-05', dimension: '', numerator: 4, denominator: 20 }, atMost)).toMatchObject({ value: 0.2, meets: false });
    expect(kpiValue({ period: '2026-01-05', dimension: '', numerator: 0, denominator: 0 }, atMost)).toMatchObject({ value: null, meets: null });
    expect(kpiValue({ period: '2026-01-05', dimension: 'ALPS', numerator: 19, denominator: null }, { value: 20, direction: 'at_least' })).toMatchObject({ value: 19, meets: false });
  });
});

describe('KPI values as text', () => {
  it('shows shares in percent, amounts with cents, counts as they are', () => {
    expect(formatKpiValue({ unit: 'ratio' }, 0.1234)).toBe('12.3 %');
    expect(formatKpiValue({ unit: 'amount' }, 1234.5)).toBe('1234.50');
    expect(formatKpiValue({}, 7)).toBe('7');
    expect(formatKpiValue({ unit: 'count' }, null)).toBe('-');
    expect(formatKpiTarget({ unit: 'ratio', target: { value: 0.15, direction: 'at_most' } })).toBe('≤ 15.0 %');
    expect(formatKpiTarget({ target: { value: 20, direction: 'at_least' } })).toBe('≥ 20');
  });
});
