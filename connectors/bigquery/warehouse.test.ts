import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, rows, table } from '../../test/support/warehouse-contract-suite.js';
import { LoadStateError } from '../warehouse/port.js';
import { estimateBytes, isRetryable, query, withRetry } from './client.js';
import { createBigQueryWarehouse, type BigQueryWarehouse } from './warehouse.js';

/**
 * The BigQuery adapter against the local emulator (`stack.sh up --with bigquery`). Skipped, with the
 * reason printed, only when no emulator answers at BIGQUERY_API_ENDPOINT (default 127.0.0.1:9050).
 */

const endpoint = process.env.BIGQUERY_API_ENDPOINT ?? 'http://127.0.0.1:9050';
const reachable = await fetch(`${endpoint}/readyz`).then((r) => r.ok, () => false);
if (!reachable) console.warn(`connectors/bigquery/warehouse.test.ts skipped: no BigQuery emulator at ${endpoint} (start it: bash stack/stack.sh up --with bigquery)`);

// Each run works in its own domain (datasets raw_<domain>…) so runs never see each other's tables.
const domain = `bqt${Date.now().toString(36)}`;

const jsChecksum = (values: unknown[][]): string => checksumOf(table, values);

const lineage = { sourceSystem: 'resdb', loadId: 'load-1', sourcePosition: 'lsn:0/16B3748' };

// The port's promises (exactly once, NULL vs '', rollback, swap, change capture) are the shared contract
// suite (contract.test.ts); here: what BigQuery stores, its job ids, ledger and metadata.
describe.skipIf(!reachable)('BigQuery warehouse on the emulator', () => {
  let dir: string;
  let wh: BigQueryWarehouse;
  const file = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    return path;
  };
  const read = <T = Record<string, unknown>>(sql: string) => query<T>(wh.client, sql, { maximumBytesBilled: 10 ** 9 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-bq-'));
    wh = await createBigQueryWarehouse({ projectId: 'factory-local', location: 'EU', apiEndpoint: endpoint, maximumBytesBilled: 10 ** 12 });
  });
  afterAll(async () => {
    await wh?.close();
    for (const layer of ['raw', 'qualified', 'published']) await wh?.client.dataset(`${layer}_${domain}`).delete({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares a load table in raw_<domain> with lineage columns, clustering and labels, idempotently', async () => {
    const first = await wh.prepareLoad({ domain, table, loadId: 'backfill:x.booking/run 1' });
    expect(first).toEqual({ loadTable: expect.stringMatching(new RegExp(`^raw_${domain}\\.booking__load_backfill_x_booking_run_1_[0-9a-f]{8}$`)), existingRows: 0 });
    expect(await wh.prepareLoad({ domain, table, loadId: 'backfill:x.booking/run 1' })).toEqual(first);
    const [metadata] = await wh.client.dataset(`raw_${domain}`).table(first.loadTable.split('.')[1]!).getMetadata();
    // BigQuery answers with the legacy names (INTEGER, BOOLEAN), the emulator with the ones sent.
    const legacy: Record<string, string> = { INTEGER: 'INT64', BOOLEAN: 'BOOL' };
    expect(metadata.schema.fields.map((f: { name: string; type: string }) => `${f.name} ${legacy[f.type] ?? f.type}`)).toEqual([
      'RESORT STRING', 'BOOKING_ID INT64', 'GUEST STRING', 'AMOUNT NUMERIC', 'ARRIVAL DATE', 'CREATED_AT DATETIME', 'PAID BOOL', 'DOC BYTES',
      '_source_system STRING', '_load_id STRING', '_loaded_at TIMESTAMP', '_source_position STRING', '_deleted BOOL', '_extra STRING',
    ]);
    expect(metadata.clustering).toEqual({ fields: ['RESORT', 'BOOKING_ID'] });
    expect(metadata.labels).toEqual({ domain, layer: 'raw', table: 'booking', pii: 'identity' });
    await wh.dropLoad({ loadTable: first.loadTable });
  });

  it('lands DECIMAL(31,8), microsecond timestamps, dates, unicode, NULL and empty text exactly, and validates with the shared checksum', async () => {
    const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'types' });
    expect(await wh.loadChunk({ loadTable, table, file: file('t.csv', rows.map((r) => r.csv)), chunkIndex: 0, lineage })).toEqual({ rows: 4, alreadyLoaded: false });
    const stored = await read(`SELECT RESORT AS r, BOOKING_ID AS id, GUEST AS g, CAST(AMOUNT AS STRING) AS a, CAST(ARRIVAL AS STRING) AS d,
      CAST(CREATED_AT AS STRING) AS ts, PAID AS p, TO_HEX(DOC) AS doc, _load_id AS l, _source_position AS pos FROM \`${loadTable.replace('.', '`.`')}\` ORDER BY 1, 2`);
    // The emulator keeps NUMERIC at scale 9 (BigQuery's own NUMERIC scale), hence one more zero.
    expect(stored).toEqual([
      { r: 'ALP ', id: 1, g: 'Zoë Ñandú 北京 Ελλάδα', a: '12345678901234567890123.123456780', d: '2024-02-29', ts: '2024-02-29 07:05:09.000123', p: true, doc: '00ff10', l: 'load-1', pos: 'lsn:0/16B3748' },
      { r: 'ALP ', id: 2, g: '', a: '-0.500000000', d: '1999-12-31', ts: '1999-12-31 23:59:59.999999', p: false, doc: '', l: 'load-1', pos: 'lsn:0/16B3748' },
      { r: 'SKI ', id: 1, g: null, a: null, d: null, ts: null, p: null, doc: null, l: 'load-1', pos: 'lsn:0/16B3748' },
      { r: 'SKI ', id: 2, g: 'say "hi",\nnew line', a: '0.000000010', d: '0001-01-01', ts: '2000-01-01 00:00:00', p: true, doc: null, l: 'load-1', pos: 'lsn:0/16B3748' },
    ]);
    expect(await wh.validateLoad({ loadTable, table })).toEqual({ rows: 4, checksum: jsChecksum(rows.map((r) => r.values)), duplicateKeys: 0 });
    await wh.dropLoad({ loadTable });
  });

  it('loads a retried chunk once: through the ledger, and through the job id when the ledger write was lost', async () => {
    const { loadTable } = await wh.prepareLoad({ domain, table, loadId: 'retry' });
    const chunk0 = file('r0.csv', rows.slice(0, 2).map((r) => r.csv));
    expect(await wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 0, lineage })).toEqual({ rows: 2, alreadyLoaded: false });
    expect(await wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 0, lineage })).toEqual({ rows: 2, alreadyLoaded: true });
    // A crash between the load job and the ledger insert: the retry finds the finished job by its id.
    await read(`DELETE FROM _factory.load_chunks WHERE load_table = '${loadTable}'`);
    expect(await wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 0, lineage })).toEqual({ rows: 2, alreadyLoaded: true });
    expect(await wh.loadChunk({ loadTable, table, file: file('r1.csv', rows.slice(2).map((r) => r.csv)), chunkIndex: 1, lineage }))
      .toEqual({ rows: 2, alreadyLoaded: false });
    expect(await wh.validateLoad({ loadTable, table })).toMatchObject({ rows: 4, duplicateKeys: 0 });
    await wh.dropLoad({ loadTable });
    await expect(wh.loadChunk({ loadTable, table, file: chunk0, chunkIndex: 2, lineage })).rejects.toThrow(LoadStateError);
  });

  it('swaps a load in with a copy job once, records the backfill, and reports live stats', async () => {
    const first = await wh.prepareLoad({ domain, table, loadId: 'swap-1' });
    await wh.loadChunk({ loadTable: first.loadTable, table, file: file('s1.csv', [rows[0]!.csv]), chunkIndex: 0, lineage });
    expect(await wh.swapIn({ domain, table, loadTable: first.loadTable })).toEqual({ table: `raw_${domain}.booking`, alreadySwapped: false });
    expect(await wh.swapIn({ domain, table, loadTable: first.loadTable })).toEqual({ table: `raw_${domain}.booking`, alreadySwapped: true });
    await expect(wh.prepareLoad({ domain, table, loadId: 'swap-1' })).rejects.toThrow(/already swapped in/);
    const second = await wh.prepareLoad({ domain, table, loadId: 'swap-2' });
    await wh.loadChunk({ loadTable: second.loadTable, table, file: file('s2.csv', rows.map((r) => r.csv)), chunkIndex: 0, lineage });
    await wh.swapIn({ domain, table, loadTable: second.loadTable });
    expect(await wh.tableStats({ domain, table })).toEqual({ rows: 4, checksum: jsChecksum(rows.map((r) => r.values)) });
    const [live] = await wh.client.dataset(`raw_${domain}`).table('booking').getMetadata();
    expect(live.clustering).toEqual({ fields: ['RESORT', 'BOOKING_ID'] });
    const [tables] = await wh.client.dataset(`raw_${domain}`).getTables();
    expect(tables.map((t) => t.id)).not.toContain(second.loadTable.split('.')[1]);

    const record = { domain, table: 'booking', loadId: 'swap-2', rows: 4, checksum: '42', durationMs: 1234.4, sourcePosition: 'lsn:0/1' };
    await wh.recordBackfill(record);
    await wh.recordBackfill({ ...record, durationMs: 1300 });
    const last = await wh.lastBackfill({ domain, table: 'booking' });
    expect(last).toMatchObject({ ...record, durationMs: 1300 });
    expect(last!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await read(`SELECT COUNT(*) AS n FROM _factory.backfill_runs WHERE domain = '${domain}'`)).toEqual([{ n: 1 }]);
  });

  it('applies a change batch once: newest position per key wins, deletes stay as tombstones, offsets in the same transaction', async () => {
    const events = (lines: string[]) => file(`cdc-${Math.random().toString(36).slice(2)}.csv`, lines);
    const consumer = `factory-${domain}`;
    // Its own table: change capture starts from an empty current-state table, without a backfill.
    const cdcTable = { ...table, name: 'booking_cdc' };
    // Columns: contract columns, _op, _position, _source_ts_ms, _kafka_partition, _kafka_offset, _extra.
    const batch1 = events([
      'ALP ,1,Old name,1.00000000,2024-01-01,2024-01-01 00:00:00.000001,t,,u,0000000100,1,0,10,',
      'ALP ,1,New name,2.00000000,2024-01-01,2024-01-01 00:00:00.000002,t,,u,0000000200,2,0,11,',
      'ALP ,2,,,,,,,d,0000000150,3,0,12,',
      'ZZZ ,9,Inserted,9.99999999,2025-05-05,2025-05-05 05:05:05.050505,f,\\xabcd,c,0000000300,4,0,13,"{""NEW_COL"":1}"',
    ]);
    const offsets1 = [{ topic: 'factory.RES.BOOKING', partition: 0, nextOffset: '14' }];
    const input = { domain, table: cdcTable, sourceSystem: 'resdb', file: batch1, consumer, offsets: offsets1 };
    expect(await wh.applyChanges(input)).toEqual({ changes: 4, alreadyApplied: false });
    expect(await wh.applyChanges(input)).toEqual({ changes: 0, alreadyApplied: true });
    expect(await wh.consumerOffsets({ consumer })).toEqual(offsets1);

    const current = await read(`SELECT RESORT AS r, BOOKING_ID AS id, GUEST AS g, CAST(AMOUNT AS STRING) AS a, _deleted AS del, _source_position AS pos, _extra AS x
      FROM \`raw_${domain}\`.booking_cdc ORDER BY 1, 2`);
    expect(current).toEqual([
      { r: 'ALP ', id: 1, g: 'New name', a: '2.000000000', del: false, pos: '0000000200', x: null },
      { r: 'ALP ', id: 2, g: null, a: null, del: true, pos: '0000000150', x: null },
      { r: 'ZZZ ', id: 9, g: 'Inserted', a: '9.999999990', del: false, pos: '0000000300', x: '{"NEW_COL":1}' },
    ]);
    expect(await read(`SELECT COUNT(*) AS n FROM \`raw_${domain}\`.booking_cdc__changes`)).toEqual([{ n: 4 }]);

    // An older event arriving late does not bring the deleted row back; a truncate deletes what precedes it.
    const batch2 = events([
      'ALP ,2,Zombie,,,,,,u,0000000120,5,0,14,',
      ',,,,,,,,t,0000000400,6,0,15,',
      'ALP ,1,After truncate,3.00000000,,,,,u,0000000500,7,0,16,',
    ]);
    const offsets2 = [{ topic: 'factory.RES.BOOKING', partition: 0, nextOffset: '17' }];
    expect(await wh.applyChanges({ ...input, file: batch2, offsets: offsets2 })).toEqual({ changes: 3, alreadyApplied: false });
    const after = await read(`SELECT RESORT AS r, BOOKING_ID AS id, GUEST AS g, _deleted AS del FROM \`raw_${domain}\`.booking_cdc ORDER BY 1, 2`);
    expect(after).toEqual([
      { r: 'ALP ', id: 1, g: 'After truncate', del: false },
      { r: 'ALP ', id: 2, g: null, del: true },
      { r: 'ZZZ ', id: 9, g: 'Inserted', del: true },
    ]);
    expect(await wh.consumerOffsets({ consumer })).toEqual(offsets2);
    expect((await wh.tableStats({ domain, table: cdcTable })).rows).toBe(1);
    const [tables] = await wh.client.dataset(`raw_${domain}`).getTables();
    expect(tables.map((t) => t.id).filter((id) => id?.includes('__batch_'))).toEqual([]);
  });

  it('does not merge a change batch twice when the apply job ran but its answer was lost', async () => {
    const consumer = `factory-${domain}-lost`;
    const lines = ['SKI ,7,Once,1.00000000,,,,,c,0000000900,1,0,20,'];
    const batch = file('lost.csv', lines);
    const offsets = [{ topic: 'factory.RES.BOOKING', partition: 1, nextOffset: '21' }];
    const cdcTable = { ...table, name: 'booking_lost' };
    expect(await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'resdb', file: batch, consumer, offsets })).toEqual({ changes: 1, alreadyApplied: false });
    // Forget the stored offsets: only the apply job's id now stands between a retry and a second append.
    await read(`DELETE FROM _factory.cdc_offsets WHERE consumer = '${consumer}'`);
    expect(await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'resdb', file: batch, consumer, offsets })).toEqual({ changes: 0, alreadyApplied: true });
    expect(await read(`SELECT COUNT(*) AS n FROM \`raw_${domain}\`.booking_lost__changes`)).toEqual([{ n: 1 }]);
  });

  it('applies a new batch that repeats an old batch\'s offsets (topic created again): job ids outlive the offsets', async () => {
    const consumer = `factory-${domain}-again`;
    const offsets = [{ topic: 'factory.RES.BOOKING', partition: 2, nextOffset: '31' }];
    const cdcTable = { ...table, name: 'booking_again' };
    const first = file('again-1.csv', ['SKI ,8,First,1.00000000,,,,,c,0000000910,2,0,30,']);
    expect(await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'resdb', file: first, consumer, offsets })).toEqual({ changes: 1, alreadyApplied: false });
    // Capture re-registered with its topics dropped: offsets start again, the stored ones are gone
    // (as when the datasets were dropped), the apply jobs of the first incarnation remain.
    await read(`DELETE FROM _factory.cdc_offsets WHERE consumer = '${consumer}'`);
    const second = file('again-2.csv', ['SKI ,9,Second,2.00000000,,,,,c,0000000990,2,0,30,']);
    expect(await wh.applyChanges({ domain, table: cdcTable, sourceSystem: 'resdb', file: second, consumer, offsets })).toEqual({ changes: 1, alreadyApplied: false });
    expect(await read(`SELECT COUNT(*) AS n FROM \`raw_${domain}\`.booking_again__changes`)).toEqual([{ n: 2 }]);
  });

  it('estimates a check with a dry run, which runs nothing', async () => {
    // The emulator answers dry runs with 0 bytes; the call path (and a bad table failing) is what is checked here.
    expect(await estimateBytes(wh.client, `SELECT * FROM \`raw_${domain}\`.booking`)).toBeGreaterThanOrEqual(0);
    await expect(estimateBytes(wh.client, `SELECT * FROM \`raw_${domain}\`.no_such_table`)).rejects.toThrow(/no_such_table/);
  });
});

describe('BigQuery retry rules', () => {
  it('retries rate limits, 5xx and dropped connections, never other 4xx', () => {
    expect(isRetryable({ code: 429 })).toBe(true);
    expect(isRetryable({ code: 503 })).toBe(true);
    expect(isRetryable({ code: 403, errors: [{ reason: 'rateLimitExceeded' }] })).toBe(true);
    expect(isRetryable({ code: 'ECONNRESET' })).toBe(true);
    expect(isRetryable({ code: 400, errors: [{ reason: 'invalidQuery' }] })).toBe(false);
    expect(isRetryable({ code: 403, errors: [{ reason: 'quotaExceeded' }] })).toBe(false);
    expect(isRetryable({ code: 404 })).toBe(false);
  });

  it('backs off and tries again on a retryable error, and gives up at once on a 4xx', async () => {
    let calls = 0;
    const flaky = async () => { calls++; if (calls < 3) throw Object.assign(new Error('busy'), { code: 503 }); return 'ok'; };
    expect(await withRetry(flaky, { attempts: 5, baseDelayMs: 1 })).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    const bad = async () => { calls++; throw Object.assign(new Error('bad'), { code: 400 }); };
    await expect(withRetry(bad, { attempts: 5, baseDelayMs: 1 })).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });
});
