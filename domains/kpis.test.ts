import { describe, expect, it } from 'vitest';
import type { DomainDeclaration } from '../contracts/contract.js';
import type { KpiDeclaration } from '../contracts/kpis.js';
import type { KpiTrend } from '../core/kpi/values.js';
import { accessPolicy } from './access-policy.js';
import { declarations, registry } from './index.js';
import { kpisFor, type KpiReading } from './kpis.js';
import { loadDomains } from './load.js';

/** Which role sees which KPI, by the rule of core/kpi/access.ts, on the real access policy. */

const guestKpi = (name: string, measure: KpiDeclaration['measure'], column: string): KpiDeclaration => ({
  name, description: name, product: 'bookings', table: 'booking_guest', measure, grain: { time: 'day', column }, target: { value: 1, direction: 'at_least' }, owner: 'dpo.booking',
});

// Two KPIs over personal columns of booking_guest (identity: masked for engineers, pseudonymised for analysts, clear for the call centre).
const withGuestKpis = loadDomains(declarations.map((d): DomainDeclaration => (d.name !== 'booking' ? d : {
  ...d,
  kpis: [
    guestKpi('guests_by_birth_day', { kind: 'count' }, 'BIRTH_DATE'),
    guestKpi('distinct_guest_surnames', { kind: 'count_distinct', column: 'LAST_NAME' }, 'CREATED_TS'),
  ],
})), { accessPolicy });

/** Trends as the catalog would give them: one value per KPI, so a shown KPI is visibly read. */
const trends = {
  async kpiTrend({ domain, kpi }: { domain: string; kpi: string }): Promise<KpiTrend> {
    return { domain, kpi, periods: ['2026-01-05'], values: [{ period: '2026-01-05', dimension: '', numerator: 7, denominator: null, value: 7, meets: true, target: 1, computedAt: '2026-01-06T03:00:00.000Z' }] };
  },
};

const summary = (readings: KpiReading[]) => Object.fromEntries(readings.map((r) => [r.kpi.name, r.status === 'refused' ? r.reason : r.trend.values[0]!.value]));

describe('kpisFor: what each role sees of a domain\'s KPIs', () => {
  it('shows the demo booking KPIs to every role that reads all booking rows with those columns clear, and refuses an agency', async () => {
    for (const role of ['admin', 'engineer', 'analyst', 'callcentre', 'dpo:booking', 'deputy:customer_service']) {
      expect(summary(await kpisFor('booking', role, { registry, trends })), role).toEqual({ bookings_per_resort_day: 7, revenue_per_resort_day: 7, cancellation_rate: 7 });
    }
    const agency = await kpisFor('booking', 'agency:101', { registry, trends });
    expect(new Set(agency.map((r) => r.status === 'refused' && r.reason))).toEqual(new Set([
      'role agency:101 reads only some rows of booking.booking (AGENCY_ID = 101); the KPI counts all rows',
    ]));
  });

  it('refuses a role the KPI\'s product is closed to', async () => {
    expect(summary(await kpisFor('customer_service', 'agency:7', { registry, trends }))).toEqual({
      open_case_backlog: 'role agency:7 may not read product customer_service.service_cases',
      distinct_callers_per_day: 'role agency:7 may not read product customer_service.service_cases',
    });
  });

  it('shows the distinct callers (a contact number) to the call centre and refuses the roles that get the number masked', async () => {
    expect(summary(await kpisFor('customer_service', 'callcentre', { registry, trends }))).toEqual({ open_case_backlog: 7, distinct_callers_per_day: 7 });
    expect(summary(await kpisFor('customer_service', 'analyst', { registry, trends }))).toEqual({
      open_case_backlog: 7,
      distinct_callers_per_day: 'column customer_service.call_log.CALLER_NUMBER (contact) is masked for role analyst; the KPI reads it',
    });
    expect(summary(await kpisFor('customer_service', 'dpo:customer_service', { registry, trends }))).toEqual({ open_case_backlog: 7, distinct_callers_per_day: 7 });
  });

  it('refuses a KPI reading a column the role gets masked or pseudonymised, naming the column; a pseudonymised column only counted distinct is fine', async () => {
    const by = async (role: string) => summary(await kpisFor('booking', role, { registry: withGuestKpis, trends }));
    expect(await by('callcentre')).toEqual({ guests_by_birth_day: 7, distinct_guest_surnames: 7 });
    expect(await by('dpo:booking')).toEqual({ guests_by_birth_day: 7, distinct_guest_surnames: 7 });
    expect(await by('engineer')).toEqual({
      guests_by_birth_day: 'column booking.booking_guest.BIRTH_DATE (identity) is masked for role engineer; the KPI reads it',
      distinct_guest_surnames: 'column booking.booking_guest.LAST_NAME (identity) is masked for role engineer; the KPI reads it',
    });
    expect(await by('analyst')).toEqual({
      guests_by_birth_day: 'column booking.booking_guest.BIRTH_DATE (identity) is pseudonymised for role analyst; the KPI reads it',
      distinct_guest_surnames: 7,
    });
    // A steward of another domain reads booking as the policy's `elsewhere` role (analyst).
    expect(await by('dpo:customer')).toEqual({
      guests_by_birth_day: 'column booking.booking_guest.BIRTH_DATE (identity) is pseudonymised for role dpo:customer; the KPI reads it',
      distinct_guest_surnames: 7,
    });
  });

  it('names an unknown role form', async () => {
    await expect(kpisFor('booking', 'boss', { registry, trends })).rejects.toThrow('role "boss": unknown role');
  });
});
