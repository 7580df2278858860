import { warehouseContractSuite } from '../../test/support/warehouse-contract-suite.js';
import { createBigQueryWarehouse } from './warehouse.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';

// The shared warehouse contract (test/support/warehouse-contract-suite.ts) on the BigQuery emulator, in
// a project of this run's own: the emulator keeps projects apart, control tables (`_factory`) included.
const projectId = runProject('contract');

warehouseContractSuite({
  name: 'BigQuery emulator',
  domain: 'reservations',
  unavailable: await emulatorUnavailable(),
  open: () => createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 }),
  cleanup: () => dropProject(projectId),
});
