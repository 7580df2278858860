import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { warehouseContractSuite } from '../../test/support/warehouse-contract-suite.js';
import { createBigQueryClient } from './client.js';
import { createBigQueryWarehouse } from './warehouse.js';

/**
 * The shared warehouse contract against BigQuery itself: the paths the emulator cannot prove
 * (media upload under our job id, 409 on a duplicate job id, Parquet into DATETIME and NUMERIC,
 * maximumBytesBilled enforced). Runs when GOOGLE_CLOUD_PROJECT is set and credentials are found the
 * way the client library finds them (GOOGLE_APPLICATION_CREDENTIALS, or the ADC file written by
 * `gcloud auth application-default login`) and BIGQUERY_API_ENDPOINT is not; otherwise it is reported
 * as skipped with the reason.
 * It works in datasets of a domain of its own (raw_/qualified_/published_<domain>), dropped at the
 * end; `_factory` is the project's control dataset and keeps the run's records.
 */

const projectId = process.env.GOOGLE_CLOUD_PROJECT;
const location = process.env.BIGQUERY_LOCATION ?? 'EU';
const keyFile = process.env.GOOGLE_APPLICATION_CREDENTIALS;
const adcFile = join(process.env.CLOUDSDK_CONFIG ?? join(homedir(), '.config', 'gcloud'), 'application_default_credentials.json');
const credentials = keyFile ? (existsSync(keyFile) ? keyFile : undefined) : (existsSync(adcFile) ? adcFile : undefined);
// `stack.sh env` exports the emulator's endpoint and project together: that project is not a real one.
const emulator = process.env.BIGQUERY_API_ENDPOINT;
const unavailable = !projectId
  ? 'GOOGLE_CLOUD_PROJECT is not set (the BigQuery project to test against)'
  : emulator
    ? `BIGQUERY_API_ENDPOINT is set (${emulator}): GOOGLE_CLOUD_PROJECT=${projectId} names the emulator's project; unset it to test against BigQuery`
    : !credentials
    ? `no credentials: GOOGLE_APPLICATION_CREDENTIALS ${keyFile ? `names ${keyFile}, which does not exist` : 'is not set'} and there is no ADC file at ${adcFile}`
    : undefined;
if (unavailable) console.warn(`connectors/bigquery/real.test.ts skipped: ${unavailable}`);

const domain = `factory_it_${Date.now().toString(36)}`;

warehouseContractSuite({
  name: 'BigQuery (real)',
  domain,
  unavailable,
  // No apiEndpoint: the real service, with the default credential chain.
  open: () => createBigQueryWarehouse({ projectId: projectId!, location, maximumBytesBilled: 10 * 1024 ** 3 }),
  async cleanup() {
    const bq = createBigQueryClient({ projectId: projectId!, location });
    for (const layer of ['raw', 'qualified', 'published']) {
      await bq.dataset(`${layer}_${domain}`).delete({ force: true }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
    }
  },
});
