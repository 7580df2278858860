import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

// DuckDB's own values through runQualityQuery (the port-level cases are in
// test/support/quality-contract-suite.ts, run by quality-contract.test.ts).

describe('DuckDB quality store', () => {
  let dir: string;
  let wh: DuckDbWarehouse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-quality-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns HUGEINT, lists and timestamps as JSON-safe values', async () => {
    const wide = await wh.runQualityQuery({ sql: `SELECT 12345678901234567890::HUGEINT AS big, [1, 2]::BIGINT[] AS keys, TIMESTAMP '2024-01-02 03:04:05' AS at, 0.5::DECIMAL(4,2) AS share` });
    expect(wide.row).toEqual({ big: '12345678901234567890', keys: ['1', '2'], at: '2024-01-02T03:04:05.000Z', share: 0.5 });
    await expect(wh.runQualityQuery({ sql: 'SELECT 1 WHERE false' })).resolves.toEqual({ row: null });
  });
});
