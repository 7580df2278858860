import type { Config } from '../../core/config.js';
import { waitForCoverage } from '../../core/cdc/coverage.js';
import type { TableContract } from '../../contracts/contract.js';
import { createDb2Coverage } from '../../workers/capture-coverage.js';

/**
 * `factory cdc register --system db2` returns once the Db2 capture covers every db2 table: Connect's
 * task configuration includes it and IBM's ASN capture has an active registration with its change
 * table (connectors/db2/capture.ts). A table missing its ASN set-up fails the registration, naming it.
 */
export async function waitDb2Coverage(config: Config, tables: readonly TableContract[], timeoutMs = 120_000): Promise<void> {
  const coverage = createDb2Coverage(config);
  try {
    for (const table of tables) {
      const ref = { schema: table.source.schema, table: table.source.table };
      await waitForCoverage({
        table: `${table.name} (db2 ${ref.schema}.${ref.table})`, capture: coverage.capture, timeoutMs,
        // Just registered: a connector that does not list the table is a gap, not "no capture".
        check: async () => (await coverage.missing(ref)) ?? ['the connector\'s configuration does not include it'],
      });
    }
  } finally {
    await coverage.close();
  }
}
