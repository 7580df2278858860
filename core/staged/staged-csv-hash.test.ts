import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPlainRecords, loadBlock, takeSums } from './staged-csv-hash.js';

/** Where hashPlainRecords stops in `text`, and how many records it hashed before. */
function stop(text: string): { at: number; rows: number } {
  const block = Buffer.from(text);
  loadBlock(block);
  const at = hashPlainRecords(0, block.length);
  return { at, rows: takeSums().rows };
}

describe('hashPlainRecords', () => {
  it('hashes records up to the first that needs unquoting, wherever it is in the 16-byte scan', () => {
    const plain = 'a,b,c\n';
    expect(stop(plain.repeat(3))).toEqual({ at: 18, rows: 3 });
    for (let pad = 0; pad < 20; pad++) {
      const x = 'x'.repeat(pad);
      expect(stop(`${plain}${x},,y\n${plain}`), `empty field after ${pad} bytes`).toEqual({ at: 6, rows: 1 });
      expect(stop(`${plain}${x}"q",y\n${plain}`), `quote after ${pad} bytes`).toEqual({ at: 6, rows: 1 });
      expect(stop(`${plain}y${x},\n${plain}`), `trailing comma after ${pad} bytes`).toEqual({ at: 6, rows: 1 });
      expect(stop(`${plain}${x}y,${x}z\n${plain}`), `comma after ${pad} bytes`).toEqual({ at: 6 + 2 * pad + 4 + 6, rows: 3 });
    }
    expect(stop(`${plain},a\n`)).toEqual({ at: 6, rows: 1 });
    expect(stop(`${plain}\n${plain}`)).toEqual({ at: 6, rows: 1 });
  });

  it('stops at a record the block ends inside, and leaves a very long record to the caller', () => {
    expect(stop('a,b\nc,d')).toEqual({ at: 4, rows: 1 });
    expect(stop(`a,b\n${'x'.repeat(140_000)}\n`)).toEqual({ at: 4, rows: 1 });
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
        expect(hashPlainRecords(0, block.length)).toBe(block.length);
        const sums = takeSums();
        [sumHigh, sumLow, rows] = [sumHigh + sums.high, sumLow + sums.low, rows + sums.rows];
      }
      expect({ high: sumHigh, low: sumLow, rows }, `${take} records a block`).toEqual({ high, low, rows: records.length });
    }
  });

  it('sums the digests as RowHashSum reads them', () => {
    loadBlock(Buffer.from('a,b\n'));
    hashPlainRecords(0, 4);
    // md5('a\x1fb') = dde141cc 50d6118a…: its first 32 bits, and the next 28.
    const { high, low, rows } = takeSums();
    expect({ high: high.toString(16), low: low.toString(16), rows }).toEqual({ high: 'dde141cc', low: '50d6118', rows: 1 });
  });
});
