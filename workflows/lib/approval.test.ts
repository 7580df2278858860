import { describe, expect, it } from 'vitest';
import { decideSignal, howToDecide } from '../api/approval.js';
import { decideUpdate } from '../api/publish-data-product.js';
import { decideSchemaChangeSignal, decideSchemaChangeUpdate } from '../api/schema-change-approval.js';
import { approvalTimeline, nudgeRecipients, refusal } from './approval.js';

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

describe('nudgeRecipients', () => {
  it('reminds the DPO and escalates to the deputies too, or to the DPO alone when there are none', () => {
    const approvers = { dpo: 'dpo.booking', deputies: ['deputy.1', 'deputy.2'] };
    expect(nudgeRecipients('reminder', approvers)).toEqual(['dpo.booking']);
    expect(nudgeRecipients('escalation', approvers)).toEqual(['dpo.booking', 'deputy.1', 'deputy.2']);
    expect(nudgeRecipients('escalation', { dpo: 'dpo.booking', deputies: [] })).toEqual(['dpo.booking']);
  });
});

describe('decide messages', () => {
  it('share one name across both approval workflows and the printed instructions, so the CLI and the Temporal UI work alike', () => {
    expect([decideUpdate.name, decideSchemaChangeUpdate.name, decideSchemaChangeSignal.name]).toEqual([decideSignal.name, decideSignal.name, decideSignal.name]);
    expect(howToDecide('booking.t', 3, 'schema-change:booking.t', '--schema-change')).toEqual([
      'factory login, then: factory approve booking.t 3 --schema-change --comment "<why>"   (or: factory reject …; with FACTORY_AUTH=dev: --as <your user id>)',
      `Temporal UI: workflow schema-change:booking.t → Send a Signal named '${decideSignal.name}' with input {"version":3,"decision":"approve","token":"<your access token: factory token>","comment":"<why>"} ("decision": "reject" to reject; with FACTORY_AUTH=dev: "by": "<your user id>" instead of the token)`,
    ]);
  });
});
