import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qualityContractSuite } from '../../test/support/quality-contract-suite.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The shared quality contract (test/support/quality-contract-suite.ts) on a DuckDB file of its own.
const dir = mkdtempSync(join(tmpdir(), 'factory-duck-quality-'));

qualityContractSuite({
  name: 'DuckDB',
  dialect: 'duckdb',
  open: () => createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
