import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableContract } from '../../contracts/contract.js';
import { erasurePlan } from '../../core/erasure/plan.js';
import { keyedHash } from '../../core/keyed-hash.js';
import { PayloadKey } from '../../core/payload/keys.js';
import { dataSubjects, registry } from '../../domains/index.js';
import { createLoadTableSql } from './load-sql.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

const key = new PayloadKey('test-erasure', new Uint8Array(32).fill(7));
const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
const contract = (ref: string) => registry.table(ref);
const hashOf = (id: string) => keyedHash(key.bytes(), id);
const pos = (n: number) => `pg:${n.toString(16).padStart(16, '0')}`;

/** One staged CSV line of a table: the named values, every other column NULL (empty). */
const line = (table: TableContract, values: Record<string, string | number>, extra: (string | number)[] = []) =>
  `${[...table.columns.map((c) => (values[c.name] === undefined ? '' : String(values[c.name]))), ...extra].join(',')}\n`;

/** The ledger on a real DuckDB file: erasure over the layers, then a backfill swap and a change batch that must not bring the subject back. */
describe('DuckDB erasure and its ledger', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  let db: DuckDBConnection;
  const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowsJS();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-erase-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb'), erasureKey: key });
    db = await wh.connectReader();
    for (const ref of ['customer.customer', 'booking.booking', 'booking.booking_line', 'payment.payment']) {
      const [d, t] = ref.split('.') as [string, string];
      await db.run(`CREATE SCHEMA IF NOT EXISTS raw_${d}`);
      await db.run(createLoadTableSql(`raw_${d}.${t}`, contract(ref)));
    }
    await db.run(`INSERT INTO raw_customer.customer ("CUSTOMER_ID", "LAST_NAME") VALUES (1, 'Erased'), (2, 'Kept')`);
    await db.run(`INSERT INTO raw_booking.booking ("BOOKING_ID", "CUSTOMER_ID") VALUES (10, 1), (11, 2)`);
    // A booking of the subject known only to the change log (deleted at the source since).
    await db.run(`CREATE TABLE raw_booking.booking__changes AS SELECT 12::BIGINT AS "BOOKING_ID", 1::BIGINT AS "CUSTOMER_ID", 'd' AS "_op"`);
    await db.run(`INSERT INTO raw_booking.booking_line ("BOOKING_ID", "LINE_NO") VALUES (10, 1), (11, 1), (12, 1)`);
    await db.run(`INSERT INTO raw_payment.payment ("PAYMENT_ID", "BOOKING_ID", "CARD_TOKEN") VALUES (100, 10, 'tok-a'), (101, 11, 'tok-b'), (102, 12, 'tok-c')`);
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a subject hash made with another key', async () => {
    await expect(wh.beginErasure({ plan, subjectHash: 'f'.repeat(64), id: '1', contracts: { 'customer.customer': contract('customer.customer') } }))
      .rejects.toThrow(/different FACTORY_ERASURE_KEY/);
  });

  it('collects the bookings (current and change log), writes hashes only, and erases or anonymises every reached table', async () => {
    const contracts = Object.fromEntries([...plan.tables.map((t) => `${t.domain}.${t.table}`), 'customer.customer'].map((r) => [r, contract(r)]));
    const begun = await wh.beginErasure({ plan, subjectHash: hashOf('1'), id: '1', contracts });
    expect(begun.reached.find((r) => r.table === 'booking.booking_line')?.values).toBe(2);
    expect(begun.reached.find((r) => r.table === 'customer.customer')?.values).toBe(1);
    const ledger = await q(`SELECT DISTINCT value_hash FROM _factory.erasure_ledger WHERE table_name = 'booking_line'`);
    expect(ledger.map((r) => r[0]).sort()).toEqual([hashOf('10'), hashOf('12')].sort());
    expect(await q(`SELECT count(*)::INT FROM _factory.erasure_ledger WHERE value_hash IN ('1', '10', '12') OR subject_hash = '1'`)).toEqual([[0]]);
    for (const table of plan.tables) await wh.eraseTable({ subjectHash: hashOf('1'), table, contract: contract(`${table.domain}.${table.table}`) });
    expect(await q('SELECT "CUSTOMER_ID"::INT FROM raw_customer.customer')).toEqual([[2]]);
    expect(await q('SELECT "BOOKING_ID"::INT FROM raw_booking.booking_line ORDER BY 1')).toEqual([[11]]);
    expect(await q('SELECT count(*)::INT FROM raw_booking.booking__changes')).toEqual([[0]]);
    expect(await q('SELECT "PAYMENT_ID"::INT, "CARD_TOKEN" FROM raw_payment.payment ORDER BY 1')).toEqual([[100, null], [101, 'tok-b'], [102, null]]);
    await wh.finishErasure({ subjectHash: hashOf('1'), evidence: { tables: plan.tables.length } });
    expect(await q('SELECT count(*)::INT FROM _factory.erasure_work')).toEqual([[0]]);
    expect(await wh.erasureEvidence({ subjectHash: hashOf('1') })).toEqual({ tables: plan.tables.length });
  });

  it('a backfill swap drops the erased rows and anonymises kept ones, after validation, and counts them', async () => {
    const table = contract('booking.booking_line');
    const { loadTable } = await wh.prepareLoad({ domain: 'booking', table, loadId: 'again' });
    const file = join(dir, 'lines.csv');
    writeFileSync(file, [10, 11, 12].map((id) => line(table, { BOOKING_ID: id, LINE_NO: 1 })).join(''));
    await wh.loadChunk({ loadTable, table, file, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'again', sourcePosition: pos(1) } });
    expect((await wh.validateLoad({ loadTable, table })).rows).toBe(3);
    await wh.swapIn({ domain: 'booking', table, loadTable });
    expect(await q('SELECT "BOOKING_ID"::INT FROM raw_booking.booking_line')).toEqual([[11]]);
    expect(await q(`SELECT origin, action, row_count::INT FROM _factory.erasure_suppressed WHERE table_name = 'booking_line'`)).toEqual([[`backfill ${loadTable}`, 'delete', 2]]);
  });

  it('a replayed change batch of the subject is dropped before the change log and the merge', async () => {
    const table = contract('customer.customer');
    const file = join(dir, 'batch.csv');
    writeFileSync(file, [1, 2].map((id, i) => line(table, { CUSTOMER_ID: id, LAST_NAME: 'Again', CUSTOMER_TYPE: 'P', STATUS_CODE: 'A' }, ['u', pos(9 + i), 0, 0, i, ''])).join(''));
    await wh.applyChanges({ domain: 'customer', table, sourceSystem: 'db2', file, consumer: 'c', offsets: [{ topic: 'factory.CUST.CUSTOMER', partition: 0, nextOffset: '2' }] });
    expect(await q('SELECT "CUSTOMER_ID"::INT, "LAST_NAME" FROM raw_customer.customer ORDER BY 1')).toEqual([[2, 'Again']]);
    expect(await q('SELECT "CUSTOMER_ID"::INT FROM raw_customer.customer__changes')).toEqual([[2]]);
    expect(await q(`SELECT row_count::INT FROM _factory.erasure_suppressed WHERE table_name = 'customer'`)).toEqual([[1]]);
  });

  it('a table the ledger does not name is ingested untouched', async () => {
    const reference = registry.table('reference.country');
    const { loadTable } = await wh.prepareLoad({ domain: 'reference', table: reference, loadId: 'r1' });
    const file = join(dir, 'country.csv');
    writeFileSync(file, line(reference, { COUNTRY_CODE: 'DE', COUNTRY_NAME: 'Germany' }));
    await wh.loadChunk({ loadTable, table: reference, file, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'r1', sourcePosition: pos(1) } });
    await wh.swapIn({ domain: 'reference', table: reference, loadTable });
    expect(await q('SELECT count(*)::INT FROM raw_reference.country')).toEqual([[1]]);
    expect(await q(`SELECT count(*)::INT FROM _factory.erasure_suppressed WHERE domain = 'reference'`)).toEqual([[0]]);
  });
});
