import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { QualityRuleOutcome } from '../../core/quality-report.js';
import { loadDomains } from '../../domains/load.js';
import { createQualityActivities } from './index.js';

// The check activity on a real DuckDB warehouse: checks that cannot run count at their rule's
// severity, with a reason that carries no row values.

const registry = loadDomains([{
  name: 'qa',
  description: 'quality activity test domain',
  dpo: { id: 'dpo.qa', name: 'Owner' },
  tables: [
    {
      name: 'guest', description: 'guests', source: { system: 'db2', schema: 'QA', table: 'GUEST' }, primaryKey: ['GUEST_ID'],
      columns: [{ name: 'GUEST_ID', type: 'BIGINT' }, { name: 'EMAIL', type: 'VARCHAR(80)', nullable: true, pii: 'contact' }],
      qualityRules: [
        { id: 'email_numeric', kind: 'sql', sql: 'SELECT * FROM {table} WHERE CAST("EMAIL" AS INTEGER) > 0', severity: 'block' },
        { id: 'email_present', kind: 'not_null', columns: ['EMAIL'], severity: 'warn' },
        { id: 'guest_matches_source', kind: 'reconciliation', severity: 'block' },
      ],
    },
    {
      name: 'stay', description: 'stays', source: { system: 'db2', schema: 'QA', table: 'STAY' }, primaryKey: ['STAY_ID'],
      columns: [{ name: 'STAY_ID', type: 'BIGINT' }, { name: 'GUEST_ID', type: 'BIGINT' }],
      qualityRules: [{ id: 'stay_guest', kind: 'references', columns: ['GUEST_ID'], to: 'qa.guest.GUEST_ID', severity: 'warn' }],
    },
  ],
  products: [{ name: 'guests', description: 'guests', tables: ['guest', 'stay'] }],
}]);

describe('quality activities on DuckDB', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  const env = new MockActivityEnvironment();
  const now = '2024-05-01T10:00:00.000Z';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-quality-act-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    const table = registry.table('qa.guest');
    const file = join(dir, 'guest.csv');
    writeFileSync(file, '1,ann@example.com\n2,\n');
    const { loadTable } = await wh.prepareLoad({ domain: 'qa', table, loadId: 'a1' });
    await wh.loadChunk({ loadTable, table, file, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'a1', sourcePosition: 'p' } });
    await wh.swapIn({ domain: 'qa', table, loadTable });
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const activities = () => createQualityActivities({ registry, warehouse: wh, dialect: 'duckdb' });

  it('plans a product: its tables and their rules', async () => {
    const plan = await env.run(activities().planQualityGate, { product: 'guests' });
    expect(plan).toEqual({
      product: 'qa.guests', domain: 'qa',
      tables: [
        { domain: 'qa', table: 'guest', rules: [
          { id: 'email_numeric', kind: 'sql', severity: 'block' }, { id: 'email_present', kind: 'not_null', severity: 'warn' },
          { id: 'guest_matches_source', kind: 'reconciliation', severity: 'block' },
        ] },
        { domain: 'qa', table: 'stay', rules: [{ id: 'stay_guest', kind: 'references', severity: 'warn' }] },
      ],
    });
    await expect(env.run(activities().planQualityGate, { product: 'qa.gests' })).rejects.toThrow('unknown product "qa.gests": closest are qa.guests');
  });

  it('measures a rule that runs', async () => {
    const result = await env.run(activities().runQualityCheck, { domain: 'qa', table: 'guest', ruleId: 'email_present', now });
    expect(result).toMatchObject({ ruleId: 'email_present', status: 'warn', failing: 1, total: 2, sampleKeys: ['2'], metric: 0.5 });
  });

  it('reports a check query that fails at its severity, without the value that broke it', async () => {
    const result: QualityRuleOutcome = await env.run(activities().runQualityCheck, { domain: 'qa', table: 'guest', ruleId: 'email_numeric', now });
    expect(result).toMatchObject({ ruleId: 'email_numeric', status: 'block', metric: null, sampleKeys: [] });
    expect(result.detail).toMatch(/^check query failed: Conversion Error/);
    expect(result.detail).not.toContain('ann@example.com');
  });

  it('reports a table not loaded yet, and a reconciliation without source figures, at their severity', async () => {
    const stay = await env.run(activities().runQualityCheck, { domain: 'qa', table: 'stay', ruleId: 'stay_guest', now });
    expect(stay).toMatchObject({ status: 'warn', metric: null, detail: 'qa.stay is not in the warehouse yet (no backfill swapped in)' });
    const reconciliation = await env.run(activities().runQualityCheck, { domain: 'qa', table: 'guest', ruleId: 'guest_matches_source', now, sourceError: 'source unreachable' });
    expect(reconciliation).toMatchObject({ status: 'block', detail: 'source statistics unavailable: source unreachable' });
    await expect(env.run(activities().runQualityCheck, { domain: 'qa', table: 'guest', ruleId: 'nope', now })).rejects.toThrow("qa.guest: no quality rule 'nope' in the contract");
  });
});
