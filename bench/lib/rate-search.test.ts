import { describe, expect, it } from 'vitest';
import { lagGrew } from './rate-search.js';

describe('lagGrew', () => {
  it('calls a flat lag with batch-rhythm noise sustained', () => {
    // A pipeline that keeps up: the lag swings with each micro-batch but does not climb.
    const samples = [400, 900, 300, 1100, 500, 800, 350, 1000, 450, 950, 300, 1050];
    expect(lagGrew(samples, 1000)).toMatchObject({ grew: false });
  });

  it('calls a lag that climbs by more than one second of events growth', () => {
    const samples = [500, 900, 1400, 2000, 2600, 3300, 3900, 4500];
    const result = lagGrew(samples, 1000);
    expect(result.grew).toBe(true);
    expect(result.first).toBe(700);
    expect(result.last).toBe(4200);
  });

  it('does not call a rise within one second of events growth', () => {
    expect(lagGrew([100, 200, 900, 1000], 1000).grew).toBe(false);
    expect(lagGrew([100, 200, 1200, 1300], 1000).grew).toBe(true);
  });
});
