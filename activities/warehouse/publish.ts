import type { Publication, ProductVersionTables, PromoteProductResult, SnapshotProductResult } from '../../connectors/warehouse/publish-port.js';
import { withHeartbeat } from '../lib/heartbeat.js';

/** Publication on the warehouse owner's task queue: snapshots of a candidate, promotion, clean-up. */
export function createPublishWarehouseActivities({ warehouse }: { warehouse: Publication }) {
  return {
    /** Copies whole tables: heartbeats while the warehouse works. */
    async snapshotProduct(input: ProductVersionTables): Promise<SnapshotProductResult> {
      return withHeartbeat({ snapshot: `${input.domain}.${input.product} v${input.version}` }, () => warehouse.snapshotProduct(input));
    },

    async promoteProduct(input: ProductVersionTables): Promise<PromoteProductResult> {
      return warehouse.promoteProduct(input);
    },

    async dropSnapshot(input: ProductVersionTables): Promise<{ dropped: string[] }> {
      return warehouse.dropSnapshot(input);
    },
  };
}
