import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors.js';
import { auditQuery, sinceTime } from './audit.js';

describe('factory audit options', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');

  it('reads --since as a duration before now or an ISO time', () => {
    expect(sinceTime('30m', now)).toBe('2026-12-03T11:30:00.000Z');
    expect(sinceTime('24h', now)).toBe('2026-12-02T12:00:00.000Z');
    expect(sinceTime('7d', now)).toBe('2026-11-26T12:00:00.000Z');
    expect(sinceTime('2026-12-01T08:00:00Z', now)).toBe('2026-12-01T08:00:00.000Z');
    expect(() => sinceTime('yesterday', now)).toThrow(InvalidInputError);
  });

  it('builds the catalog query and refuses bad values, naming the option', () => {
    expect(auditQuery({ actor: 'dpo.booking', kind: 'decide', outcome: 'refused' })).toEqual({ actor: 'dpo.booking', kind: 'decide', outcome: 'refused', limit: 200 });
    expect(() => auditQuery({ outcome: 'maybe' })).toThrow(/--outcome 'maybe': expected accepted or refused/);
    expect(() => auditQuery({ limit: '0' })).toThrow(/--limit '0'/);
  });
});
