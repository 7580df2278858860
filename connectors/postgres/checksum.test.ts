import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceUrl } from '../../test/support/postgres.js';
import { scratchSchema } from '../../test/support/scratch-schema.js';
import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { createPostgresSource } from './source.js';
import { plainTextColumns } from './types.js';

/**
 * The source's checksum hashes NOT NULL columns whose text output is already canonical as they are
 * (ChecksumColumn.plainText): it must equal the rendered one, the form every other engine is compared
 * with (connectors/duckdb/checksum-pg.test.ts).
 */

const schema = `src_plain_${process.pid}`;

describe('PostgreSQL source checksum of plain columns', () => {
  const scratch = scratchSchema(schema);

  it('hashes NOT NULL columns whose text output is canonical as they are, to the same checksum (also past 100 columns)', async () => {
    const plain: TableContract = tableSchema.parse({
      name: 'plain_line', description: 'NOT NULL columns of the plain types, one nullable, one rendered',
      source: { system: 'pg', schema: 'RES', table: 'PLAIN_LINE' }, primaryKey: ['ID'],
      columns: [
        { name: 'ID', type: 'BIGINT' }, { name: 'LINE_NO', type: 'SMALLINT' }, { name: 'RESORT', type: 'CHAR(4)' },
        { name: 'GUEST', type: 'VARCHAR(80)' }, { name: 'NOTE', type: 'CLOB(1048576)' }, { name: 'PRICE', type: 'DECIMAL(9,2)' },
        { name: 'ARRIVAL', type: 'DATE' }, { name: 'REMARK', type: 'VARCHAR(20)', nullable: true }, { name: 'CREATED_AT', type: 'TIMESTAMP(6)' },
      ],
    });
    await scratch.client.query(`CREATE TABLE ${schema}.plain_line ("ID" bigint PRIMARY KEY, "LINE_NO" smallint NOT NULL, "RESORT" char(4) NOT NULL,
      "GUEST" varchar(80) NOT NULL, "NOTE" text NOT NULL, "PRICE" numeric(9,2) NOT NULL, "ARRIVAL" date NOT NULL, "REMARK" varchar(20),
      "CREATED_AT" timestamp(6) NOT NULL)`);
    await scratch.client.query(`INSERT INTO ${schema}.plain_line VALUES
      (1, -1, 'A', 'Zoë "quoted", new
line', '', -0.5, '0001-01-01', NULL, '2024-02-29 07:05:09'),
      (2, 0, ' B', '\\N', E'tab\\there', 9999999.99, '9999-12-31', '', '1999-12-31 23:59:59.999999')`);
    await scratch.client.query(`INSERT INTO ${schema}.plain_line SELECT i, i % 300, 'R' || (i % 97), 'guest ' || i, repeat('n', i % 50), (i % 1000) / 7.0,
      date '2000-01-01' + i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'r' || i END, timestamp '2020-01-01' + i * interval '1 second 123457 microseconds'
      FROM generate_series(3, 3000) i`);
    const source = createPostgresSource({ url: sourceUrl, system: 'pg' });
    try {
      const plainColumns = checksumColumnsOf(plain);
      const { rows: catalog } = await scratch.client.query(`SELECT attname AS name, format_type(atttypid, atttypmod) AS formatted, NOT attnotnull AS nullable
        FROM pg_attribute WHERE attrelid = '${schema}.plain_line'::regclass AND attnum > 0`);
      expect(plainTextColumns(plainColumns, catalog).filter((c) => c.plainText).map((c) => c.name))
        .toEqual(['ID', 'LINE_NO', 'RESORT', 'GUEST', 'NOTE', 'PRICE', 'ARRIVAL']);
      const rendered = await scratch.client.query(`SELECT ${checksumSelectList('postgres', plainColumns)} FROM ${schema}.plain_line`);
      const viaSource = await source.tableChecksum({ ref: { schema, table: 'plain_line' }, checksumColumns: plainColumns });
      expect(viaSource).toEqual({ rows: 3000, checksum: String(rendered.rows[0].checksum) });

      // PostgreSQL passes at most 100 arguments to a function: a row of 120 plain columns is joined from groups.
      const wide = Array.from({ length: 120 }, (_, i) => ({ name: `C${i}`, type: 'INTEGER' }));
      await scratch.client.query(`CREATE TABLE ${schema}.wide_line (${wide.map((c) => `"${c.name}" integer NOT NULL`).join(', ')})`);
      await scratch.client.query(`INSERT INTO ${schema}.wide_line SELECT ${wide.map((_, i) => `g * ${i + 1}`).join(', ')} FROM generate_series(1, 10) g`);
      const wideColumns = checksumColumnsOf({ columns: wide });
      const wideRendered = await scratch.client.query(`SELECT ${checksumSelectList('postgres', wideColumns)} FROM ${schema}.wide_line`);
      expect(await source.tableChecksum({ ref: { schema, table: 'wide_line' }, checksumColumns: wideColumns }))
        .toEqual({ rows: 10, checksum: String(wideRendered.rows[0].checksum) });
    } finally {
      await source.close();
    }
  });

  it('takes an exported chunk\'s checksum from the COPY when every column\'s text is canonical, and renders it in SQL otherwise: the same checksum', async () => {
    const columns = [
      { name: 'ID', type: 'BIGINT' }, { name: 'RESORT', type: 'CHAR(4)' }, { name: 'GUEST', type: 'VARCHAR(80)' },
      { name: 'PRICE', type: 'DECIMAL(9,2)' }, { name: 'ARRIVAL', type: 'DATE' },
    ];
    await scratch.client.query(`CREATE TABLE ${schema}.export_line ("ID" bigint PRIMARY KEY, "RESORT" char(4) NOT NULL, "GUEST" varchar(80) NOT NULL,
      "PRICE" numeric(9,2) NOT NULL, "ARRIVAL" date NOT NULL, "REMARK" varchar(20), "BOOKED_AT" timestamp(6), "PAID_AT" timestamptz,
      "RATE" double precision)`);
    // Quotes, commas, line ends, the empty string, the unit separator and multi-byte text: what CSV quotes and what it does not.
    await scratch.client.query(`INSERT INTO ${schema}.export_line VALUES
      (1, 'A', 'Zoë "quoted", new
line', -0.5, '0001-01-01', NULL, NULL, NULL, NULL), (2, ' B', '', 9999999.99, '9999-12-31', '', '2024-02-29 07:05:09', '2024-02-29 23:30:00+02', 0.1),
      (3, 'C', E'unit\x1fsep\rreturn', 0, '2000-01-01', 'x', '2024-02-29 07:05:09.5', '1999-12-31 23:59:59.999999-05', -1e300),
      (4, 'D', 'ends with a quote"', 1, '2000-01-02', NULL, NULL, NULL, 'NaN')`);
    await scratch.client.query(`INSERT INTO ${schema}.export_line SELECT i, 'R' || (i % 97), repeat('guest, ', i % 10) || i, (i % 1000) / 7.0,
      date '2000-01-01' + i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'r' || i END, timestamp '2020-01-01' + i * interval '1 second 123457 microseconds',
      timestamptz '2020-01-01 00:00:00+01' + i * interval '1 second 5 microseconds', i / 3.0 FROM generate_series(5, 5000) i`);
    const source = createPostgresSource({ url: sourceUrl, system: 'pg' });
    const dir = await mkdtemp(join(tmpdir(), 'pg-export-checksum-'));
    try {
      const ref = { schema, table: 'export_line' };
      const bounds = { index: 0, lower: null, upper: null };
      const exportWith = async (cols: Array<{ name: string; type: string; nullable?: boolean }>, file: string) => {
        const checksumColumns = checksumColumnsOf({ columns: cols });
        const exported = await source.exportChunk({ ref, columns: cols.map((c) => c.name), key: ['ID'], bounds, file: join(dir, file), checksumColumns });
        const rendered = await scratch.client.query(`SELECT ${checksumSelectList('postgres', checksumColumns)} FROM ${schema}.export_line`);
        return { exported, rendered: { rows: Number(rendered.rows[0].row_count), checksum: String(rendered.rows[0].checksum) } };
      };
      // All five NOT NULL and plain: from the COPY.
      const plain = await exportWith(columns, 'plain.csv');
      expect({ rows: plain.exported.rows, checksum: plain.exported.checksum }).toEqual(plain.rendered);
      expect(plain.exported.rows).toBe(5000);
      expect((await readFile(join(dir, 'plain.csv'), 'utf8')).includes('"Zoë ""quoted"", new\nline"')).toBe(true);
      // A nullable column with NULLs and empty strings: from the COPY too (NULL is an empty unquoted field).
      const withNullable = await exportWith([...columns, { name: 'REMARK', type: 'VARCHAR(20)', nullable: true }], 'nullable.csv');
      expect({ rows: withNullable.exported.rows, checksum: withNullable.exported.checksum }).toEqual(withNullable.rendered);
      expect(withNullable.exported.checksum).not.toBe(plain.exported.checksum);
      // Timestamps (timestamptz as UTC) exported with all six fraction digits: from the COPY too.
      const withTimestamps = await exportWith([...columns, { name: 'BOOKED_AT', type: 'TIMESTAMP(6)', nullable: true },
        { name: 'PAID_AT', type: 'TIMESTAMP(6)', nullable: true }], 'timestamp.csv');
      expect({ rows: withTimestamps.exported.rows, checksum: withTimestamps.exported.checksum }).toEqual(withTimestamps.rendered);
      const staged = await readFile(join(dir, 'timestamp.csv'), 'utf8');
      expect(staged).toContain(',2024-02-29 07:05:09.000000,2024-02-29 21:30:00.000000\n');
      expect(staged).toContain(',2024-02-29 07:05:09.500000,2000-01-01 04:59:59.999999\n');
      // A double, whose text is not its canonical text: rendered in SQL, the same canon.
      const withDouble = await exportWith([...columns, { name: 'RATE', type: 'DOUBLE', nullable: true }], 'double.csv');
      expect({ rows: withDouble.exported.rows, checksum: withDouble.exported.checksum }).toEqual(withDouble.rendered);
    } finally {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
