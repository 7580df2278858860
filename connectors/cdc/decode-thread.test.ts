import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSchema } from '../../contracts/contract.js';
import { bookingFix, readFixture } from '../../test/support/cdc-contracts.js';
import { decodeBatch, packMessages, unpackMessages, type FetchedMessage } from './decode-batch.js';
import { openDecoder, type Decoder } from './decode-thread.js';

const topic = 'cdcfix.CDCFIX.BOOKING_FIX';
const captured: FetchedMessage[] = readFixture('pg-precise.json')
  .filter((r) => r.topic === topic)
  .map((r) => ({ offset: String(r.offset), timestamp: r.timestamp, key: r.key === null ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value) }));
/** The captured batch with a poison event after its second record. */
const batch: FetchedMessage[] = [...captured.slice(0, 2), { offset: '100', timestamp: '1', key: Buffer.from('{"BOOKING_ID":9}'), value: Buffer.from('{"schema":') }, ...captured.slice(2)];
/** The contract with a column the source does not have: a breaking change at the first event. */
const withDroppedColumn = tableSchema.parse({ ...bookingFix, columns: [...bookingFix.columns, { name: 'ROOM_TYPE', type: 'CHAR(2)' }] });

describe('decoding on the decode thread', () => {
  let dir: string;
  let thread: Decoder;
  let other: Decoder;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'decode-thread-'));
    thread = openDecoder(new Map([[topic, { domain: 'fix', table: bookingFix }], ['paused.topic', { domain: 'fix', table: withDroppedColumn }]]));
    // A second pipeline's decoder on the same thread, whose topic of the same name reads another contract.
    other = openDecoder(new Map([[topic, { domain: 'fix', table: withDroppedColumn }]]));
  });
  afterAll(async () => {
    await thread.close();
    await other.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('packs a batch into one buffer and back, null keys and values included', () => {
    const unpacked = unpackMessages(packMessages(batch));
    expect(unpacked.map((m) => [m.offset, m.timestamp, m.key?.toString() ?? null, m.value?.toString() ?? null]))
      .toEqual(batch.map((m) => [m.offset, m.timestamp, m.key?.toString() ?? null, m.value?.toString() ?? null]));
    expect(batch.some((m) => m.value === null)).toBe(true);
  });

  it('writes the same staged changes as decoding inline, and names the poison event for the dead-letter topic', async () => {
    const file = join(dir, 'batch.csv');
    const decoded = await thread.decode(topic, 0, batch, file);
    const { csv, ...inline } = decodeBatch({ domain: 'fix', table: bookingFix }, topic, 0, unpackMessages(packMessages(batch)));
    expect(decoded).toEqual(inline);
    expect(await readFile(file, 'utf8')).toBe(csv);
    expect(decoded.events).toBe(batch.length);
    expect(decoded.tombstones).toBe(1);
    expect(decoded.changes).toBe(batch.length - 2);
    expect(decoded.deadLetters).toEqual([{ index: 2, reason: expect.stringContaining(`topic ${topic} partition 0 offset 100 (fix.booking_fix)`) }]);
    expect(decoded.lastOffset).toBe(batch.at(-1)!.offset);
    // Each staged change event with its source commit time, for freshness; not the poison event nor the tombstone.
    expect(decoded.changeIndexes).toEqual([0, 1, 3, 4, 5, 6, 8]);
    expect(decoded.sourceTsMs).toEqual([1795909833434, 1795909833434, 1795909842441, 1795909842444, 1795909842444, 1795909842445, 1795909842460]);
  });

  it('stops a batch at a breaking schema change and stages nothing when nothing precedes it', async () => {
    const file = join(dir, 'paused.csv');
    const decoded = await thread.decode('paused.topic', 0, batch, file);
    expect(decoded.paused).toMatchObject({ offset: batch[0]!.offset, change: { dropped: ['ROOM_TYPE'] } });
    expect(decoded.events).toBe(0);
    expect(decoded.lastOffset).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps each pipeline\'s tables apart on the shared thread', async () => {
    const [mine, theirs] = await Promise.all([thread.decode(topic, 0, batch, join(dir, 'mine.csv')), other.decode(topic, 0, batch, join(dir, 'theirs.csv'))]);
    expect(mine.paused).toBeUndefined();
    expect(theirs.paused).toMatchObject({ change: { dropped: ['ROOM_TYPE'] } });
  });

  it('hands record headers to the decoder on the thread (an IIDR record whose journal fields are headers only)', async () => {
    const iidr = tableSchema.parse({
      name: 'orders', description: 'IIDR table.', source: { system: 'db2', schema: 'SALES', table: 'ORDERS' }, primaryKey: ['ID'],
      columns: [{ name: 'ID', type: 'INTEGER' }, { name: 'NOTE', type: 'VARCHAR(10)', nullable: true }],
    });
    const decoder = openDecoder(new Map([['iidr.topic', { domain: 'sales', table: iidr, format: 'iidr-kcop-json' as const }]]));
    try {
      const headers = { A_ENTTYP: Buffer.from('PT'), A_SEQNO: '12', A_TIMSTAMP: [Buffer.from('2018-01-01 00:00:00'), Buffer.from('2018-01-02 00:00:00')] };
      const messages: FetchedMessage[] = [
        { offset: '0', timestamp: '1', key: null, value: Buffer.from('{"ID":1,"NOTE":{"string":"x"}}'), headers },
        { offset: '1', timestamp: '1', key: null, value: Buffer.from('{"ID":2,"NOTE":null}') },
      ];
      const file = join(dir, 'iidr.csv');
      const decoded = await decoder.decode('iidr.topic', 0, messages, file);
      expect(decoded.changes).toBe(1);
      expect(decoded.deadLetters).toEqual([{ index: 1, reason: expect.stringContaining('without a journal entry type') }]);
      // The last value of a repeated header is the one read (2018-01-02 → 1514851200000 ms).
      expect(await readFile(file, 'utf8')).toBe(`1,x,c,iidr:${'12'.padStart(38, '0')}:1,1514851200000,0,0,\n`);
    } finally {
      await decoder.close();
    }
  });

  it('fails the batch, naming the topic, when it is not one of the thread\'s tables', async () => {
    await expect(thread.decode('other.topic', 0, batch, join(dir, 'other.csv'))).rejects.toThrow('topic other.topic is not one of this pipeline');
  });
});
