import { describe, expect, it } from 'vitest';
import { erasurePlan } from '../core/erasure/plan.js';
import { customerSubject } from './data-subjects.js';
import { dataSubjects, loadDataSubjects, registry } from './index.js';

const withReach = (reach: unknown[]) => ({ ...customerSubject, reach });

describe('data subjects', () => {
  it('loads the customer subject, approved by the customer domain', () => {
    expect(dataSubjects.map((s) => [s.name, s.approvingDomain])).toEqual([['customer', 'customer']]);
  });

  it('plans bookings before the tables reached through them, and payments anonymised with CARD_TOKEN nulled', () => {
    const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
    const order = plan.tables.map((t) => `${t.domain}.${t.table}`);
    expect(order.indexOf('booking.booking')).toBeLessThan(order.indexOf('booking.booking_line'));
    expect(order.indexOf('customer_service.service_case')).toBeLessThan(order.indexOf('customer_service.case_note'));
    expect(plan.tables.find((t) => t.table === 'booking')?.collects).toBe('BOOKING_ID');
    const payment = plan.tables.find((t) => t.table === 'payment')!;
    expect(payment).toMatchObject({ action: 'anonymise', nulled: ['CARD_TOKEN'], vias: [{ column: 'BOOKING_ID', from: 'booking.booking.BOOKING_ID' }] });
    expect(plan.tables.find((t) => t.table === 'booking_guest')?.vias.map((v) => v.column)).toEqual(['BOOKING_ID', 'CUSTOMER_ID']);
  });

  it('names a column that references the subject but is not declared', () => {
    const reach = customerSubject.reach.filter((r) => r.table !== 'customer_service.call_log');
    expect(() => loadDataSubjects(registry, [withReach(reach)])).toThrow(
      /domain "customer_service", table "call_log", column "CUSTOMER_ID".*references customer\.customer\.CUSTOMER_ID, the subject key; declare it in reach/);
  });

  it('names a column that references a deleted table but is not declared', () => {
    const reach = customerSubject.reach.filter((r) => r.table !== 'customer_service.case_note');
    expect(() => loadDataSubjects(registry, [withReach(reach)])).toThrow(
      /table "case_note", column "CASE_ID".*references customer_service\.service_case\.CASE_ID, which erasure deletes; declare it in reach/);
  });

  it('requires a reason to anonymise, and nullable PII columns', () => {
    const reach = customerSubject.reach.map((r) => (r.table === 'loyalty.membership' ? { table: r.table, via: r.via, action: 'anonymise' } : r));
    const message = (() => {
      try {
        loadDataSubjects(registry, [withReach(reach)]);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/table "membership", column "CUSTOMER_ID".*reason.*anonymise keeps the rows: say why/);
    expect(message).toMatch(/table "membership", column "CARD_NUMBER".*is NOT NULL in the contract/);
  });

  it('refuses a via column that does not lead to the subject', () => {
    const reach = [...customerSubject.reach, { table: 'booking.booking', via: 'RESORT_CODE', action: 'delete' }];
    expect(() => loadDataSubjects(registry, [withReach(reach)])).toThrow(/table "booking", column "RESORT_CODE".*neither the subject key/);
  });
});
