import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { registry } from '../../domains/index.js';
import { ident, literal, qualified } from '../../core/sql/duckdb.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import { asText, erasureContractSuite, jsonText, type SeedLayout } from '../../test/support/erasure-contract-suite.js';
import type { TableContract } from '../../contracts/contract.js';
import { createChangeLogSql } from './cdc-sql.js';
import { createLoadTableSql } from './load-sql.js';
import { publishControlSql } from './publish.js';
import { createQuarantineTableSql } from './quarantine-sql.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The erasure contract (test/support/erasure-contract-suite.ts) on a DuckDB file of its own.
const dir = mkdtempSync(join(tmpdir(), 'factory-duck-erasure-'));
let reader: DuckDBConnection;

const createSql: Record<SeedLayout, (target: string, table: TableContract) => string> = {
  raw: createLoadTableSql,
  changes: createChangeLogSql,
  quarantine: createQuarantineTableSql,
  snapshot: (target, table) => `CREATE TABLE ${target} (${table.columns.map((c) => `${ident(c.name)} ${duckDbColumnType(c)}`).join(', ')})`,
};

erasureContractSuite({
  name: 'DuckDB',
  open: async (key) => {
    const wh = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb'), erasureKey: key });
    reader = await wh.connectReader();
    return wh;
  },
  seed: async ({ ref, dataset, name, layout, rows }) => {
    const target = qualified(dataset, name);
    await reader.run(`CREATE SCHEMA IF NOT EXISTS ${ident(dataset)}`);
    await reader.run(createSql[layout](target, registry.table(ref)));
    for (const row of rows) {
      await reader.run(`INSERT INTO ${target} (${Object.keys(row).map(ident).join(', ')}) VALUES (${Object.values(row).map((v) => literal(String(v))).join(', ')})`);
    }
    if (layout === 'snapshot') {
      for (const sql of publishControlSql) await reader.run(sql);
      await reader.run(`INSERT INTO _factory.product_snapshots (domain, product, version, table_ref, snapshot) VALUES (?, ?, 1, ?, ?)`,
        [dataset.replace(/^published_/, ''), name.split('__')[0]!, ref, `${dataset}.${name}`]);
    }
  },
  read: async (dataset, name, columns) => asText((await reader.runAndReadAll(`SELECT ${columns.map(ident).join(', ')} FROM ${qualified(dataset, name)}`)).getRowsJS()),
  controlText: async () => {
    const tables = (await reader.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = '_factory' ORDER BY 1`)).getRowsJS();
    const all = [];
    for (const [t] of tables) all.push((await reader.runAndReadAll(`SELECT * FROM ${qualified('_factory', String(t))}`)).getRowsJS());
    return jsonText(all);
  },
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
