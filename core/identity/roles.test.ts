import { describe, expect, it } from 'vitest';
import { approverRole, rolesFromGroups } from './roles.js';

describe('roles from directory groups', () => {
  it('maps each role group and ignores the rest', () => {
    expect(rolesFromGroups(['dpo-booking', 'deputy-customer_service', 'agency-101', 'callcentre', 'analysts', 'engineers', 'admins', 'printers', 'dpo-'])).toEqual([
      'admin', 'agency:101', 'analyst', 'callcentre', 'deputy:customer_service', 'dpo:booking', 'engineer',
    ]);
  });

  it('reads group paths by their last name', () => {
    expect(rolesFromGroups(['/factory/dpo-payment'])).toEqual(['dpo:payment']);
  });

  it('lets only members of the domain\'s approver groups decide for it', () => {
    const booking = { name: 'booking' };
    expect(approverRole(['dpo-booking'], booking)).toBe('dpo');
    expect(approverRole(['/deputy-booking'], booking)).toBe('deputy');
    expect(approverRole(['dpo-payment', 'admins'], booking)).toBeUndefined();
    const renamed = { name: 'booking', directoryGroups: { dpo: 'res-owners', deputies: 'res-deputies' } };
    expect(approverRole(['dpo-booking'], renamed)).toBeUndefined();
    expect(approverRole(['res-owners'], renamed)).toBe('dpo');
  });
});
