import { describe, expect, it } from 'vitest';
import { approvalTimeline, refusal } from './approval.js';

describe('approvalTimeline', () => {
  it('orders reminder and escalation by time and leaves out what falls at or after the expiry', () => {
    expect(approvalTimeline({ reminderHours: 8, escalationHours: 48, expiryDays: 7 })).toEqual({
      steps: [{ kind: 'reminder', afterMs: 8 * 3_600_000 }, { kind: 'escalation', afterMs: 48 * 3_600_000 }], expiryMs: 168 * 3_600_000,
    });
    expect(approvalTimeline({ reminderHours: 30, escalationHours: 12, expiryDays: 1 }).steps).toEqual([{ kind: 'escalation', afterMs: 12 * 3_600_000 }]);
  });
});

describe('refusal', () => {
  const ctx = { product: 'booking.bookings', awaiting: 4, phase: 'awaiting-approval', approvers: { dpo: 'dpo.booking', deputies: [] } };
  it('names what is wrong, entitlement first', () => {
    expect(refusal({ version: 3, decision: 'approve', by: 'someone', comment: '' }, ctx)).toBe('someone may not decide on booking.bookings: only its DPO (dpo.booking) may');
    expect(refusal({ version: 4, decision: 'ok', by: 'dpo.booking', comment: 'x' }, ctx)).toBe("decision on booking.bookings: expected 'approve' or 'reject'");
    expect(refusal({ version: 4, decision: 'approve', by: 'dpo.booking', comment: 'x' }, { ...ctx, awaiting: undefined, phase: 'gating' }))
      .toBe('booking.bookings has no candidate awaiting a decision (it is gating)');
    expect(refusal(undefined, ctx)).toBe('a decision on booking.bookings must name who decides (by: a user id)');
    expect(refusal({ version: 4, decision: 'reject', by: 'dpo.booking', comment: 'why not' }, ctx)).toBeUndefined();
  });
});
