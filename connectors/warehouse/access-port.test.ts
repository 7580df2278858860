import { describe, expect, it } from 'vitest';
import { summarizeAccessViews, type AccessViewOutcome } from './access-port.js';

const view = (role: string, table: string): AccessViewOutcome => ({
  role, view: `access_${role.replace(/[:-]/g, '_')}.booking__bookings__${table}`, columns: ['BOOKING_ID', 'STATUS_CODE'], hidden: [], filtered: role.startsWith('agency:'), missingSources: [],
});

describe('summarizeAccessViews', () => {
  it('counts the agencies\' views instead of listing them, so the activity result stays far below Temporal\'s payload limit', () => {
    const agencies = Array.from({ length: 2000 }, (_, i) => `agency:${i + 1}`);
    const views = [...['admin', 'analyst', 'callcentre'].map((r) => view(r, 'booking')), ...agencies.flatMap((a) => ['booking', 'booking_line', 'booking_guest'].map((t) => view(a, t)))];
    const dropped = Array.from({ length: 120 }, (_, i) => `access_agency_${i}.booking__bookings__booking`);
    const summary = summarizeAccessViews({ product: 'booking.bookings', views, dropped });
    expect(summary.views.map((v) => v.role)).toEqual(['admin', 'analyst', 'callcentre']);
    expect(summary.agencyViews).toMatchObject({ count: 6000, agencies: 2000, sample: { role: 'agency:1' } });
    expect([summary.dropped.length, summary.droppedCount]).toEqual([50, 120]);
    expect(JSON.stringify(summary).length).toBeLessThan(10_000);
    expect(JSON.stringify({ product: 'booking.bookings', views, dropped }).length).toBeGreaterThan(1_000_000);
  });
});
