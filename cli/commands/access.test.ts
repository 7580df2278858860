import { describe, expect, it } from 'vitest';
import { startFactory } from '../../test/support/factory-cli.js';

// `factory access show` reads only the contracts and the policy: no service is needed.
describe('factory access show', () => {
  const run = (...args: string[]) => startFactory(['access', 'show', ...args], {}).exited;

  it('prints each table\'s columns with class and treatment, and the row filter', async () => {
    const shown = await run('customer.customer_profile', '--role', 'agency:101');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('customer.customer_profile as agency:101 (schema access_agency_101)');
    expect(shown.stdout).toMatch(/DIETARY_NOTE\s+sensitive\s+hidden/);
    expect(shown.stdout).toContain('rows: CUSTOMER_ID in booking.booking.CUSTOMER_ID of rows where AGENCY_ID = 101');
    const json = JSON.parse((await run('booking.bookings', '--role', 'analyst', '--json')).stdout) as { tables: Array<{ table: string; columns: Array<{ name: string; treatment: string }> }> };
    expect(json.tables.find((t) => t.table === 'booking.booking_guest')!.columns.find((c) => c.name === 'BIRTH_DATE')).toMatchObject({ treatment: 'pseudonymised' });
  });

  it('names an unknown product or role and lists the valid ones', async () => {
    const product = await run('booking.bookngs', '--role', 'analyst');
    expect(product.code).toBe(1);
    expect(product.stderr).toContain('unknown product "booking.bookngs": expected one of reference.reference_data, customer.customer_profile');
    const role = await run('booking.bookings', '--role', 'cashier');
    expect(role.stderr).toContain('role "cashier": unknown role; expected one of admin, engineer, callcentre, analyst, agency:<agency id>, dpo:<domain>, deputy:<domain>');
  });
});
