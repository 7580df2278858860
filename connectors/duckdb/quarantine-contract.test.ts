import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quarantineContractSuite } from '../../test/support/quarantine-contract-suite.js';
import { createDuckDbWarehouse } from './warehouse.js';

// The shared quarantine contract (test/support/quarantine-contract-suite.ts) on a DuckDB file of its own.
const dir = mkdtempSync(join(tmpdir(), 'factory-duck-quarantine-contract-'));

quarantineContractSuite({
  name: 'DuckDB',
  domain: 'booking',
  open: () => createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
