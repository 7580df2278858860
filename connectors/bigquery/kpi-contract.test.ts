import { kpiContractSuite } from '../../test/support/kpi-contract-suite.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { bigquery } from '../../core/sql/bigquery.js';
import { query } from './client.js';
import { createBigQueryWarehouse } from './warehouse.js';

// The shared KPI contract (test/support/kpi-contract-suite.ts) on the BigQuery emulator, in a project of this run's own.
const projectId = runProject('kpis');

kpiContractSuite({
  name: 'BigQuery emulator',
  domain: 'kpic',
  unavailable: await emulatorUnavailable(),
  async open() {
    const warehouse = await createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 });
    return {
      kpis: warehouse, dialect: bigquery,
      createSchema: (name) => warehouse.ops.ensureDataset(name, {}),
      exec: async (sql) => void (await query(warehouse.client, sql, { maximumBytesBilled: 10 ** 12 })),
      close: () => warehouse.close(),
    };
  },
  cleanup: () => dropProject(projectId),
});
