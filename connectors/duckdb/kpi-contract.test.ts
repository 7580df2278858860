import { kpiContractSuite } from '../../test/support/kpi-contract-suite.js';
import { duckdb } from '../../core/sql/duckdb.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The shared KPI contract (test/support/kpi-contract-suite.ts) on an in-memory DuckDB.
kpiContractSuite({
  name: 'DuckDB',
  domain: 'kpic',
  async open() {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    const db = await warehouse.connectReader();
    return {
      kpis: warehouse, dialect: duckdb,
      createSchema: async (name) => void (await db.run(`CREATE SCHEMA IF NOT EXISTS ${duckdb.ident(name)}`)),
      exec: async (sql) => void (await db.run(sql)),
      close: () => warehouse.close(),
    };
  },
});
