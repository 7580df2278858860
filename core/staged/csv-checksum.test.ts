import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../../contracts/source-types.js';
import { canonicalRowText, rowHash, RowHashSum, type ChecksumColumn } from '../checksum.js';
import { md5Words } from '../md5.js';
import { formatCsvRow } from './csv.js';
import { StagedCsvChecksum } from './csv-checksum.js';

const columns: ChecksumColumn[] = [
  { name: 'ID', type: parseSourceType('BIGINT') },
  { name: 'RESORT', type: parseSourceType('CHAR(4)') },
  { name: 'GUEST', type: parseSourceType('VARCHAR(80)') },
  { name: 'PRICE', type: parseSourceType('DECIMAL(9,2)') },
  { name: 'ARRIVAL', type: parseSourceType('DATE') },
];
const types = columns.map((c) => c.type);

/** Rows whose every value is already its canonical text, with what CSV quotes and what it does not. */
const rows: unknown[][] = [
  ['1', 'ALP ', 'Zoë "quoted", with comma', '-0.50', '2024-02-29'],
  ['2', ' B  ', 'new\nline and \r return', '9999999.99', '0001-01-01'],
  ['3', 'SEA2', '', '0.00', '9999-12-31'],
  ['4', 'MTN ', 'unit\x1fseparator, tab\there', '12.30', '2000-01-01'],
  ['5', 'LK4 ', 'ends with a quote"', '1.00', '2000-01-02'],
  ['6', 'ALP ', null, '2.00', '2000-01-03'],
  [null, null, null, null, null],
  ['8', 'x'.repeat(4), '北京 Ελλάδα Ñandú '.repeat(9), '3.00', '2000-01-04'],
  ...Array.from({ length: 40 }, (_, i) => [String(100 + i), 'R' + String(i % 97).padEnd(3), 'guest '.repeat(i % 12) + i, `${i}.25`, '2001-01-01']),
];

const csv = Buffer.from(rows.map((r) => formatCsvRow(types, r)).join(''));
const expected = rows.reduce<bigint>((sum, r) => sum + rowHash(canonicalRowText(columns, r)), 0n).toString();

describe('md5Words', () => {
  it('matches node:crypto for every length around the block edges, and with a byte read as another', () => {
    // Commas in every position of a word, and bytes that differ from a comma in one bit.
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? 44 : i % 7 === 0 ? 45 : (i * 7 + 13) % 256)));
    const hex = (words: Int32Array): string => Buffer.from(Int32Array.from(words).buffer).toString('hex');
    const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
    for (let length = 0; length <= 290; length++) {
      const range = bytes.subarray(3, 3 + length);
      expect(hex(md5Words(bytes, 3, 3 + length)), `length ${length}`).toBe(md5(range));
      expect(hex(md5Words(bytes, 3, 3 + length, 44, 31)), `length ${length}, commas as 31`).toBe(md5(range.map((b) => (b === 44 ? 31 : b))));
    }
  });
});

describe('StagedCsvChecksum', () => {
  it('gives the checksum of the canonical rows, with quoted fields, NULLs and the empty string', () => {
    const checksum = new StagedCsvChecksum();
    checksum.push(csv);
    expect(checksum.finish()).toEqual({ records: rows.length, checksum: expected });
  });

  it('gives the same wherever the blocks split the records', () => {
    for (let split = 0; split <= csv.length; split += 1) {
      const checksum = new StagedCsvChecksum();
      checksum.push(csv.subarray(0, split));
      checksum.push(csv.subarray(split));
      expect(checksum.finish(), `split at ${split}`).toEqual({ records: rows.length, checksum: expected });
    }
    const byteByByte = new StagedCsvChecksum();
    for (let i = 0; i < csv.length; i++) byteByByte.push(csv.subarray(i, i + 1));
    expect(byteByByte.finish()).toEqual({ records: rows.length, checksum: expected });
  });

  it('gives the checksum of rows with empty fields, quotes and lengths at every alignment, in blocks of any size', () => {
    // The plain records are scanned 16 bytes at a time: two adjacent commas (a NULL) or a quote at
    // any offset of those 16, and records of 0 to ~300 bytes, in blocks of 1 to ~2,000 bytes.
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const text = (): string | null => {
      const kind = random(20);
      if (kind === 0) return null;
      if (kind === 1) return '';
      const chars = kind === 2 ? 'ab"c,\n' : 'abcdefghij0123456789 .-';
      return Array.from({ length: random(kind === 3 ? 120 : 30) }, () => chars[random(chars.length)]).join('');
    };
    const mixed = Array.from({ length: 3000 }, (_, i) => [String(i), 'R'.padEnd(4, String(random(10))), text(), text() === null ? null : `${random(999)}.${random(90) + 10}`, '2024-01-01']);
    const data = Buffer.from(mixed.map((r) => formatCsvRow(types, r)).join(''));
    const sum = mixed.reduce<bigint>((total, r) => total + rowHash(canonicalRowText(columns, r)), 0n).toString();
    const checksum = new StagedCsvChecksum();
    for (let p = 0; p < data.length;) {
      const size = 1 + random(2000);
      checksum.push(data.subarray(p, p + size));
      p += size;
    }
    expect(checksum.finish()).toEqual({ records: mixed.length, checksum: sum });
  });

  it('hashes a record longer than the WebAssembly scratch space like any other', () => {
    const long = [['1', 'ALP ', 'x'.repeat(200_000), '1.00', '2024-01-01'], ['2', 'ALP ', 'y', '2.00', '2024-01-02'],
      ['3', 'ALP ', '"quoted", '.repeat(20_000), '3.00', '2024-01-03']];
    const checksum = new StagedCsvChecksum();
    checksum.push(Buffer.from(long.map((r) => formatCsvRow(types, r)).join('')));
    const sum = long.reduce<bigint>((total, r) => total + rowHash(canonicalRowText(columns, r)), 0n).toString();
    expect(checksum.finish()).toEqual({ records: 3, checksum: sum });
  });

  it('adds past 2^53 exactly (a million rows and more)', () => {
    const line = Buffer.from('1,ALP ,guest,1.00,2024-01-01\n');
    const many = 1_100_000;
    const checksum = new StagedCsvChecksum();
    checksum.push(Buffer.concat(Array.from({ length: many }, () => line)));
    const one = rowHash(canonicalRowText(columns, ['1', 'ALP ', 'guest', '1.00', '2024-01-01']));
    expect(checksum.finish()).toEqual({ records: many, checksum: (one * BigInt(many)).toString() });
  });

  it('refuses data that ends inside a record, and a quoted field followed by anything but a comma or line end', () => {
    const cut = new StagedCsvChecksum();
    cut.push(csv.subarray(0, csv.length - 1));
    expect(() => cut.finish()).toThrow(`staged CSV ends inside a record after ${rows.length - 1} records`);
    const bad = new StagedCsvChecksum();
    expect(() => bad.push(Buffer.from('1,"a"b,c\n'))).toThrow("staged CSV record 1: expected ',' or a line end after a quoted field, got byte 98");
  });
});

describe('RowHashSum', () => {
  it('sums rowHash of each row exactly, past 2^53 and across its BigInt moves', () => {
    const texts = Array.from({ length: 2 ** 20 + 5 }, (_, i) => `row ${i % 1000}\x1fZoë ${i % 7}`);
    const sum = new RowHashSum();
    for (const text of texts) sum.addText(text);
    const byRow = new Map<string, bigint>();
    const expected = texts.reduce((total, text) => {
      let hash = byRow.get(text);
      if (hash === undefined) byRow.set(text, (hash = rowHash(text)));
      return total + hash;
    }, 0n);
    expect(sum.rows).toBe(texts.length);
    expect(sum.total()).toBe(expected.toString());
    expect(new RowHashSum().total()).toBe('0');
  });
});
