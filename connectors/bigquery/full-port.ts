import type { TableContract } from '../../contracts/contract.js';
import { quarantineRules } from '../duckdb/quarantine-sql.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult } from '../warehouse/qualified-port.js';
import type { QuarantineLoadInput, QuarantineLoadResult, QuarantineSummaryResult, TableRefInput, Warehouse } from '../warehouse/port.js';
import type { BigQueryWarehouse } from './warehouse.js';

/**
 * The whole warehouse port over the BigQuery adapter. Backfill and change capture are BigQuery's
 * own; row quarantine, quality reports and the qualified layer are built on DuckDB only so far
 * (issue 6). A table without quarantine rules needs none of them to be backfilled, so those calls
 * answer "nothing quarantined", and the qualified layer answers every table skipped, with the reason;
 * everything else fails naming what is missing, never silently.
 */
export function asWarehouse(core: BigQueryWarehouse): Warehouse {
  const missing = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} is not built on the BigQuery warehouse yet (DuckDB only); run it with FACTORY_WAREHOUSE=duckdb`);
  };
  const noQuarantine = (table: TableContract, what: string): void => {
    const rules = quarantineRules(table).map((r) => r.id);
    if (rules.length > 0) throw new Error(`table ${table.name}: ${what} for quarantine rules ${rules.join(', ')} is not built on the BigQuery warehouse yet; use FACTORY_WAREHOUSE=duckdb`);
  };
  const built: Partial<Warehouse> = {
    prepareLoad: (i) => core.prepareLoad(i),
    loadChunk: (i) => core.loadChunk(i),
    validateLoad: (i) => core.validateLoad(i),
    swapIn: (i) => core.swapIn(i),
    recordBackfill: (i) => core.recordBackfill(i),
    lastBackfill: (i) => core.lastBackfill(i),
    tableStats: (i) => core.tableStats(i),
    dropLoad: (i) => core.dropLoad(i),
    applyChanges: (i) => { noQuarantine(i.table, 'change capture'); return core.applyChanges(i); },
    consumerOffsets: (i) => core.consumerOffsets(i),
    close: () => core.close(),
    async quarantineLoad({ table }: QuarantineLoadInput): Promise<QuarantineLoadResult> {
      noQuarantine(table, 'row quarantine');
      return { quarantined: 0 };
    },
    async quarantineSummary({ table }: TableRefInput): Promise<QuarantineSummaryResult> {
      noQuarantine(table, 'the quarantine summary');
      return { open: 0, replayed: 0, superseded: 0, pending: 0, rules: [] };
    },
    // backfillDomain/backfillAll build the qualified views once every table is in. Failing here would
    // fail a backfill whose tables all landed; the result names each table without a view, and why.
    async buildQualifiedLayer({ domain, tables }: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult> {
      const reason = 'the qualified layer is not built on the BigQuery warehouse yet (DuckDB only): no view';
      return { domain, views: [], skipped: tables.map((t) => ({ table: `${domain}.${t.name}`, reason })) };
    },
  };
  // The port grows with issue 6 (quality, publication); any method not built here fails by its name.
  return new Proxy(built, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof Warehouse];
      // Not a thenable: `await`ing the warehouse must not look for a `then` method.
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      return missing(prop);
    },
  }) as Warehouse;
}
