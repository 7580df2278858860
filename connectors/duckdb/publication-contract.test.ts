import { publicationContractSuite, type Row } from '../../test/support/publication-contract-suite.js';
import { duckdb } from '../../core/sql/duckdb.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The shared publication contract (test/support/publication-contract-suite.ts) on an in-memory DuckDB;
// raw and qualified tables are written through a reader connection of the same instance.
const number = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

publicationContractSuite({
  name: 'DuckDB',
  async open() {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    const db = await warehouse.connectReader();
    const naive = (iso: string) => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
    return {
      publication: warehouse, retention: warehouse, access: warehouse, dialect: duckdb,
      createSchema: async (name) => void (await db.run(`CREATE SCHEMA IF NOT EXISTS ${duckdb.ident(name)}`)),
      exec: async (sql) => void (await db.run(sql)),
      read: async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS()
        .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toUpperCase(), number(v)])) as Row),
      async backdate(domain, product, version, iso) {
        const where = 'WHERE domain = ? AND product = ? AND version = ?';
        await db.run(`UPDATE _factory.product_promotions SET promoted_at = CAST(? AS TIMESTAMP) ${where}`, [naive(iso), domain, product, version]);
        await db.run(`UPDATE _factory.published_views SET promoted_at = CAST(? AS TIMESTAMP) ${where}`, [naive(iso), domain, product, version]);
      },
      close: () => warehouse.close(),
    };
  },
});
