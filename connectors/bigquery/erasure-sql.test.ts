import { describe, expect, it } from 'vitest';
import { erasurePlan } from '../../core/erasure/plan.js';
import { hmacPads, keyedHash } from '../../core/keyed-hash.js';
import { dataSubjects, registry } from '../../domains/index.js';
import { beginScript, ledgerGuardSql } from './erasure-sql.js';

const key = new Uint8Array(32).fill(3);
const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));

describe('BigQuery erasure SQL', () => {
  it('begins with keyed hashes only: the identifier is in no statement, the reaching values are collected in reach order', () => {
    const id = '7310001';
    const subjectHash = keyedHash(key, id);
    const sql = beginScript({
      plan, subjectHash, keyId: 'k1', key,
      relations: new Map([['booking.booking', ['`raw_booking`.`booking`', '`raw_booking`.`booking__changes`']]]),
    });
    expect(sql).not.toContain(id);
    expect(sql.startsWith('BEGIN TRANSACTION;\n')).toBe(true);
    expect(sql.endsWith('COMMIT TRANSACTION;')).toBe(true);
    // The bookings are collected (from both relations) before booking_line's ledger entries are written from them.
    const collect = sql.indexOf(`'booking.booking.BOOKING_ID', TO_HEX(SHA256(`);
    expect(collect).toBeGreaterThan(0);
    expect(sql.slice(collect)).toContain('FROM `raw_booking`.`booking__changes` WHERE');
    expect(sql.indexOf(`'booking_line', 'BOOKING_ID'`)).toBeGreaterThan(collect);
    // A table no relation holds collects nothing (its key stays unknown), but its ledger entries are still written.
    expect(sql).not.toContain(`'customer_service.service_case.CASE_ID', TO_HEX`);
    expect(sql).toContain(`'case_note', 'CASE_ID'`);
    expect(sql).toContain(hmacPads(key).inner);
  });

  it('guards a relation: counts, then deletes or anonymises; an anonymised table without personal columns is left alone', () => {
    const table = registry.table('payment.payment');
    const [count, erase] = ledgerGuardSql({ domain: 'payment', table, relations: ['`raw_payment`.`b`'], origin: 'cdc t:0@2', columns: ['BOOKING_ID'], action: 'anonymise', key });
    expect(count).toContain(`INSERT INTO _factory.erasure_suppressed`);
    expect(count).toContain(`'cdc t:0@2', 'anonymise', n`);
    expect(erase).toMatch(/^UPDATE `raw_payment`.`b` SET `CARD_TOKEN` = NULL WHERE \(TO_HEX/);
    const ledger = registry.table('payment.ledger_entry');
    expect(ledgerGuardSql({ domain: 'payment', table: ledger, relations: ['x'], origin: 'o', columns: ['BOOKING_ID'], action: 'anonymise', key })).toEqual([]);
    expect(ledgerGuardSql({ domain: 'booking', table: registry.table('booking.booking_line'), relations: ['x'], origin: 'o', columns: ['BOOKING_ID'], action: 'delete', key })[1])
      .toMatch(/^DELETE FROM x WHERE/);
  });
});
