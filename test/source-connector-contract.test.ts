import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { createDb2Source } from '../connectors/db2/source.js';
import { openDb2 } from '../connectors/db2/driver.js';
import type { ChunkBounds, SourceConnector, SourceTableRef } from '../connectors/source/port.js';
import { addChecksums, type ChecksumColumn } from '../core/checksum.js';
import { ContractDriftError, TableNotFoundError } from '../core/errors.js';

/**
 * One contract, every source adapter: discovery, chunk planning that covers every row exactly once,
 * staged CSV content, counts and change-stream position — against a real database each time.
 */

interface Harness {
  name: string;
  skipReason: string | null;
  connect(): SourceConnector;
  /** Runs DDL/DML on the scratch database; returns nothing. */
  admin(): Promise<{ exec(sql: string): Promise<void>; close(): Promise<void> }>;
  binaryType: string;
  binaryLiteral(hex: string): string;
  dropSchema(schema: string, table: string): string[];
  position: RegExp;
  /** A connector that plans every analysed table from a key sample, with the SQL that refreshes its statistics. */
  sampledPlan?: { connect(): SourceConnector; analyze(schema: string, table: string): string };
}

const pgUrl = process.env.FACTORY_SOURCE_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_source';
const db2Url = process.env.DB2_URL;

const harnesses: Harness[] = [
  {
    name: 'PostgreSQL',
    skipReason: null,
    connect: () => createPostgresSource({ url: pgUrl, system: 'contract-postgres' }),
    async admin() {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      return { exec: async (sql) => { await client.query(sql); }, close: () => client.end() };
    },
    binaryType: 'bytea',
    binaryLiteral: (hex) => `decode('${hex}', 'hex')`,
    dropSchema: (schema) => [`DROP SCHEMA IF EXISTS "${schema}" CASCADE`],
    position: /^[0-9A-F]+\/[0-9A-F]+$/,
    sampledPlan: {
      connect: () => createPostgresSource({ url: pgUrl, system: 'contract-postgres', sampledPlanMinRows: 1 }),
      analyze: (schema, table) => `ANALYZE "${schema}"."${table}"`,
    },
  },
  {
    name: 'DB2',
    skipReason: db2Url ? null : 'DB2 contract suite skipped: DB2_URL is not set',
    connect: () => createDb2Source({ url: db2Url!, system: 'contract-db2' }),
    async admin() {
      const session = await openDb2(db2Url!);
      return { exec: async (sql) => { await session.query(sql); }, close: () => session.close() };
    },
    binaryType: 'VARCHAR(16) FOR BIT DATA',
    binaryLiteral: (hex) => `X'${hex}'`,
    dropSchema: (schema, table) => [`DROP TABLE "${schema}"."${table}"`, `DROP SCHEMA "${schema}" RESTRICT`],
    position: /\S/,
  },
];

const TOTAL = 250;
const RESORTS = ['ALP', 'BCH', 'MTN'];

interface Row {
  resort: string; bookingNo: number; lineNo: number; roomCode: string; amount: string | null; createdAt: string;
  stayDate: string; checkin: string; rate: number; note: string | null; payloadHex: string | null;
}

function makeRow(i: number): Row {
  const notes: Record<number, string | null> = {
    1: null, 2: '', 3: 'Zoë Ñandú 北京 Ελλάδα', 4: 'say "hi",\nnext line', 5: '  padded  ',
  };
  const amounts: Record<number, string | null> = { 1: '12345678901234567890123.12345678', 2: '-0.00000001', 6: null };
  const second = String(i % 60).padStart(2, '0');
  return {
    resort: RESORTS[i % 3]!,
    bookingNo: 1000 + ((i * 7919) % 100_000),
    lineNo: (i % 4) + 1,
    roomCode: i % 2 === 0 ? 'AB' : `R${i}`,
    amount: i in amounts ? amounts[i]! : `${i}.50000000`,
    createdAt: i === 1 ? '2024-02-29 23:59:59.999999' : `2024-01-0${(i % 9) + 1} 10:11:${second}.123456`,
    stayDate: `2024-0${(i % 9) + 1}-15`,
    checkin: '13:45:00',
    rate: i === 1 ? 0.1 : i / 7,
    note: i in notes ? notes[i]! : `note ${i}`,
    payloadHex: i === 1 ? '00ff10' : i === 2 ? '' : null,
  };
}

const sqlText = (v: string | null): string => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** RFC 4180 reader that keeps the difference between NULL (unquoted empty) and '' (quoted empty). */
/** Open-ended at both ends, numbered in order, each chunk starting where the one before it ends. */
function expectChained(chunks: ChunkBounds[]): void {
  expect(chunks[0]!.lower).toBeNull();
  expect(chunks.at(-1)!.upper).toBeNull();
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i);
    if (i > 0) expect(c.lower).toEqual(chunks[i - 1]!.upper);
  });
}

function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { out += '"'; i += 2; continue; }
          i++;
          break;
        }
        out += text[i++];
      }
      value = out;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      const raw = text.slice(i, end);
      if (raw.includes('"') || raw.includes('\r')) throw new Error(`unquoted field holds a quote or CR: ${JSON.stringify(raw)}`);
      value = raw === '' ? null : raw;
      i = end;
    }
    row.push(value);
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\n') { rows.push(row); row = []; i++; continue; }
    if (i >= text.length) throw new Error('file does not end with a line feed');
    throw new Error(`unexpected character ${JSON.stringify(text[i])} after a field`);
  }
  if (row.length > 0) throw new Error('file does not end with a line feed');
  return rows;
}

/** Same instant, whatever trailing zeros of the fraction a source prints. */
const sameTimestamp = (s: string): string => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

const COLUMNS = ['RESORT', 'BOOKING_NO', 'LINE_NO', 'ROOM_CODE', 'AMOUNT', 'CREATED_AT', 'STAY_DATE', 'CHECKIN', 'RATE', 'NOTE', 'PAYLOAD'];
const KEY = ['RESORT', 'BOOKING_NO', 'LINE_NO'];
/** Checksum over every column, with the types discovery reports (filled in by the discovery test). */
let checksumColumns: ChecksumColumn[] = [];

for (const h of harnesses) {
  const suite = h.skipReason ? describe.skip : describe;
  suite(h.skipReason ?? `${h.name} source connector contract`, () => {
    const schema = `FACTORY_CONTRACT_${process.pid}`;
    const table = 'BOOKING_LINE';
    const ref: SourceTableRef = { schema, table };
    const rows = Array.from({ length: TOTAL }, (_, k) => makeRow(k + 1));
    const byKey = new Map(rows.map((r) => [`${r.resort}|${r.bookingNo}|${r.lineNo}`, r]));
    let source: SourceConnector;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'source-contract-'));
      const admin = await h.admin();
      try {
        for (const sql of h.dropSchema(schema, table)) await admin.exec(sql).catch(() => undefined);
        await admin.exec(`CREATE SCHEMA "${schema}"`);
        await admin.exec(`CREATE TABLE "${schema}"."${table}" (
          "RESORT" CHAR(3) NOT NULL, "BOOKING_NO" INTEGER NOT NULL, "LINE_NO" SMALLINT NOT NULL,
          "ROOM_CODE" CHAR(6) NOT NULL, "AMOUNT" DECIMAL(31,8), "CREATED_AT" TIMESTAMP(6) NOT NULL,
          "STAY_DATE" DATE NOT NULL, "CHECKIN" TIME NOT NULL, "RATE" DOUBLE PRECISION NOT NULL,
          "NOTE" VARCHAR(200), "PAYLOAD" ${h.binaryType},
          PRIMARY KEY ("RESORT", "BOOKING_NO", "LINE_NO"), CONSTRAINT "UQ_BOOKING_NO" UNIQUE ("BOOKING_NO"))`);
        for (let start = 0; start < rows.length; start += 50) {
          const values = rows.slice(start, start + 50).map((r) => `(${[
            sqlText(r.resort), r.bookingNo, r.lineNo, sqlText(r.roomCode), r.amount ?? 'NULL', sqlText(r.createdAt),
            sqlText(r.stayDate), sqlText(r.checkin), String(r.rate), sqlText(r.note),
            r.payloadHex === null ? 'NULL' : h.binaryLiteral(r.payloadHex),
          ].join(', ')})`);
          await admin.exec(`INSERT INTO "${schema}"."${table}" VALUES ${values.join(', ')}`);
        }
      } finally {
        await admin.close();
      }
      source = h.connect();
    });

    afterAll(async () => {
      await source?.close();
      const admin = await h.admin();
      try {
        for (const sql of h.dropSchema(schema, table)) await admin.exec(sql);
      } finally {
        await admin.close();
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('discovers columns, types, nullability and keys', async () => {
      const d = await source.discover(ref);
      checksumColumns = d.columns.map((c) => ({ name: c.name, type: c.type }));
      expect(d.ref).toEqual(ref);
      expect(d.columns.map((c) => c.name)).toEqual(COLUMNS);
      const spelled = Object.fromEntries(d.columns.map((c) => [c.name, c.typeText]));
      expect(spelled).toMatchObject({
        RESORT: 'CHAR(3)', BOOKING_NO: 'INTEGER', LINE_NO: 'SMALLINT', ROOM_CODE: 'CHAR(6)', AMOUNT: 'DECIMAL(31,8)',
        CREATED_AT: 'TIMESTAMP(6)', STAY_DATE: 'DATE', CHECKIN: 'TIME', RATE: 'DOUBLE', NOTE: 'VARCHAR(200)',
      });
      expect(d.columns.find((c) => c.name === 'PAYLOAD')?.type.kind).toBe('BLOB');
      expect(d.columns.filter((c) => c.nullable).map((c) => c.name)).toEqual(['AMOUNT', 'NOTE', 'PAYLOAD']);
      expect(d.primaryKey).toEqual(KEY);
      expect(d.uniqueKeys).toEqual([['BOOKING_NO']]);
      expect(d.approxRows).toBeGreaterThanOrEqual(0);
    });

    it('refuses a table that does not exist, naming it, with a permanent error', async () => {
      const missing = source.discover({ schema, table: 'NO_SUCH_TABLE' });
      await expect(missing).rejects.toThrow(/NO_SUCH_TABLE/);
      await expect(missing).rejects.toBeInstanceOf(TableNotFoundError);
    });

    it('counts all rows', async () => {
      expect(await source.countRows({ ref, key: KEY })).toBe(TOTAL);
    });

    let chunks: ChunkBounds[] = [];

    it('plans chunks that cover the key space without gaps or overlap', async () => {
      chunks = await source.planChunks({ ref, key: KEY, chunkRows: 37 });
      expect(chunks.length).toBe(Math.floor(TOTAL / 37) + 1);
      expectChained(chunks);
      const counts = await Promise.all(chunks.map((bounds) => source.countRows({ ref, key: KEY, bounds })));
      expect(counts.slice(0, -1).every((n) => n === 37)).toBe(true);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(TOTAL);
      const single = await source.planChunks({ ref, key: KEY, chunkRows: TOTAL * 2 });
      expect(single).toEqual([{ index: 0, lower: null, upper: null }]);
    });

    it.skipIf(!h.sampledPlan)('plans a large table from a key sample: chunks still cover every key once', async () => {
      const admin = await h.admin();
      await admin.exec(h.sampledPlan!.analyze(schema, table)).finally(() => admin.close());
      const sampling = h.sampledPlan!.connect();
      try {
        // 7 chunks of a 250-row table ask for 7,000 sampled keys: the sample is the whole table.
        const planned = await sampling.planChunks({ ref, key: KEY, chunkRows: 37 });
        expect(planned.length).toBe(7);
        expectChained(planned);
        const counts = await Promise.all(planned.map((bounds) => sampling.countRows({ ref, key: KEY, bounds })));
        expect(counts).toEqual([36, 36, 36, 36, 36, 35, 35]);
      } finally {
        await sampling.close();
      }
    });

    it('exports every row exactly once, in the staged CSV format', async () => {
      const seen = new Set<string>();
      let progressCalls = 0;
      let chunkChecksums = '0';
      for (const bounds of chunks) {
        const file = join(dir, `chunk-${bounds.index}.csv`);
        const result = await source.exportChunk({ ref, columns: COLUMNS, key: KEY, bounds, file, checksumColumns }, () => { progressCalls++; });
        chunkChecksums = addChecksums(chunkChecksums, result.checksum);
        const text = await readFile(file, 'utf8');
        expect(result.bytes).toBe(Buffer.byteLength(text));
        const records = parseCsv(text);
        expect(result.rows).toBe(records.length);
        for (const f of records) {
          expect(f).toHaveLength(COLUMNS.length);
          const k = `${f[0]}|${f[1]}|${f[2]}`;
          expect(seen.has(k), `row ${k} exported twice`).toBe(false);
          seen.add(k);
          const r = byKey.get(k);
          expect(r, `unexpected row ${k}`).toBeDefined();
          expect(f[3]).toBe(r!.roomCode.padEnd(6, ' '));
          expect(f[4]).toBe(r!.amount);
          expect(sameTimestamp(f[5]!)).toBe(sameTimestamp(r!.createdAt));
          expect(f[6]).toBe(r!.stayDate);
          expect(f[7]).toBe(r!.checkin);
          expect(Number(f[8])).toBe(r!.rate);
          expect(f[9]).toBe(r!.note);
          expect(f[10]).toBe(r!.payloadHex === null ? null : `\\x${r!.payloadHex}`);
        }
      }
      expect(seen.size).toBe(TOTAL);
      expect(progressCalls).toBeGreaterThanOrEqual(chunks.length);
      // Chunk checksums add up to the checksum of the whole table read at once.
      const whole = await source.exportChunk({ ref, columns: COLUMNS, key: KEY, bounds: { index: 0, lower: null, upper: null }, file: join(dir, 'whole.csv'), checksumColumns });
      expect(whole.rows).toBe(TOTAL);
      expect(chunkChecksums).toBe(whole.checksum);
      expect(whole.checksum).not.toBe('0');
      await rm(join(dir, 'whole.csv'));
      expect((await readdir(dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
    });

    it('refuses an unknown column, naming it, and leaves no partial file', async () => {
      const file = join(dir, 'bad.csv');
      const exported = source.exportChunk({ ref, columns: ['RESORT', 'NO_SUCH_COLUMN'], key: KEY, bounds: { index: 0, lower: null, upper: null }, file, checksumColumns });
      await expect(exported).rejects.toThrow(/NO_SUCH_COLUMN/);
      await expect(exported).rejects.toBeInstanceOf(ContractDriftError);
      expect((await readdir(dir)).filter((f) => f.startsWith('bad.csv'))).toEqual([]);
    });

    it('fails an export the database rejects, leaves no partial file, and keeps working', async () => {
      const file = join(dir, 'rejected.csv');
      const bounds = { index: 3, lower: ['ALP', 'not-a-number', 1], upper: null };
      await expect(source.exportChunk({ ref, columns: COLUMNS, key: KEY, bounds, file, checksumColumns })).rejects.toThrow(/chunk 3/);
      expect((await readdir(dir)).filter((f) => f.startsWith('rejected.csv'))).toEqual([]);
      expect(await source.countRows({ ref, key: KEY })).toBe(TOTAL);
    });

    it('reports the change-stream position', async () => {
      const position = await source.currentPosition();
      expect(position).toMatch(h.position);
    });
  });
}
