import { qualityContractSuite } from '../../test/support/quality-contract-suite.js';
import { createBigQueryWarehouse } from './warehouse.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';

// The shared quality contract (test/support/quality-contract-suite.ts) on the BigQuery emulator, in a
// project of this run's own.
const projectId = runProject('quality');

qualityContractSuite({
  name: 'BigQuery emulator',
  dialect: 'bigquery',
  unavailable: await emulatorUnavailable(),
  open: () => createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 }),
  cleanup: () => dropProject(projectId),
});
