import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChecksums, canonicalRowText, checksumColumnsOf, checksumSelectList, rowHash } from '../../core/checksum.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

/**
 * The same awkward rows in PostgreSQL and, via a staged CSV made by PostgreSQL's COPY, in DuckDB:
 * the content checksum must agree across engines and with the JS canonical text.
 */

const sourceUrl = process.env.FACTORY_SOURCE_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_source';
const schema = `wh_checksum_${process.pid}`;

const table: TableContract = tableSchema.parse({
  name: 'booking_line',
  description: 'Booking lines with every awkward type',
  source: { system: 'pg', schema: 'RES', table: 'BOOKING_LINE' },
  primaryKey: ['RESORT', 'BOOKING_ID', 'LINE_NO'],
  columns: [
    { name: 'RESORT', type: 'CHAR(4)' },
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'LINE_NO', type: 'SMALLINT' },
    { name: 'ROOM', type: 'CHAR(6)', padding: 'trim', nullable: true },
    { name: 'GUEST', type: 'VARCHAR(80)', nullable: true },
    { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
    { name: 'PRICE', type: 'DECIMAL(9,2)', nullable: true },
    { name: 'ARRIVAL', type: 'DATE', nullable: true },
    { name: 'CHECKIN', type: 'TIME', nullable: true },
    { name: 'CREATED_AT', type: 'TIMESTAMP(6)', nullable: true },
    { name: 'PAID', type: 'BOOLEAN', nullable: true },
    { name: 'RATE', type: 'DOUBLE', nullable: true },
    { name: 'RATIO', type: 'REAL', nullable: true },
    { name: 'DOC', type: 'BLOB(1000)', nullable: true },
  ],
});

const ddl = `CREATE TABLE ${schema}.booking_line ("RESORT" char(4), "BOOKING_ID" bigint, "LINE_NO" smallint, "ROOM" char(6),
  "GUEST" varchar(80), "AMOUNT" numeric(31,8), "PRICE" numeric(9,2), "ARRIVAL" date, "CHECKIN" time, "CREATED_AT" timestamp(6),
  "PAID" boolean, "RATE" double precision, "RATIO" real, "DOC" bytea, PRIMARY KEY ("RESORT", "BOOKING_ID", "LINE_NO"))`;

const awkward: unknown[][] = [
  ['ALP', 1, 1, 'A1', 'Zoë Ñandú 北京 Ελλάδα', '12345678901234567890123.12345678', '19.90', '2024-02-29', '07:05:09', '2024-02-29 07:05:09.000123', true, 0.1, 3.14159, Buffer.from([0, 255, 16])],
  ['ALP', 1, 2, '', '', '-0.5', '-0.01', '0001-01-01', '00:00:00', '1999-12-31 23:59:59.999999', false, -0, 0.1, Buffer.alloc(0)],
  ['ALP', 2, 1, null, null, null, null, null, null, null, null, null, null, null],
  ['SKI', 1, 1, 'B 2', 'say "hi", then\nnew line, \\N and\ttab', '0', '0', '9999-12-31', '23:59:59.5', '2000-01-01 00:00:00', true, 1e300, -1.5e-7, Buffer.from('\\x41', 'latin1')],
  ['SKI', 1, 2, 'C', '\\N', '99999999999999999999999.99999999', '9999999.99', '2024-01-01', '12:00:00', '2024-01-01 12:00:00.5', false, 'NaN', 'Infinity', null],
  ['SKI', 2, 1, 'D', ' lead and trail ', '-99999999999999999999999.99999999', '1', '1970-01-01', '01:02:03', '1970-01-01 00:00:00.000001', null, 5e-324, '-Infinity', Buffer.from('€', 'utf8')],
];

describe('content checksum: PostgreSQL vs DuckDB vs JS', () => {
  let client: pg.Client;
  let dir: string;
  let wh: DuckDbWarehouse;
  const columns = checksumColumnsOf(table);
  const pgChecksum = async (): Promise<{ rows: number; checksum: string }> => {
    const r = await client.query(`SELECT ${checksumSelectList('postgres', columns)} FROM ${schema}.booking_line`);
    return { rows: Number(r.rows[0].row_count), checksum: String(r.rows[0].checksum) };
  };

  beforeAll(async () => {
    client = new pg.Client({ connectionString: sourceUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(ddl);
    for (const row of awkward) {
      await client.query(`INSERT INTO ${schema}.booking_line VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
    }
    // Volume with varied decimals, fractions and floats, so the renderings are exercised beyond hand-picked rows.
    await client.query(`INSERT INTO ${schema}.booking_line SELECT 'GEN', i, 1, 'R' || (i % 97), 'guest ' || i,
      (i * 1234567.89012345)::numeric(31,8), (i % 1000) / 7.0, date '2000-01-01' + i, time '00:00:00' + i * interval '1.000001 second',
      timestamp '2020-01-01' + i * interval '1 second 123457 microseconds', i % 3 = 0, i / 7.0, (i / 3.0)::real,
      decode(md5(i::text), 'hex') FROM generate_series(1, 3000) i`);
    dir = mkdtempSync(join(tmpdir(), 'factory-cksum-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'wh.duckdb') });
  });

  afterAll(async () => {
    await wh?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client?.end();
  });

  it('gives the same checksum in PostgreSQL and in DuckDB after a staged-CSV load, and moves when one value changes', async () => {
    await client.query(`SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; SET bytea_output = 'hex'`);
    const staged = join(dir, 'chunk-0.csv');
    const list = table.columns.map((c) => `"${c.name}"`).join(', ');
    await pipeline(client.query(copyTo(`COPY (SELECT ${list} FROM ${schema}.booking_line) TO STDOUT WITH (FORMAT csv)`)), createWriteStream(staged));

    const { loadTable } = await wh.prepareLoad({ domain: 'reservations', table, loadId: 'cksum' });
    const loaded = await wh.loadChunk({ loadTable, table, file: staged, chunkIndex: 0, lineage: { sourceSystem: 'pg', loadId: 'cksum', sourcePosition: '0/0' } });
    const source = await pgChecksum();
    expect(source.rows).toBe(awkward.length + 3000);
    expect(loaded.rows).toBe(source.rows);
    const warehouse = await wh.validateLoad({ loadTable, table });
    expect(warehouse).toEqual({ ...source, duplicateKeys: 0 });

    await client.query(`UPDATE ${schema}.booking_line SET "AMOUNT" = '12345678901234567890123.12345679' WHERE "BOOKING_ID" = 1 AND "LINE_NO" = 1 AND "RESORT" = 'ALP'`);
    const afterDigit = await pgChecksum();
    expect(afterDigit.checksum).not.toBe(source.checksum);
    await client.query(`UPDATE ${schema}.booking_line SET "GUEST" = '' WHERE "BOOKING_ID" = 2 AND "RESORT" = 'ALP'`);
    const afterNull = await pgChecksum();
    expect(afterNull.checksum).not.toBe(afterDigit.checksum);
  });

  it('computes the same checksum in JS from driver text values (the path for DB2)', async () => {
    const raw = new pg.Client({ connectionString: sourceUrl, types: { getTypeParser: () => (text: string) => text } });
    await raw.connect();
    try {
      const { rows } = await raw.query({ text: `SELECT * FROM ${schema}.booking_line`, rowMode: 'array' });
      const js = rows.reduce<string>((sum, r: unknown[]) => addChecksums(sum, rowHash(canonicalRowText(columns, r)).toString()), '0');
      expect(js).toBe((await pgChecksum()).checksum);
    } finally {
      await raw.end();
    }
  });
});
