import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { accessContextOf } from '../../domains/products.js';
import { keyedHash } from '../keyed-hash.js';
import { parseAccessRole, effectiveAccess } from './policy.js';
import { sectionSql, servedColumnSql, StatementParams } from './postgres.js';

const ctx = accessContextOf(registry);
const role = (r: string) => parseAccessRole(r, registry.domains.map((d) => d.name));
const tableOf = (r: string, product: string, table: string) => effectiveAccess(ctx, role(r), product).tables.find((t) => t.table === table)!;
const relation = (t: string) => (t.startsWith('booking.') || t.startsWith('customer.') ? `live_${t.replace('.', '_')}` : undefined);

describe('the access policy in PostgreSQL (serving store)', () => {
  it('renders each treatment; the pseudonym key travels as parameters, never in the text', () => {
    const key = new Uint8Array(32).fill(7);
    const params = new StatementParams(key);
    const analyst = tableOf('analyst', 'customer.customer_profile', 'customer.customer');
    const first = analyst.columns.find((c) => c.name === 'FIRST_NAME')!;
    const sql = servedColumnSql(first, params);
    expect(sql).toBe(`encode(sha256($2::bytea || sha256($1::bytea || convert_to((t0."FIRST_NAME")::text, 'UTF8'))), 'hex') AS "FIRST_NAME"`);
    expect(params.values).toHaveLength(2);
    expect(sql).not.toContain(Buffer.from(key).toString('hex'));
    // The pads are added once per statement.
    servedColumnSql(analyst.columns.find((c) => c.name === 'LAST_NAME')!, params);
    expect(params.values).toHaveLength(2);
    expect(servedColumnSql(analyst.columns.find((c) => c.name === 'CUSTOMER_ID')!, params)).toBe('t0."CUSTOMER_ID"::text AS "CUSTOMER_ID"');
    const engineer = tableOf('engineer', 'customer.customer_profile', 'customer.customer');
    expect(servedColumnSql(engineer.columns.find((c) => c.name === 'BIRTH_DATE_NUM')!, params)).toBe('CAST(NULLIF(FLOOR(t0."BIRTH_DATE_NUM" / 10000), 0) AS BIGINT) AS "BIRTH_DATE_NUM"');
    expect(keyedHash(key, 'Anna')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters an agency\'s customers through its bookings, leaves hidden columns out', () => {
    const params = new StatementParams(new Uint8Array(32));
    const table = tableOf('agency:101', 'customer.customer_profile', 'customer.customer_preference');
    const built = sectionSql({ table, relation, where: [`t0."CUSTOMER_ID" = ${params.add('1')}`], orderBy: ['t0."PREFERENCE_CODE"'], limit: 10, params });
    expect(built.columns).toEqual(['CUSTOMER_ID', 'PREFERENCE_CODE', 'PREFERENCE_VALUE', 'UPDATED_TS']);
    expect(built.sql).toBe(`SELECT coalesce(json_agg(s), '[]'::json) AS rows FROM (SELECT t0."CUSTOMER_ID"::text AS "CUSTOMER_ID", t0."PREFERENCE_CODE" AS "PREFERENCE_CODE", t0."PREFERENCE_VALUE" AS "PREFERENCE_VALUE", t0."UPDATED_TS" AS "UPDATED_TS" `
      + 'FROM live_customer_customer_preference AS t0 WHERE t0."CUSTOMER_ID" IN (SELECT t1."CUSTOMER_ID" FROM live_customer_customer AS t1 WHERE t1."CUSTOMER_ID" IN '
      + `(SELECT t2."CUSTOMER_ID" FROM live_booking_booking AS t2 WHERE CAST(t2."AGENCY_ID" AS text) = '101')) AND t0."CUSTOMER_ID" = $1 ORDER BY t0."PREFERENCE_CODE" LIMIT 10) AS s`);
    expect(params.values).toEqual(['1']);
  });

  it('names the personal columns a role reads in clear (what the API audits)', () => {
    const params = new StatementParams(new Uint8Array(32));
    const callcentre = sectionSql({ table: tableOf('callcentre', 'customer.customer_profile', 'customer.customer'), relation, orderBy: [], limit: 1, params });
    expect(callcentre.personalClear).toEqual(['FIRST_NAME', 'LAST_NAME', 'BIRTH_DATE_NUM', 'GENDER_CODE']);
    const analyst = sectionSql({ table: tableOf('analyst', 'customer.customer_profile', 'customer.customer'), relation, orderBy: [], limit: 1, params });
    expect(analyst.personalClear).toEqual([]);
    expect(() => sectionSql({ table: tableOf('analyst', 'payment.payments', 'payment.payment'), relation, orderBy: [], limit: 1, params })).toThrow('payment.payment is not in the serving store');
  });
});
