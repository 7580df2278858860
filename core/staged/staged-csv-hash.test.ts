import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRecords, loadBlock, takeSums } from './staged-csv-hash.js';

/** Where hashPlainRecords stops in `text`, and how many records it hashed before. */
function stop(text: string): { at: number; rows: number } {
  const block = Buffer.from(text);
  loadBlock(block);
  const at = hashRecords(0, block.length);
  return { at, rows: takeSums().rows };
}

describe('hashRecords', () => {
  it('hashes plain records and those with quotes or empty fields, wherever these fall in the 16-byte scan', () => {
    const plain = 'a,b,c\n';
    expect(stop(plain.repeat(3))).toEqual({ at: 18, rows: 3 });
    for (let pad = 0; pad < 20; pad++) {
      const x = 'x'.repeat(pad);
      for (const record of [`${x},,y\n`, `"${x}q,""r""",y\n`, `y${x},\n`, `,${x}y\n`, `${x}y,${x}z\n`, '\n', `"${x}\n,"\n`]) {
        const text = `${plain}${record}${plain}`;
        expect(stop(text), JSON.stringify(record)).toEqual({ at: Buffer.byteLength(text), rows: 3 });
      }
    }
  });

  it('stops at a record the block ends inside, a malformed one, and one whose text is longer than 128 kB', () => {
    expect(stop('a,b\nc,d')).toEqual({ at: 4, rows: 1 });
    expect(stop('a,b\n"c\nd",e')).toEqual({ at: 4, rows: 1 });
    expect(stop('a,b\n"c"')).toEqual({ at: 4, rows: 1 });
    expect(stop('a,b\n"c"d,e\nf\n')).toEqual({ at: 4, rows: 1 });
    expect(stop(`a,b\n${'x'.repeat(140_000)}\n`)).toEqual({ at: 4, rows: 1 });
    // Fifty thousand NULLs: 50,001 markers and their separators make 150 kB of text.
    expect(stop(`a,b\n${','.repeat(50_000)}\n`)).toEqual({ at: 4, rows: 1 });
  });

  it('hashes records of every length up to 12 blocks, four at a time or alone, like node:crypto', () => {
    // Records of 1–700 bytes (1–12 MD5 blocks); those of up to 8 blocks wait in 4-lane groups, the
    // rest are hashed alone; a take flushes groups with 1–3 records waiting.
    const records = Array.from({ length: 700 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => (j % 9 === 4 && j < i ? ',' : String.fromCharCode(97 + ((i + j) % 26)))).join(''));
    let [high, low] = [0n, 0n];
    for (const record of records) {
      const digest = createHash('md5').update(record.replaceAll(',', '\x1f')).digest();
      high += BigInt(digest.readUInt32BE(0));
      low += BigInt(digest.readUInt32BE(4) >>> 4);
    }
    for (const take of [700, 7, 1]) {
      let [sumHigh, sumLow, rows] = [0n, 0n, 0];
      for (let i = 0; i < records.length; i += take) {
        const block = Buffer.from(records.slice(i, i + take).map((r) => `${r}\n`).join(''));
        loadBlock(block);
        expect(hashRecords(0, block.length)).toBe(block.length);
        const sums = takeSums();
        [sumHigh, sumLow, rows] = [sumHigh + sums.high, sumLow + sums.low, rows + sums.rows];
      }
      expect({ high: sumHigh, low: sumLow, rows }, `${take} records a block`).toEqual({ high, low, rows: records.length });
    }
  });

  it('sums the digests as RowHashSum reads them', () => {
    loadBlock(Buffer.from('a,b\n'));
    hashRecords(0, 4);
    // md5('a\x1fb') = dde141cc 50d6118a…: its first 32 bits, and the next 28.
    const { high, low, rows } = takeSums();
    expect({ high: high.toString(16), low: low.toString(16), rows }).toEqual({ high: 'dde141cc', low: '50d6118', rows: 1 });
  });
});
