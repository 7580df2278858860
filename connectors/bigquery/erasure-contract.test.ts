import type { TableField } from '@google-cloud/bigquery';
import type { TableContract } from '../../contracts/contract.js';
import { literal, qualified, ident } from '../../core/sql/bigquery.js';
import { registry } from '../../domains/index.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { asText, erasureContractSuite, jsonText, type SeedLayout } from '../../test/support/erasure-contract-suite.js';
import { quarantineFields } from './quarantine.js';
import { changeLogFields, contractField, rawTableFields } from './sql.js';
import { createBigQueryWarehouse, type BigQueryWarehouse } from './warehouse.js';

// The erasure contract (test/support/erasure-contract-suite.ts) on the BigQuery emulator, in a project
// of this run's own. The quarantine table is planted with row quarantine's own layout (quarantine.ts):
// a backfill swap on the table also runs quarantine's swap step over it.
const projectId = runProject('erasure');
let wh: BigQueryWarehouse;

const fieldsOf: Record<SeedLayout, (table: TableContract) => TableField[]> = {
  raw: rawTableFields,
  changes: changeLogFields,
  quarantine: quarantineFields,
  snapshot: (table) => table.columns.map(contractField),
};

const rowsOf = async (sql: string) => wh.ops.q<Record<string, unknown>>(sql);

erasureContractSuite({
  name: 'BigQuery emulator',
  unavailable: await emulatorUnavailable(),
  open: async (key) => {
    wh = await createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12, erasureKey: key });
    return wh;
  },
  seed: async ({ ref, dataset, name, layout, rows }) => {
    const fields = fieldsOf[layout](registry.table(ref));
    await wh.ops.ensureDataset(dataset, { layer: dataset.split('_')[0]! });
    await wh.ops.ensureTable(dataset, name, fields);
    const typeOf = new Map(fields.map((f) => [f.name!, f.type!]));
    const value = (column: string, v: string | number) => (typeOf.get(column) === 'STRING' ? literal(String(v)) : `CAST(${literal(String(v))} AS ${typeOf.get(column)})`);
    const columns = Object.keys(rows[0]!);
    const values = rows.map((r) => `(${columns.map((c) => value(c, r[c]!)).join(', ')})`);
    await wh.ops.q(`INSERT INTO ${qualified(dataset, name)} (${columns.map(ident).join(', ')}) VALUES ${values.join(', ')}`);
  },
  read: async (dataset, name, columns) =>
    asText((await rowsOf(`SELECT ${columns.map(ident).join(', ')} FROM ${qualified(dataset, name)}`)).map((r) => columns.map((c) => r[c]))),
  controlText: async () => {
    const [tables] = await wh.client.dataset('_factory').getTables();
    const all = [];
    for (const t of tables) all.push(await rowsOf(`SELECT * FROM ${qualified('_factory', t.id!)}`));
    return jsonText(all);
  },
  cleanup: () => dropProject(projectId),
});
