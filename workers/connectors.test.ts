import { describe, expect, it } from 'vitest';
import { describeSources, planSources } from './connectors.js';

const systems = new Map([['db2', ['booking.booking', 'booking.booking_line', 'customer.customer', 'payment.payment']], ['crm_pg', ['marketing.campaign']]]);

describe('planSources', () => {
  it('reads db2 tables from DB2 when DB2_URL is set, whatever the stand-in setting', () => {
    const { plans, problems } = planSources({ DB2_URL: 'DATABASE=BOOK;HOSTNAME=db2;PORT=50000;PROTOCOL=TCPIP;UID=u;PWD=p', FACTORY_DB2_STANDIN: 'postgres' }, systems);
    expect(problems).toEqual([]);
    expect(describeSources(plans)).toBe('sources: crm_pg → postgres (FACTORY_SOURCE_URL); db2 → db2 (DB2_URL)');
  });

  it('lets the PostgreSQL source stand in for DB2 only when allowed, and says so', () => {
    const { plans } = planSources({ FACTORY_DB2_STANDIN: 'postgres' }, systems);
    expect(describeSources(plans)).toBe('sources: crm_pg → postgres (FACTORY_SOURCE_URL); db2 → postgres standing in for db2 (FACTORY_SOURCE_URL)');
  });

  it('names the system, some of its tables and the variable when db2 has no source', () => {
    const { plans, problems } = planSources({ FACTORY_DB2_STANDIN: 'none' }, systems);
    expect(plans.map((p) => p.system)).toEqual(['crm_pg']);
    expect(problems).toEqual([expect.stringMatching(/^system db2 \(booking\.booking, booking\.booking_line, customer\.customer, … \(4 tables\)\) has no source: set DB2_URL/)]);
  });
});
