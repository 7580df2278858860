import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warehouseContractSuite } from '../../test/support/warehouse-contract-suite.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The shared warehouse contract (test/support/warehouse-contract-suite.ts) on a DuckDB file of its own;
// reopening the same file is what a restarted warehouse owner does.
const dir = mkdtempSync(join(tmpdir(), 'factory-duck-contract-'));

warehouseContractSuite({
  name: 'DuckDB',
  domain: 'reservations',
  open: () => createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
