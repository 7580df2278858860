import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { keyColumns } from './ddl.js';
import { copyLine, tableRows, writeTable } from './generate.js';
import { planSeed, SeedPlanError, type SeedPlan } from './plan.js';
import { codesFromDescription, type Value } from './values.js';

async function digest(plan: SeedPlan, table: string): Promise<string> {
  const hash = createHash('sha256');
  await writeTable(plan, plan.byName.get(table)!, (chunk) => hash.update(chunk), 4096);
  return hash.digest('hex');
}

// Small enough to hold every table in memory, large enough for rare values (0 / 99999999 dates) to show up.
const plan = planSeed(registry, { scale: 0.005, seed: 7 });
const rows = new Map(plan.tables.map((tp) => [tp.name, tableRows(plan, tp)]));
const columnIndex = (table: string, column: string) => plan.byName.get(table)!.table.columns.findIndex((c) => c.name === column);

describe('seed generation', () => {
  it('gives the same rows for the same scale and seed, byte for byte, and other rows for another seed', async () => {
    const again = planSeed(registry, { scale: 0.005, seed: 7 });
    const other = planSeed(registry, { scale: 0.005, seed: 8 });
    for (const table of ['booking.booking', 'booking.booking_line', 'customer.customer', 'reference.exchange_rate']) {
      expect(await digest(again, table)).toBe(await digest(plan, table));
      expect(await digest(other, table)).not.toBe(await digest(plan, table));
    }
  });

  it('plans the documented booking volumes: 400,000 bookings per unit of scale, 1–3 lines each', () => {
    expect(planSeed(registry, { scale: 10, seed: 1 }).byName.get('booking.booking')!.rows).toBe(4_000_000);
    const lines = rows.get('booking.booking_line')!.length;
    expect(rows.get('booking.booking')!.length).toBe(2_000);
    expect(lines).toBeGreaterThanOrEqual(2_000 * 1.8);
    expect(lines).toBeLessThanOrEqual(2_000 * 2.2);
  });

  it('keeps every key unique', () => {
    for (const tp of plan.tables) {
      const positions = keyColumns(tp.table).map((k) => columnIndex(tp.name, k));
      const keys = new Set(rows.get(tp.name)!.map((r) => positions.map((p) => r[p]).join('\u0001')));
      expect(keys.size, tp.name).toBe(rows.get(tp.name)!.length);
      expect(keys.size, tp.name).toBeGreaterThan(0);
    }
  });

  it('makes every reference resolve to a row of the referenced table', () => {
    let checked = 0;
    for (const tp of plan.tables) {
      for (const [c, column] of tp.table.columns.entries()) {
        if (!column.references) continue;
        const [domain, table, target] = column.references.split('.');
        const existing = new Set(rows.get(`${domain}.${table}`)!.map((r) => r[columnIndex(`${domain}.${table}`, target!)]));
        const missing = rows.get(tp.name)!.map((r) => r[c]).filter((v) => v !== null && !existing.has(v));
        expect(missing.slice(0, 3), `${tp.name}.${column.name} → ${column.references}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('writes NULL and the empty string, both, in nullable text columns', () => {
    const values: Value[] = [];
    for (const tp of plan.tables) {
      tp.table.columns.forEach((column, c) => {
        if (column.nullable && /CHAR/.test(column.type) && !column.references) values.push(...rows.get(tp.name)!.map((r) => r[c]!));
      });
    }
    expect(values.filter((v) => v === null).length).toBeGreaterThan(10);
    expect(values.filter((v) => v === '').length).toBeGreaterThan(10);
  });

  it('writes legacy yyyymmdd edge values (0 and 99999999) next to valid dates', () => {
    const c = columnIndex('booking.booking', 'BOOK_DATE_NUM');
    const values = rows.get('booking.booking')!.map((r) => r[c]);
    expect(values).toContain('0');
    expect(values).toContain('99999999');
    const valid = values.filter((v) => v !== '0' && v !== '99999999');
    expect(valid.length).toBeGreaterThan(values.length * 0.98);
    for (const v of valid) expect(v).toMatch(/^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/);
  });

  it('fits values to their declared type: lengths, decimals, timestamps with microseconds', () => {
    for (const tp of plan.tables) {
      tp.table.columns.forEach((column, c) => {
        const type = parseSourceType(column.type);
        for (const row of rows.get(tp.name)!) {
          const v = row[c];
          if (v === null || v === undefined) continue;
          if (type.length !== undefined && /CHAR|GRAPHIC/.test(type.kind)) expect(v.length, `${tp.name}.${column.name} '${v}'`).toBeLessThanOrEqual(type.length);
          if (type.kind === 'DECIMAL') expect(v, `${tp.name}.${column.name}`).toMatch(type.scale ? new RegExp(`^-?\\d{1,${type.precision! - type.scale}}\\.\\d{${type.scale}}$`) : /^-?\d+$/);
          if (type.kind === 'TIMESTAMP' && type.fractionDigits === 6) expect(v).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
        }
      });
    }
  });

  it('writes names in many scripts, and only example-domain e-mail addresses', () => {
    const first = rows.get('customer.customer')!.map((r) => r[columnIndex('customer.customer', 'FIRST_NAME')]!);
    expect(first.some((n) => [...n].some((ch) => ch.charCodeAt(0) > 0x7f))).toBe(true);
    expect(first.some((n) => /[\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]/.test(n))).toBe(true);
    const contacts = rows.get('customer.customer_contact')!.map((r) => r[columnIndex('customer.customer_contact', 'CONTACT_VALUE')]!);
    for (const v of contacts.filter((x) => x.includes('@'))) expect(v).toMatch(/@([a-z.]*\.)?example(\.[a-z]+)?$|@mail\.example$/);
  });

  it('computes line amounts from quantity, unit price and discount', () => {
    const [q, unit, discount, amount] = ['QUANTITY', 'UNIT_PRICE', 'DISCOUNT_AMOUNT', 'LINE_AMOUNT'].map((n) => columnIndex('booking.booking_line', n));
    for (const r of rows.get('booking.booking_line')!.slice(0, 200)) {
      const expected = Math.max(0, Number(r[q!]) * Math.round(Number(r[unit!]) * 100) - Math.round(Number(r[discount!]) * 100));
      expect(Math.round(Number(r[amount!]) * 100)).toBe(expected);
    }
  });

  it('escapes COPY text specials and writes \\N for NULL', () => {
    expect(copyLine(['a\tb', null, 'c\\d', 'e\nf', ''])).toBe('a\\tb\t\\N\tc\\\\d\te\\nf\t\n');
  });

  it('reads code lists from column descriptions', () => {
    expect(codesFromDescription('O option, C confirmed, X cancelled, T travelled.', parseSourceType('CHAR(1)'))).toEqual(['O', 'C', 'X', 'T']);
    expect(codesFromDescription('open, waiting, resolved, closed.', parseSourceType('VARCHAR(12)'))).toEqual(['open', 'waiting', 'resolved', 'closed']);
    expect(codesFromDescription('Y when still accepted for new bookings.', parseSourceType('CHAR(1)'))).toEqual([]);
  });

  it('refuses a reference to a column that is not a key, naming it', () => {
    expect(() => plan.sure('booking.booking.BOOKING_REF')).toThrow(SeedPlanError);
    expect(() => plan.sure('booking.booking.BOOKING_REF')).toThrow(/booking\.booking\.BOOKING_REF, which is not a key column of booking\.booking/);
  });

  it('refuses a scale that is not above 0', () => {
    expect(() => planSeed(registry, { scale: 0, seed: 1 })).toThrow(/scale 0 — expected a number above 0/);
  });
});
