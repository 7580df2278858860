import { COLUMN_SEPARATOR, NULL_MARKER, RowHashSum } from '../checksum.js';

/**
 * The content checksum (core/checksum.ts) of staged CSV records whose every field already is its
 * column's canonical text, computed from the bytes as they are staged. The PostgreSQL source uses
 * it when the COPY writes every exported column as its canonical text (copiesCanonicalText in
 * connectors/postgres/types.ts): PostgreSQL then writes each value once, for the COPY, instead of a
 * second time for a checksum query. The warehouse still renders and hashes the values it loaded on
 * its own: a field read one way here and another way there makes the two checksums differ.
 *
 * Fed block by block (a record may span blocks); counts the records too. A record without a quote
 * is hashed as it is, its commas read as the column separator; a quoted field is unquoted first.
 * An empty unquoted field is NULL (the staged format), hashed as the NULL marker.
 */
export class StagedCsvChecksum {
  private readonly sum = new RowHashSum();
  private carry: Buffer | undefined;
  /** Scratch for a record's canonical text, grown as needed. */
  private text = Buffer.alloc(1024);

  push(block: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, block]) : block;
    this.carry = undefined;
    let p = 0;
    // The next quote and the next empty field: looked up again only once passed, so a block is
    // searched once for each, not once per record.
    let quote = data.indexOf(QUOTE);
    let empty = data.indexOf(EMPTY_FIELD);
    while (p < data.length) {
      const newline = data.indexOf(NEWLINE, p);
      if (quote >= 0 && quote < p) quote = data.indexOf(QUOTE, p);
      if (empty >= 0 && empty < p) empty = data.indexOf(EMPTY_FIELD, p);
      const end = newline < 0 ? data.length : newline;
      const plain = (quote < 0 || quote > end) && (empty < 0 || empty > end);
      if (plain && newline < 0) break;
      if (plain && newline > p && data[p] !== COMMA && data[newline - 1] !== COMMA) {
        this.sum.addBytes(data, p, newline, COMMA, SEPARATOR);
        p = newline + 1;
        continue;
      }
      const next = this.fieldByField(data, p);
      if (next < 0) break;
      p = next;
    }
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
const SEPARATOR = COLUMN_SEPARATOR.charCodeAt(0);
const NULL_BYTES = Buffer.from(NULL_MARKER, 'latin1');
const SEPARATOR_BYTES = Buffer.from(COLUMN_SEPARATOR, 'latin1');
const EMPTY_FIELD = Buffer.from(',,');
