import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import type { AccessViews, BuildAccessViewsInput } from '../../connectors/warehouse/access-port.js';
import { createAccessActivities } from './access.js';

/** The roles a build asks the warehouse for, by FACTORY_ACCESS_AGENCIES (the warehouse side is the adapters' own suites). */
function recordingWarehouse(agencies: string[]): AccessViews & { built: BuildAccessViewsInput[] } {
  const built: BuildAccessViewsInput[] = [];
  return {
    built,
    agencyIds: async () => agencies,
    buildAccessViews: async (input) => {
      built.push(input);
      return { product: `${input.domain}.${input.product}`, views: [], dropped: [] };
    },
  };
}

const agencySchemas = (input: BuildAccessViewsInput) => [...new Set(input.views.map((v) => v.schema).filter((s) => s.startsWith('access_agency')))].sort();

describe('buildAccessViews: which agencies get secured views', () => {
  it('every agency of the warehouse by default', async () => {
    const warehouse = recordingWarehouse(['101', '102', '103']);
    await new MockActivityEnvironment().run(createAccessActivities({ registry, warehouse, pseudonymKey: new Uint8Array(32) }).buildAccessViews, { product: 'booking.bookings' });
    expect(agencySchemas(warehouse.built[0]!)).toEqual(['access_agency_101', 'access_agency_102', 'access_agency_103']);
  });

  it('only the configured agencies the warehouse knows', async () => {
    const warehouse = recordingWarehouse(['101', '102', '103']);
    const activities = createAccessActivities({ registry, warehouse, pseudonymKey: new Uint8Array(32), agencies: ['102', '999'] });
    await new MockActivityEnvironment().run(activities.buildAccessViews, { product: 'booking.bookings' });
    expect(agencySchemas(warehouse.built[0]!)).toEqual(['access_agency_102']);
  });
});
