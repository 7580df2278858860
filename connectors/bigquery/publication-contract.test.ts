import { publicationContractSuite, type Row } from '../../test/support/publication-contract-suite.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { bigquery } from '../../core/sql/bigquery.js';
import { query } from './client.js';
import { createBigQueryWarehouse } from './warehouse.js';

// The shared publication contract (test/support/publication-contract-suite.ts) on the BigQuery emulator,
// in a project of this run's own.
const projectId = runProject('publication');
/** The client gives NUMERIC as a Big, INT64 as a number: numbers either way, as the suite compares them. */
const number = (v: unknown) => (v !== null && typeof v === 'object' && v.constructor?.name === 'Big' ? Number(String(v)) : v);

publicationContractSuite({
  name: 'BigQuery emulator',
  unavailable: await emulatorUnavailable(),
  async open() {
    const warehouse = await createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 });
    const run = (sql: string, params?: Record<string, unknown>) => query<Row>(warehouse.client, sql, { maximumBytesBilled: 10 ** 12, ...(params ? { params } : {}) });
    return {
      publication: warehouse, retention: warehouse, access: warehouse, dialect: bigquery,
      createSchema: (name) => warehouse.ops.ensureDataset(name, {}),
      exec: async (sql) => void (await run(sql)),
      // The emulator answers names a query spells unquoted in lower case; BigQuery keeps the table's case.
      read: async (sql) => (await run(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toUpperCase(), number(v)]))),
      async backdate(domain, product, version, iso) {
        const params = { domain, product, version, iso };
        const where = 'WHERE domain = @domain AND product = @product AND version = @version';
        await run(`UPDATE _factory.product_promotions SET promoted_at = TIMESTAMP(@iso) ${where}`, params);
        await run(`UPDATE _factory.published_versions SET promoted_at = TIMESTAMP(@iso) ${where}`, params);
      },
      close: () => warehouse.close(),
    };
  },
  cleanup: () => dropProject(projectId),
});
