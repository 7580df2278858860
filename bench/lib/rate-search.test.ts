import { describe, expect, it } from 'vitest';
import { lagGrew } from './rate-search.js';

describe('lagGrew', () => {
  it('calls a flat lag with batch-rhythm noise sustained', () => {
    // A pipeline that keeps up: the lag swings with each micro-batch but does not climb.
    const samples = [400, 900, 300, 1100, 500, 800, 350, 1000, 450, 950, 300, 1050];
    const result = lagGrew(samples, 1000);
    expect(result.grew).toBe(false);
    expect(Math.abs(result.slope)).toBeLessThan(20);
  });

  it('calls a lag that climbs growth, with the quarters and the slope it fitted', () => {
    const samples = [500, 900, 1400, 2000, 2600, 3300, 3900, 4500];
    const result = lagGrew(samples, 1000);
    expect(result.grew).toBe(true);
    expect(result.first).toBe(700);
    expect(result.last).toBe(4200);
    expect(result.slope).toBeCloseTo(586.9, 1);
  });

  it('calls a pipeline 5 % short of the rate over a 20 s phase growth, under saw-tooth noise', () => {
    // 10,000 events/s arriving, 9,500 applied: the lag climbs 500 a second under a ±1,500 saw-tooth.
    // The first and last quarters sit 7,500 apart: inside one second of events, which is why a
    // quarter comparison missed it.
    const samples = Array.from({ length: 20 }, (_, s) => 2000 + 500 * s + (s % 2 === 0 ? 1500 : -1500));
    expect(lagGrew(samples, 10_000).grew).toBe(true);
  });

  it('calls a pipeline within 1 % of the rate flat', () => {
    const samples = Array.from({ length: 20 }, (_, s) => 2000 + 100 * s + (s % 2 === 0 ? 1500 : -1500));
    expect(lagGrew(samples, 10_000).grew).toBe(false);
  });
});
