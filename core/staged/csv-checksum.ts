import { COLUMN_SEPARATOR, NULL_MARKER, RowHashSum } from '../checksum.js';
import { hashRecords, loadBlock, takeSums } from './staged-csv-hash.js';

/**
 * The content checksum (core/checksum.ts) of staged CSV records whose every field already is its
 * column's canonical text, computed from the bytes as they are staged. The PostgreSQL source uses
 * it when the COPY writes every exported column as its canonical text (copiesCanonicalText in
 * connectors/postgres/types.ts): PostgreSQL then writes each value once, for the COPY, instead of a
 * second time for a checksum query. The warehouse still renders and hashes the values it loaded on
 * its own: a field read one way here and another way there makes the two checksums differ.
 *
 * Fed block by block (a record may span blocks); counts the records too. A record without a quote
 * or an empty field is hashed as it is, its commas read as the column separator; otherwise its
 * quoted fields are unquoted first and an empty unquoted field, NULL in the staged format, is hashed
 * as the NULL marker. Both in WebAssembly (core/staged/staged-csv-hash.ts); fieldByField below reads
 * the records it leaves: one the block ends inside, a malformed one, one longer than 128 kB.
 */
export class StagedCsvChecksum {
  private readonly sum = new RowHashSum();
  private carry: Buffer | undefined;
  /** Scratch for a record's canonical text, grown as needed. */
  private text = Buffer.alloc(1024);

  push(block: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, block]) : block;
    this.carry = undefined;
    loadBlock(data);
    let p = 0;
    while (p < data.length) {
      // Hashed in WebAssembly up to a record the block ends inside, a very long or a malformed one:
      // the same reading here carries, hashes or names it.
      p = hashRecords(p, data.length);
      if (p >= data.length) break;
      const next = this.fieldByField(data, p);
      if (next < 0) break;
      p = next;
    }
    this.sum.addSums(takeSums());
    if (p < data.length) this.carry = Buffer.from(data.subarray(p));
  }

  /** Records counted so far. */
  get records(): number {
    return this.sum.rows;
  }

  /** The record count and the checksum as decimal text; throws when the data ended inside a record. */
  finish(): { records: number; checksum: string } {
    if (this.carry) throw new Error(`staged CSV ends inside a record after ${this.records} records (${this.carry.length} bytes without a line end)`);
    return { records: this.records, checksum: this.sum.total() };
  }

  /**
   * The record from `start` read field by field (quoted fields unquoted, empty unquoted ones as the
   * NULL marker) into its canonical text, and hashed; the index after its line end, or -1 when the
   * data ends first.
   */
  private fieldByField(data: Buffer, start: number): number {
    let n = 0;
    let p = start;
    for (;;) {
      if (p >= data.length) return -1;
      const first = data[p];
      if (first === QUOTE) {
        for (p++; ;) {
          const quote = data.indexOf(QUOTE, p);
          if (quote < 0 || quote + 1 >= data.length) return -1;
          n = this.append(data, p, quote, n);
          p = quote + 1;
          if (data[p] !== QUOTE) break;
          // A doubled quote is one quote of the value.
          n = this.append(data, quote, p, n);
          p++;
        }
      } else if (first === COMMA || first === NEWLINE) {
        n = this.append(NULL_BYTES, 0, NULL_BYTES.length, n);
      } else {
        let end = p;
        while (end < data.length && data[end] !== COMMA && data[end] !== NEWLINE) end++;
        if (end >= data.length) return -1;
        n = this.append(data, p, end, n);
        p = end;
      }
      const after = data[p];
      if (after === NEWLINE) break;
      if (after !== COMMA) throw new Error(`staged CSV record ${this.records + 1}: expected ',' or a line end after a quoted field, got byte ${after}`);
      n = this.append(SEPARATOR_BYTES, 0, 1, n);
      p++;
    }
    this.sum.addBytes(this.text, 0, n);
    return p + 1;
  }

  /** Copies bytes[from, to) into the record's text at `n`, growing it as needed; the new length. */
  private append(bytes: Uint8Array, from: number, to: number, n: number): number {
    const length = n + to - from;
    if (length > this.text.length) {
      const grown = Buffer.alloc(Math.max(length, this.text.length * 2));
      this.text.copy(grown, 0, 0, n);
      this.text = grown;
    }
    const text = this.text;
    for (let i = from, j = n; i < to; i++, j++) text[j] = bytes[i]!;
    return length;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const NULL_BYTES = Buffer.from(NULL_MARKER, 'latin1');
const SEPARATOR_BYTES = Buffer.from(COLUMN_SEPARATOR, 'latin1');
