import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableContract } from '../../contracts/contract.js';
import type { Erasure } from '../../connectors/warehouse/erasure-port.js';
import type { LoadAndCapture } from '../../connectors/warehouse/port.js';
import { erasurePlan } from '../../core/erasure/plan.js';
import { keyedHash } from '../../core/keyed-hash.js';
import { PayloadKey } from '../../core/payload/keys.js';
import { dataSubjects, registry } from '../../domains/index.js';

/**
 * The erasure contract suite: subject erasure and its ledger (erasure-port.ts) on every adapter
 * (connectors/<adapter>/erasure-contract.test.ts), with the customer subject of domains/data-subjects.ts.
 * Rows are planted in each layer an erasure reaches (current table, change log, quarantine, published
 * snapshots), erased through the port, then a backfill and a replayed change batch try to bring the
 * subject back. What the port does not read (layers, control tables) the target reads for the suite.
 * An adapter that cannot keep a case skips it with the reason, never silently.
 */

export type ErasureContractWarehouse = Erasure & LoadAndCapture;

export type ErasureCase = 'wrong-key' | 'begin' | 'erase' | 'evidence' | 'backfill' | 'change-replay' | 'untouched' | 'staged-files' | 'positions';

/** Layouts the suite plants rows in: the adapter's raw table, change log, quarantine table, or a published snapshot (contract columns). */
export type SeedLayout = 'raw' | 'changes' | 'quarantine' | 'snapshot';

export interface ErasureContractTarget {
  name: string;
  /** Opens the warehouse with this erasure key. */
  open(key: PayloadKey): Promise<ErasureContractWarehouse>;
  /** Creates `<dataset>.<name>` in the layout with these rows (unnamed columns NULL); a snapshot is registered as one of `ref`'s. */
  seed(input: { ref: string; dataset: string; name: string; layout: SeedLayout; rows: Record<string, string | number>[] }): Promise<void>;
  /** The named columns of every row, as text (NULL as null), sorted. */
  read(dataset: string, name: string, columns: string[]): Promise<(string | null)[][]>;
  /** Every value of every `_factory` table, as text. */
  controlText(): Promise<string>;
  cleanup?(): Promise<void>;
  skip?: Partial<Record<ErasureCase, string>>;
  /** When set, the whole suite is skipped with this reason. */
  unavailable?: string;
}

const key = new PayloadKey('contract-erasure', new Uint8Array(32).fill(11));
const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
const contract = (ref: string) => registry.table(ref);
const contracts = Object.fromEntries([...plan.tables.map((t) => `${t.domain}.${t.table}`), 'customer.customer'].map((r) => [r, contract(r)]));
const hashOf = (id: string | number) => keyedHash(key.bytes(), String(id));
const pos = (n: number) => `pg:${n.toString(16).padStart(16, '0')}`;

// Distinctive values, so a search of the control tables cannot mistake a count or an offset for them.
const subject = 7310001;
const other = 7310002;
const [bookingA, bookingB, bookingGone] = [7310010, 7310011, 7310012];
const clearValues = [subject, bookingA, bookingGone].map(String);

/** One staged CSV line of a table: the named values, every other column NULL (empty). */
/** Rows read from a warehouse, as the suite compares them: every value as text (NULL as null), sorted. */
export const asText = (rows: unknown[][]): (string | null)[][] =>
  rows.map((r) => r.map((v) => (v === null || v === undefined ? null : String(v)))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** JSON of rows holding BigInt values (DuckDB's BIGINT). */
export const jsonText = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

const line = (table: TableContract, values: Record<string, string | number>, extra: (string | number)[] = []) =>
  `${[...table.columns.map((c) => (values[c.name] === undefined ? '' : String(values[c.name]))), ...extra].join(',')}\n`;

export function erasureContractSuite(target: ErasureContractTarget): void {
  const skipped = (which: ErasureCase) => target.skip?.[which] !== undefined;
  const title = (which: ErasureCase, text: string) => (skipped(which) ? `${text} — skipped on ${target.name}: ${target.skip![which]}` : text);
  const suiteName = target.unavailable ? `erasure contract on ${target.name} — skipped: ${target.unavailable}` : `erasure contract on ${target.name}`;

  describe.skipIf(target.unavailable !== undefined)(suiteName, () => {
    let dir: string;
    let wh: ErasureContractWarehouse;
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const suppressed = async (table: string) =>
      (await target.read('_factory', 'erasure_suppressed', ['table_name', 'origin', 'action', 'row_count'])).filter((r) => r[0] === table).map((r) => r.slice(1));

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'factory-erasure-contract-'));
      wh = await target.open(key);
      const seed = (ref: string, layout: SeedLayout, rows: Record<string, string | number>[], name = ref.split('.')[1]!, dataset = `raw_${ref.split('.')[0]}`) =>
        target.seed({ ref, dataset, name, layout, rows });
      await seed('customer.customer', 'raw', [{ CUSTOMER_ID: subject, LAST_NAME: 'Erased' }, { CUSTOMER_ID: other, LAST_NAME: 'Kept' }]);
      await seed('booking.booking', 'raw', [{ BOOKING_ID: bookingA, CUSTOMER_ID: subject }, { BOOKING_ID: bookingB, CUSTOMER_ID: other }]);
      // A booking of the subject known only to the change log (deleted at the source since).
      await seed('booking.booking', 'changes', [{ BOOKING_ID: bookingGone, CUSTOMER_ID: subject, _op: 'd', _position: pos(1) }], 'booking__changes');
      await seed('booking.booking_line', 'raw', [bookingA, bookingB, bookingGone].map((id) => ({ BOOKING_ID: id, LINE_NO: 1 })));
      await seed('booking.booking_line', 'quarantine', [bookingA, bookingB].map((id) => ({ BOOKING_ID: id, LINE_NO: 2 })), 'booking_line__quarantine');
      await seed('booking.booking_line', 'snapshot', [bookingA, bookingB].map((id) => ({ BOOKING_ID: id, LINE_NO: 1 })), 'stays__booking_line__v1', 'published_booking');
      const payments = [{ PAYMENT_ID: 100, BOOKING_ID: bookingA, CARD_TOKEN: 'tok-a' }, { PAYMENT_ID: 101, BOOKING_ID: bookingB, CARD_TOKEN: 'tok-b' }];
      await seed('payment.payment', 'raw', [...payments, { PAYMENT_ID: 102, BOOKING_ID: bookingGone, CARD_TOKEN: 'tok-c' }]);
      await seed('payment.payment', 'snapshot', payments, 'money__payment__v1', 'published_payment');
    }, 120_000);
    afterAll(async () => {
      await wh?.close();
      await target.cleanup?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(skipped('wrong-key'))(title('wrong-key', 'refuses a subject hash made with another key, before anything is written'), async () => {
      await expect(wh.beginErasure({ plan, subjectHash: 'f'.repeat(64), id: String(subject), contracts })).rejects.toThrow(/different FACTORY_ERASURE_KEY/);
      expect(await target.read('_factory', 'erasure_ledger', ['value_hash'])).toEqual([]);
    });

    it.skipIf(skipped('begin'))(title('begin', 'begin collects the bookings (current table and change log) and writes keyed hashes only, once'), async () => {
      const begun = await wh.beginErasure({ plan, subjectHash: hashOf(subject), id: String(subject), contracts });
      expect(begun.keyId).toBe(key.id);
      expect(begun.reached.find((r) => r.table === 'booking.booking_line')?.values).toBe(2);
      expect(begun.reached.find((r) => r.table === 'customer.customer')?.values).toBe(1);
      const ledger = await target.read('_factory', 'erasure_ledger', ['table_name', 'value_hash', 'subject_hash', 'key_id']);
      expect(ledger.filter((r) => r[0] === 'booking_line').map((r) => r[1]).sort()).toEqual([hashOf(bookingA), hashOf(bookingGone)].sort());
      expect(ledger.filter((r) => r[0] === 'customer').map((r) => r[1])).toEqual([hashOf(subject)]);
      expect(new Set(ledger.map((r) => `${r[2]} ${r[3]}`))).toEqual(new Set([`${hashOf(subject)} ${key.id}`]));
      expect(clearValues.filter((v) => JSON.stringify(ledger).includes(v))).toEqual([]);
      // A retried or repeated begin adds no entry twice.
      const again = await wh.beginErasure({ plan, subjectHash: hashOf(subject), id: String(subject), contracts });
      expect(again.ledgerEntries).toBe(begun.ledgerEntries);
      expect(await target.read('_factory', 'erasure_ledger', ['value_hash'])).toHaveLength(ledger.length);
    }, 60_000);

    it.skipIf(skipped('erase'))(title('erase', 'erases or anonymises per action across current tables, change logs, quarantine and published snapshots'), async () => {
      const results = [];
      for (const table of plan.tables) results.push(await wh.eraseTable({ subjectHash: hashOf(subject), table, contract: contract(`${table.domain}.${table.table}`) }));
      const lines = results.find((r) => r.table === 'booking.booking_line')!;
      expect(lines.action).toBe('delete');
      expect(lines.relations.map((r) => [r.layer, r.relation, r.rows])).toEqual([
        ['current', 'raw_booking.booking_line', 2], ['quarantine', 'raw_booking.booking_line__quarantine', 1], ['published', 'published_booking.stays__booking_line__v1', 1],
      ]);
      expect(results.find((r) => r.table === 'payment.payment')!.relations.map((r) => [r.layer, r.rows])).toEqual([['current', 2], ['published', 1]]);
      expect(results.find((r) => r.table === 'booking.booking')!.relations.map((r) => [r.layer, r.rows])).toEqual([['current', 1], ['changes', 1]]);
      expect(results.find((r) => r.table === 'transport.transfer')!.relations).toEqual([]);
      expect(await target.read('raw_customer', 'customer', ['CUSTOMER_ID', 'LAST_NAME'])).toEqual([[String(other), 'Kept']]);
      expect(await target.read('raw_booking', 'booking_line', ['BOOKING_ID'])).toEqual([[String(bookingB)]]);
      expect(await target.read('raw_booking', 'booking_line__quarantine', ['BOOKING_ID'])).toEqual([[String(bookingB)]]);
      expect(await target.read('published_booking', 'stays__booking_line__v1', ['BOOKING_ID'])).toEqual([[String(bookingB)]]);
      expect(await target.read('raw_booking', 'booking__changes', ['BOOKING_ID'])).toEqual([]);
      // Payments are kept for accounting, their personal columns emptied.
      expect(await target.read('raw_payment', 'payment', ['PAYMENT_ID', 'BOOKING_ID', 'CARD_TOKEN'])).toEqual([
        ['100', String(bookingA), null], ['101', String(bookingB), 'tok-b'], ['102', String(bookingGone), null]]);
      expect(await target.read('published_payment', 'money__payment__v1', ['PAYMENT_ID', 'CARD_TOKEN'])).toEqual([['100', null], ['101', 'tok-b']]);
    }, 180_000);

    it.skipIf(skipped('evidence'))(title('evidence', 'finish stores the evidence and leaves no clear identifier or reaching value in the control tables'), async () => {
      const evidence = { tables: plan.tables.length, note: 'no personal data' };
      await wh.finishErasure({ subjectHash: hashOf(subject), evidence });
      expect(await wh.erasureEvidence({ subjectHash: hashOf(subject) })).toEqual(evidence);
      expect(await wh.erasureEvidence({ subjectHash: hashOf(other) })).toBeNull();
      const control = await target.controlText();
      expect(control).toContain(hashOf(bookingA));
      expect(clearValues.filter((v) => control.includes(v))).toEqual([]);
    }, 60_000);

    it.skipIf(skipped('backfill'))(title('backfill', 'a re-backfill swap leaves the subject out after validation, and counts it'), async () => {
      const table = contract('booking.booking_line');
      const { loadTable } = await wh.prepareLoad({ domain: 'booking', table, loadId: 'again' });
      const chunk = file('lines.csv', [bookingA, bookingB, bookingGone].map((id) => line(table, { BOOKING_ID: id, LINE_NO: 1 })).join(''));
      await wh.loadChunk({ loadTable, table, file: chunk, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'again', sourcePosition: pos(1) } });
      expect((await wh.validateLoad({ loadTable, table })).rows).toBe(3);
      await wh.swapIn({ domain: 'booking', table, loadTable });
      expect(await target.read('raw_booking', 'booking_line', ['BOOKING_ID'])).toEqual([[String(bookingB)]]);
      expect(await suppressed('booking_line')).toEqual([[`backfill ${loadTable}`, 'delete', '2']]);
    }, 60_000);

    it.skipIf(skipped('change-replay'))(title('change-replay', 'a replayed change batch drops (or anonymises) the subject before the change log and the merge'), async () => {
      const contacts = contract('customer.customer_contact');
      const contactBatch = file('contacts.csv', [subject, other].map((id, i) => line(contacts, { CONTACT_ID: 500 + i, CUSTOMER_ID: id, CONTACT_VALUE: 'x@example.org' }, ['c', pos(9 + i), 0, i, i, ''])).join(''));
      const topic = `factory.${contacts.source.schema}.${contacts.source.table}`;
      await wh.applyChanges({ domain: 'customer', table: contacts, sourceSystem: 'db2', file: contactBatch, consumer: 'replay', offsets: [{ topic, partition: 0, nextOffset: '2' }] });
      expect(await target.read('raw_customer', 'customer_contact', ['CUSTOMER_ID'])).toEqual([[String(other)]]);
      expect(await target.read('raw_customer', 'customer_contact__changes', ['CUSTOMER_ID'])).toEqual([[String(other)]]);
      expect(await suppressed('customer_contact')).toEqual([[`cdc ${topic}:0@2`, 'delete', '1']]);
      const payments = contract('payment.payment');
      const paymentBatch = file('payments.csv', [[100, bookingA, 'tok-z'], [101, bookingB, 'tok-y']].map(([id, booking, token], i) =>
        line(payments, { PAYMENT_ID: id!, BOOKING_ID: booking!, CARD_TOKEN: token! }, ['u', pos(20 + i), 0, i, i, ''])).join(''));
      await wh.applyChanges({ domain: 'payment', table: payments, sourceSystem: 'db2', file: paymentBatch, consumer: 'replay', offsets: [{ topic: `factory.${payments.source.schema}.${payments.source.table}`, partition: 0, nextOffset: '2' }] });
      expect(await target.read('raw_payment', 'payment', ['PAYMENT_ID', 'CARD_TOKEN'])).toEqual([['100', null], ['101', 'tok-y'], ['102', null]]);
      expect(await target.read('raw_payment', 'payment__changes', ['PAYMENT_ID', 'CARD_TOKEN'])).toEqual([['100', null], ['101', 'tok-y']]);
    }, 60_000);

    it.skipIf(skipped('untouched'))(title('untouched', 'a table the ledger does not name is ingested untouched'), async () => {
      const country = contract('reference.country');
      const { loadTable } = await wh.prepareLoad({ domain: 'reference', table: country, loadId: 'r1' });
      const chunk = file('country.csv', line(country, { COUNTRY_CODE: 'DE', COUNTRY_NAME: 'Germany' }));
      await wh.loadChunk({ loadTable, table: country, file: chunk, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId: 'r1', sourcePosition: pos(1) } });
      await wh.swapIn({ domain: 'reference', table: country, loadTable });
      expect(await target.read('raw_reference', 'country', ['COUNTRY_CODE'])).toEqual([['DE']]);
      expect(await suppressed('country')).toEqual([]);
    }, 60_000);

    it.skipIf(skipped('staged-files'))(title('staged-files', 'finds the subject in staged chunks and change batches; tells a load in flight'), async () => {
      const lines = plan.tables.find((t) => t.table === 'booking_line')!;
      const table = contract('booking.booking_line');
      const chunk = file('staged-lines.csv', [bookingA, bookingB, bookingGone, bookingGone].map((id, i) => line(table, { BOOKING_ID: id, LINE_NO: i })).join(''));
      expect(await wh.stagedFileMatches({ subjectHash: hashOf(subject), table: lines, contract: table, file: chunk, changeBatch: false })).toEqual({ rows: 3 });
      const contacts = plan.tables.find((t) => t.table === 'customer_contact')!;
      const batch = file('staged-contacts.csv', line(contract('customer.customer_contact'), { CONTACT_ID: 1, CUSTOMER_ID: subject }, ['c', pos(1), 0, 0, 0, '']));
      expect(await wh.stagedFileMatches({ subjectHash: hashOf(subject), table: contacts, contract: contract('customer.customer_contact'), file: batch, changeBatch: true })).toEqual({ rows: 1 });
      await wh.prepareLoad({ domain: 'booking', table, loadId: 'inflight' });
      expect(await wh.loadInFlight({ loadId: 'inflight', domain: 'booking', table: 'booking_line' })).toBe(true);
      expect(await wh.loadInFlight({ loadId: 'again', domain: 'booking', table: 'booking_line' })).toBe(false);
      await wh.dropLoad({ loadTable: `raw_booking.booking_line__load_inflight` });
    }, 60_000);

    it.skipIf(skipped('positions'))(title('positions', 'reports the reached tables\' last backfill positions and stored Kafka offsets'), async () => {
      await wh.recordBackfill({ domain: 'booking', table: 'booking_line', loadId: 'again', rows: 3, checksum: '0', durationMs: 1, sourcePosition: pos(1) });
      const contacts = contract('customer.customer_contact');
      const positions = await wh.erasurePositions({ tables: [
        { domain: 'booking', table: 'booking_line', topicSuffix: '.BOOK.BOOKING_LINE' },
        { domain: 'customer', table: 'customer_contact', topicSuffix: `.${contacts.source.schema}.${contacts.source.table}` },
      ] });
      expect(positions.backfills.map((b) => [b.table, b.sourcePosition])).toEqual([['booking.booking_line', pos(1)]]);
      expect(positions.backfills[0]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(positions.offsets).toEqual([{ consumer: 'replay', topic: `factory.${contacts.source.schema}.${contacts.source.table}`, partition: 0, nextOffset: '2' }]);
    }, 60_000);
  });
}
