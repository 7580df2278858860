import { quarantineContractSuite } from '../../test/support/quarantine-contract-suite.js';
import { createBigQueryWarehouse } from './warehouse.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';

// The shared quarantine contract (test/support/quarantine-contract-suite.ts) on the BigQuery emulator,
// in a project of this run's own.
const projectId = runProject('quarantine');

quarantineContractSuite({
  name: 'BigQuery emulator',
  domain: 'booking',
  unavailable: await emulatorUnavailable(),
  open: () => createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 }),
  cleanup: () => dropProject(projectId),
});
