import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableContract } from '../../contracts/contract.js';
import { countByAge, daysAgo, dayMs, seedChangeLog, seedPublishedVersions, snapshotTables } from '../../test/support/retention-fixture.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

const stay: TableContract = {
  name: 'stay', description: 'stays', source: { system: 'db2', schema: 'RT', table: 'STAY' }, primaryKey: ['STAY_ID'],
  columns: [{ name: 'STAY_ID', type: 'BIGINT', nullable: false, pii: 'none', padding: 'keep' }, { name: 'GUEST', type: 'VARCHAR(40)', nullable: true, pii: 'identity', padding: 'keep' }],
  qualityRules: [], businessRules: [],
};

// Real DuckDB in process: the ages are seeded, the cutoffs computed as the workflow does.
describe('DuckDB retention', () => {
  const now = Date.now();
  const cutoff = (days: number) => new Date(now - days * dayMs).toISOString();
  let warehouse: DuckDbWarehouse;
  let db: DuckDBConnection;

  beforeAll(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    db = await warehouse.connectReader();
    await seedChangeLog(db, 'rt', stay, [{ days: 400, rows: 5 }, { days: 91, rows: 4 }, { days: 89, rows: 3 }, { days: 0, rows: 2 }], now);
    await db.run(`CREATE TABLE raw_rt.stay ("STAY_ID" BIGINT, "GUEST" VARCHAR); INSERT INTO raw_rt.stay VALUES (1, 'a'), (2, 'b')`);
    await seedPublishedVersions(warehouse, db, { domain: 'rt', product: 'stays', table: 'stay' }, [100, 10], now);
  });
  afterAll(async () => {
    await warehouse?.close();
  });

  it('counts without deleting in a dry run, then deletes exactly the rows ingested before the cutoff', async () => {
    const input = { domain: 'rt', table: 'stay', cutoff: cutoff(90) };
    expect(await warehouse.pruneChangeLog({ ...input, dryRun: true })).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 14, deleted: 9, after: 14 });
    expect(await countByAge(db, 'raw_rt.stay__changes', 90, now)).toEqual({ older: 9, newer: 5 });
    expect(await warehouse.pruneChangeLog(input)).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 14, deleted: 9, after: 5 });
    expect(await countByAge(db, 'raw_rt.stay__changes', 90, now)).toEqual({ older: 0, newer: 5 });
    // A retry with the same cutoff finds nothing more to delete.
    expect(await warehouse.pruneChangeLog(input)).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 5, deleted: 0, after: 5 });
    expect(await warehouse.pruneChangeLog({ ...input, table: 'never_captured' })).toEqual({ changeLog: 'raw_rt.never_captured__changes', exists: false, before: 0, deleted: 0, after: 0 });
  });

  it('drops superseded snapshots past their age, never the served version or a newer candidate', async () => {
    const input = { domain: 'rt', product: 'stays', cutoff: cutoff(30) };
    const v1 = { version: 1, supersededAt: `${daysAgo(now, 100).replace(' ', 'T')}Z`, snapshots: ['published_rt.stays__stay__v1'] };
    expect(await warehouse.pruneSnapshots({ ...input, dryRun: true })).toEqual({ servedVersion: 3, dropped: [v1], kept: [2] });
    expect(await snapshotTables(db, 'rt', 'stays')).toEqual(['stays__stay__v1', 'stays__stay__v2', 'stays__stay__v3', 'stays__stay__v4']);
    expect(await warehouse.pruneSnapshots(input)).toEqual({ servedVersion: 3, dropped: [v1], kept: [2] });
    expect(await snapshotTables(db, 'rt', 'stays')).toEqual(['stays__stay__v2', 'stays__stay__v3', 'stays__stay__v4']);
    const rows = await db.runAndReadAll(`SELECT DISTINCT version FROM _factory.product_snapshots WHERE product = 'stays' ORDER BY 1`);
    expect(rows.getRowsJS()).toEqual([[2], [3], [4]]);
    expect(await warehouse.pruneSnapshots(input)).toEqual({ servedVersion: 3, dropped: [], kept: [2] });
    // Even an age of one day keeps the served version and the candidate.
    expect((await warehouse.pruneSnapshots({ ...input, cutoff: cutoff(1) })).dropped.map((d) => d.version)).toEqual([2]);
    expect(await snapshotTables(db, 'rt', 'stays')).toEqual(['stays__stay__v3', 'stays__stay__v4']);
    expect((await warehouse.publishedProduct({ domain: 'rt', product: 'stays' })).views).toEqual([expect.objectContaining({ rows: 2 })]);
  });

  it('ages a version superseded before promotions were recorded from the served version, and skips a product never published', async () => {
    await db.run(`DELETE FROM _factory.product_promotions WHERE product = 'stays'`);
    await warehouse.snapshotProduct({ domain: 'rt', product: 'stays', version: 2, tables: [{ domain: 'rt', table: 'stay' }] });
    // Served v3 was promoted 10 days ago: v2 is kept for a 30-day age, dropped for a 5-day one.
    expect(await warehouse.pruneSnapshots({ domain: 'rt', product: 'stays', cutoff: cutoff(30) })).toMatchObject({ dropped: [], kept: [2] });
    expect((await warehouse.pruneSnapshots({ domain: 'rt', product: 'stays', cutoff: cutoff(5) })).dropped.map((d) => d.version)).toEqual([2]);
    expect(await warehouse.pruneSnapshots({ domain: 'rt', product: 'unpublished', cutoff: cutoff(5) })).toEqual({ servedVersion: null, dropped: [], kept: [] });
    await expect(warehouse.pruneChangeLog({ domain: 'rt', table: 'stay', cutoff: 'yesterday' })).rejects.toThrow(
      "cutoff 'yesterday': expected an ISO-8601 UTC time such as 2026-09-01T03:30:00.000Z");
  });
});
