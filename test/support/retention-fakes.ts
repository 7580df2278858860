import type { createPublicationCatalogActivities } from '../../activities/catalog/publish.js';
import type { createRetentionActivities } from '../../activities/warehouse/retention.js';

/**
 * Stand-in activities of retentionRun for the recorded history (scripts/record-retention-history.ts):
 * fixed plans and counts, so the workflow's command sequence is all the history holds.
 */

type Warehouse = ReturnType<typeof createRetentionActivities>;
type Catalog = Pick<ReturnType<typeof createPublicationCatalogActivities>, 'appendAudit'>;

export function retentionFakes(): { warehouse: Warehouse; general: Catalog } {
  let auditId = 0;
  return {
    warehouse: {
      planRetention: async () => ({
        tables: [{ domain: 'booking', table: 'booking', days: 90 }, { domain: 'booking', table: 'booking_status_history', days: 730 }, { domain: 'customer', table: 'customer', days: 90 }],
        products: [{ domain: 'booking', product: 'bookings', days: 30 }],
      }),
      pruneChangeLog: async ({ domain, table }) => table === 'customer'
        ? { changeLog: `raw_${domain}.${table}__changes`, exists: false, before: 0, deleted: 0, after: 0 }
        : { changeLog: `raw_${domain}.${table}__changes`, exists: true, before: 14, deleted: 9, after: 5 },
      pruneSnapshots: async ({ domain, product }) => ({
        servedVersion: 3, kept: [2], dropped: [{ version: 1, supersededAt: '2026-08-25T03:30:00.000Z', snapshots: [`published_${domain}.${product}__booking__v1`] }],
      }),
    },
    general: { appendAudit: async () => ({ id: ++auditId }) },
  };
}
