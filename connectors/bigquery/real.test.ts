import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bigQueryAccessPlan, columnTagPatches, rowAccessPolicyDdl } from '../../core/access/bigquery.js';
import { registry } from '../../domains/index.js';
import { accessContextOf } from '../../domains/products.js';
import { quarantineContractSuite } from '../../test/support/quarantine-contract-suite.js';
import type { EffectiveTable } from '../../core/access/policy.js';
import { warehouseContractSuite } from '../../test/support/warehouse-contract-suite.js';
import { qualityContractSuite } from '../../test/support/quality-contract-suite.js';
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

/** Drops the layer datasets of a domain of this run. */
async function dropDomain(name: string): Promise<void> {
  const bq = createBigQueryClient({ projectId: projectId!, location });
  for (const layer of ['raw', 'qualified', 'published']) {
    await bq.dataset(`${layer}_${name}`).delete({ force: true }).catch((error: { code?: number }) => {
      if (error.code !== 404) throw error;
    });
  }
}

warehouseContractSuite({
  name: 'BigQuery (real)',
  domain,
  unavailable,
  // No apiEndpoint: the real service, with the default credential chain.
  open: () => createBigQueryWarehouse({ projectId: projectId!, location, maximumBytesBilled: 10 * 1024 ** 3 }),
  cleanup: () => dropDomain(domain),
});

// Row quarantine on BigQuery itself: the replay script with its ASSERT (planned = landed rows), which
// the emulator does not parse and so runs without (stack/README.md).
quarantineContractSuite({
  name: 'BigQuery (real)',
  domain: `${domain}_q`,
  unavailable,
  open: () => createBigQueryWarehouse({ projectId: projectId!, location, maximumBytesBilled: 10 * 1024 ** 3 }),
  cleanup: () => dropDomain(`${domain}_q`),
});

/**
 * The access policy's BigQuery artefacts (core/access/bigquery.ts) applied to BigQuery itself: the
 * emulator has no Data Catalog, DataPolicy or row-access-policy API. Creates a taxonomy with its
 * tags, the masking routines and two data policies, attaches tags to a snapshot table's columns and
 * puts the agencies' row access policies on a bookings snapshot; reads them back; deletes it all.
 */
describe.skipIf(unavailable !== undefined)('access policy on BigQuery (real)', () => {
  const run = Date.now().toString(36);
  const published = `published_factory_it_${run}`;
  const routines = `factory_access_it_${run}`;
  const ctx = accessContextOf(registry);
  const options = { project: projectId!, location, groupDomain: 'example.org', routineDataset: routines };
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const region = location.toLowerCase();
  let taxonomy: string | undefined;
  const dataPolicies: string[] = [];

  const api = async <T>(url: string, method: 'POST' | 'GET' | 'DELETE', data?: unknown): Promise<T> => {
    const bq = createBigQueryClient({ projectId: projectId!, location });
    const client = await bq.authClient.getClient();
    return (await client.request<T>({ url, method, ...(data ? { data } : {}) })).data;
  };

  afterAll(async () => {
    if (unavailable) return;
    for (const name of dataPolicies) await api(`https://bigquerydatapolicy.googleapis.com/v1/${name}`, 'DELETE').catch(() => undefined);
    if (taxonomy) await api(`https://datacatalog.googleapis.com/v1/${taxonomy}`, 'DELETE').catch(() => undefined);
    const bq = createBigQueryClient({ projectId: projectId!, location });
    for (const dataset of [published, routines]) await bq.dataset(dataset).delete({ force: true }).catch(() => undefined);
  });

  it('creates the taxonomy, data policies, column tags and row access policies generated from the policy', async () => {
    const bq = createBigQueryClient({ projectId: projectId!, location });
    const plan = bigQueryAccessPlan(ctx, options, ['101'], key);
    const created = await api<{ name: string }>(`https://datacatalog.googleapis.com/v1/projects/${projectId}/locations/${region}/taxonomies`, 'POST',
      { ...plan.taxonomy.taxonomy, displayName: `${plan.taxonomy.taxonomy.displayName}-${run}` });
    taxonomy = created.name;
    const tags = new Map<string, string>();
    for (const tag of plan.taxonomy.policyTags) {
      const made = await api<{ name: string }>(`https://datacatalog.googleapis.com/v1/${taxonomy}/policyTags`, 'POST', {
        displayName: tag.displayName, description: tag.description, ...(tag.parent ? { parentPolicyTag: tags.get(tag.parent) } : {}),
      });
      tags.set(tag.key, made.name);
    }
    await bq.createDataset(routines, { location });
    for (const ddl of plan.routines) await bq.query({ query: ddl, location });
    for (const id of ['contact_email_masked', 'identity_initial_pseudonymised']) {
      const p = plan.dataPolicies.find((d) => d.dataPolicy.dataPolicyId === id)!;
      const made = await api<{ name: string }>(`https://bigquerydatapolicy.googleapis.com/v1/projects/${projectId}/locations/${region}/dataPolicies`, 'POST',
        { ...p.dataPolicy, dataPolicyId: `${id}_${run}`, policyTag: tags.get(p.dataPolicy.policyTag) });
      dataPolicies.push(made.name);
    }

    // A snapshot table of customer_profile's contacts, tagged; and booking's snapshot with the agencies' policies.
    await bq.createDataset(published, { location });
    await bq.query({ query: `CREATE TABLE \`${projectId}.${published}.customer_profile__customer_contact__v1\` (CONTACT_ID INT64, CUSTOMER_ID INT64, CONTACT_VALUE STRING)`, location });
    const [patch] = columnTagPatches(ctx, 'customer.customer_profile', (k) => tags.get(k)!).filter((p) => p.table === 'customer.customer_contact');
    const table = bq.dataset(published).table('customer_profile__customer_contact__v1');
    const [metadata] = await table.getMetadata();
    const fields = (metadata.schema.fields as Array<{ name: string }>).map((f) => ({ ...f, ...(patch!.schema.fields.find((p) => p.name === f.name) ?? {}) }));
    await table.setMetadata({ schema: { fields } });
    const [after] = await table.getMetadata();
    expect((after.schema.fields as Array<{ name: string; policyTags?: { names: string[] } }>).find((f) => f.name === 'CONTACT_VALUE')?.policyTags?.names)
      .toEqual([tags.get('contact.email_or_phone')]);

    await bq.query({ query: `CREATE TABLE \`${projectId}.${published}.bookings__booking__v1\` (BOOKING_ID INT64, CUSTOMER_ID INT64, AGENCY_ID INT64)`, location });
    const ddl = rowAccessPolicyDdl(ctx, 'booking.bookings', 1, ['101'], options)
      .filter((d) => d.includes('__booking__v1`'))
      .map((d) => d.replaceAll(`.published_booking.`, `.${published}.`));
    for (const statement of ddl) await bq.query({ query: statement, location });
    const policies = await api<{ rowAccessPolicies?: Array<{ rowAccessPolicyReference: { policyId: string } }> }>(
      `https://bigquery.googleapis.com/bigquery/v2/projects/${projectId}/datasets/${published}/tables/bookings__booking__v1/rowAccessPolicies`, 'GET');
    expect(policies.rowAccessPolicies?.map((p) => p.rowAccessPolicyReference.policyId).sort()).toEqual(['agency_101', 'all_rows']);
  });
});

/**
 * The quality store and qualified views against BigQuery itself: what the emulator may accept more
 * loosely than GoogleSQL (it translates to DuckDB), such as the check and view SQL of every rule
 * kind, and DROP VIEW. The suite's domains are fixed (qc, shop, reference): run it in a project no
 * other run uses at the same time. Its datasets are dropped at the end; reports and baselines stay
 * in `_factory`, which a later run replaces.
 */
qualityContractSuite({
  name: 'BigQuery (real)',
  dialect: 'bigquery',
  unavailable,
  open: () => createBigQueryWarehouse({ projectId: projectId!, location, maximumBytesBilled: 10 * 1024 ** 3 }),
  async cleanup() {
    const bq = createBigQueryClient({ projectId: projectId!, location });
    for (const dataset of ['raw_qc', 'qualified_qc', 'published_qc', 'raw_shop', 'qualified_shop', 'published_shop', 'raw_reference', 'qualified_reference', 'published_reference']) {
      await bq.dataset(dataset).delete({ force: true }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
    }
  },
});

/**
 * Publication and secured views through the adapter on BigQuery itself: what the emulator cannot
 * show is the access lists. The published dataset must be an authorized dataset of `_factory` (its
 * views read the version pointer there) and each role's dataset one of the published dataset.
 */
describe.skipIf(unavailable !== undefined)('publication and secured views on BigQuery (real)', () => {
  const run = `factory_it_pub_${Date.now().toString(36)}`;
  const bq = () => createBigQueryClient({ projectId: projectId!, location });
  afterAll(async () => {
    if (unavailable) return;
    for (const dataset of [`raw_${run}`, `published_${run}`, `access_it_${run}`]) await bq().dataset(dataset).delete({ force: true }).catch(() => undefined);
  });

  it('promotes through the pointer and authorizes the datasets the views read', async () => {
    const wh = await createBigQueryWarehouse({ projectId: projectId!, location, maximumBytesBilled: 10 * 1024 ** 3 });
    try {
      await bq().createDataset(`raw_${run}`, { location });
      await bq().query({ query: `CREATE TABLE \`${projectId}.raw_${run}.stay\` AS SELECT 1 AS STAY_ID, 'a' AS NOTE, FALSE AS _deleted`, location });
      const version = { domain: run, product: 'stays', version: 1, tables: [{ domain: run, table: 'stay' }] };
      await wh.snapshotProduct(version);
      const promoted = await wh.promoteProduct(version);
      expect(promoted.views).toEqual([expect.objectContaining({ view: `published_${run}.stays__stay`, rows: 1 })]);
      const entries = async (dataset: string) => ((await bq().dataset(dataset).getMetadata())[0].access as Array<{ dataset?: { dataset?: { datasetId?: string } } }>)
        .map((a) => a.dataset?.dataset?.datasetId).filter(Boolean);
      expect(await entries('_factory')).toContain(`published_${run}`);
      const table: EffectiveTable = { table: `${run}.stay`, columns: [{ name: 'STAY_ID', type: 'INTEGER', pii: 'none', treatment: 'clear', derivedFrom: [] }] };
      await wh.buildAccessViews({
        domain: run, product: 'stays', key: new Uint8Array(32), sources: { [`${run}.stay`]: [`published_${run}`, 'stays__stay'] },
        views: [{ role: 'analyst', schema: `access_it_${run}`, view: `${run}__stays__stay`, table }],
      });
      expect(await entries(`published_${run}`)).toContain(`access_it_${run}`);
    } finally {
      await wh.close();
      await bq().query({ query: `DELETE FROM _factory.published_versions WHERE domain = '${run}'`, location }).catch(() => undefined);
    }
  });
});
