// AssemblyScript, compiled by `npm run build:wasm` into core/staged/staged-csv-hash.wasm.ts (the
// module's bytes as base64, committed; scripts/build-wasm.test.ts checks they are this file's build).
//
// The PostgreSQL source's chunk checksum (core/staged/csv-checksum.ts): the MD5 of each staged CSV
// record, commas read as the checksum's column separator, summed as core/canonical-text.ts RowHashSum
// sums a digest. In WebAssembly it takes half the CPU of the same loop in JavaScript (3M 146-byte
// records: 1.1 s against 2.0 s), most of it the 64 MD5 steps per block.
//
// Memory: the caller writes a block of records at INPUT; a record is copied to SCRATCH, with its
// separators and the MD5 padding, before it is hashed.

/** Where the caller writes the records; everything below belongs to this module. */
export const INPUT: usize = 196608;
const SCRATCH: usize = 65536;
/** Longer records are left to the caller. */
const LONGEST: usize = 131072 - 128;

const NEWLINE: u8 = 10;
const QUOTE: u8 = 34;
const COMMA: u8 = 44;
const SEPARATOR: u8 = 31;

// The sums since the last take: the digest's first 32 bits and its next 28 (big-endian), and the count.
let high: u64 = 0;
let low: u64 = 0;
let rows: u32 = 0;

/**
 * Hashes the records of [start, end) that need no unquoting — no quote, no empty field — from the
 * first one on. Returns where it stopped: `end`, a record it leaves to the caller (one with a quote
 * or an empty field, an empty or a very long one), or a record the data ends inside.
 */
export function hashPlainRecords(start: usize, end: usize): usize {
  const newline = i8x16.splat(NEWLINE);
  const quote = i8x16.splat(QUOTE);
  const comma = i8x16.splat(COMMA);
  let p = start;
  while (p < end) {
    // Sixteen bytes at a time: the line end, and whether a quote or two adjacent commas come first.
    let q = p;
    let lineEnd: usize = 0;
    let commaBefore: u32 = 0;
    while (q < end) {
      const v = v128.load(q);
      const left = end - q;
      const inData: u32 = left >= 16 ? 0xffff : (1 << (left as u32)) - 1;
      const lines = i8x16.bitmask(i8x16.eq(v, newline)) & inData;
      const inRecord = lines != 0 ? (lines & -lines) - 1 : inData;
      const quotes = i8x16.bitmask(i8x16.eq(v, quote)) & inRecord;
      const commas = i8x16.bitmask(i8x16.eq(v, comma)) & inRecord;
      if (quotes != 0 || (commas & ((commas << 1) | commaBefore)) != 0) return p;
      if (lines != 0) {
        lineEnd = q + ctz<u32>(lines);
        break;
      }
      commaBefore = commas >> 15;
      q += 16;
    }
    if (lineEnd == 0) return p;
    const n = lineEnd - p;
    if (n == 0 || n > LONGEST || load<u8>(p) == COMMA || load<u8>(lineEnd - 1) == COMMA) return p;
    hashRecord(p, n);
    p = lineEnd + 1;
  }
  return p;
}

/** The sums since the last take (each take resets it). */
export function takeHigh(): u64 { const v = high; high = 0; return v; }
export function takeLow(): u64 { const v = low; low = 0; return v; }
export function takeRows(): u32 { const v = rows; rows = 0; return v; }

/** MD5 of bytes[p, p + n) with its commas read as the separator; adds the digest to the sums. */
function hashRecord(p: usize, n: usize): void {
  const comma = i8x16.splat(COMMA);
  const separator = i8x16.splat(SEPARATOR);
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(p + i);
    v128.store(SCRATCH + i, v128.bitselect(separator, v, i8x16.eq(v, comma)));
  }
  for (; i < n; i++) {
    const b = load<u8>(p + i);
    store<u8>(SCRATCH + i, b == COMMA ? SEPARATOR : b);
  }
  // RFC 1321 padding: 0x80, zeros, the bit length (little-endian) closing the last block.
  const blocks = ((n + 8) >> 6) + 1;
  store<u8>(SCRATCH + n, 0x80);
  memory.fill(SCRATCH + n + 1, 0, blocks * 64 - 8 - n - 1);
  store<u64>(SCRATCH + blocks * 64 - 8, (n as u64) << 3);
  let h0: u32 = 0x67452301, h1: u32 = 0xefcdab89, h2: u32 = 0x98badcfe, h3: u32 = 0x10325476;
  for (let k: usize = 0; k < blocks; k++) {
    const block = SCRATCH + k * 64;
    const x0 = load<u32>(block, 0), x1 = load<u32>(block, 4), x2 = load<u32>(block, 8), x3 = load<u32>(block, 12);
    const x4 = load<u32>(block, 16), x5 = load<u32>(block, 20), x6 = load<u32>(block, 24), x7 = load<u32>(block, 28);
    const x8 = load<u32>(block, 32), x9 = load<u32>(block, 36), x10 = load<u32>(block, 40), x11 = load<u32>(block, 44);
    const x12 = load<u32>(block, 48), x13 = load<u32>(block, 52), x14 = load<u32>(block, 56), x15 = load<u32>(block, 60);
    let a = h0, b = h1, c = h2, d = h3;
    a = ff(a, b, c, d, x0, 7, 0xd76aa478);
    d = ff(d, a, b, c, x1, 12, 0xe8c7b756);
    c = ff(c, d, a, b, x2, 17, 0x242070db);
    b = ff(b, c, d, a, x3, 22, 0xc1bdceee);
    a = ff(a, b, c, d, x4, 7, 0xf57c0faf);
    d = ff(d, a, b, c, x5, 12, 0x4787c62a);
    c = ff(c, d, a, b, x6, 17, 0xa8304613);
    b = ff(b, c, d, a, x7, 22, 0xfd469501);
    a = ff(a, b, c, d, x8, 7, 0x698098d8);
    d = ff(d, a, b, c, x9, 12, 0x8b44f7af);
    c = ff(c, d, a, b, x10, 17, 0xffff5bb1);
    b = ff(b, c, d, a, x11, 22, 0x895cd7be);
    a = ff(a, b, c, d, x12, 7, 0x6b901122);
    d = ff(d, a, b, c, x13, 12, 0xfd987193);
    c = ff(c, d, a, b, x14, 17, 0xa679438e);
    b = ff(b, c, d, a, x15, 22, 0x49b40821);
    a = gg(a, b, c, d, x1, 5, 0xf61e2562);
    d = gg(d, a, b, c, x6, 9, 0xc040b340);
    c = gg(c, d, a, b, x11, 14, 0x265e5a51);
    b = gg(b, c, d, a, x0, 20, 0xe9b6c7aa);
    a = gg(a, b, c, d, x5, 5, 0xd62f105d);
    d = gg(d, a, b, c, x10, 9, 0x02441453);
    c = gg(c, d, a, b, x15, 14, 0xd8a1e681);
    b = gg(b, c, d, a, x4, 20, 0xe7d3fbc8);
    a = gg(a, b, c, d, x9, 5, 0x21e1cde6);
    d = gg(d, a, b, c, x14, 9, 0xc33707d6);
    c = gg(c, d, a, b, x3, 14, 0xf4d50d87);
    b = gg(b, c, d, a, x8, 20, 0x455a14ed);
    a = gg(a, b, c, d, x13, 5, 0xa9e3e905);
    d = gg(d, a, b, c, x2, 9, 0xfcefa3f8);
    c = gg(c, d, a, b, x7, 14, 0x676f02d9);
    b = gg(b, c, d, a, x12, 20, 0x8d2a4c8a);
    a = hh(a, b, c, d, x5, 4, 0xfffa3942);
    d = hh(d, a, b, c, x8, 11, 0x8771f681);
    c = hh(c, d, a, b, x11, 16, 0x6d9d6122);
    b = hh(b, c, d, a, x14, 23, 0xfde5380c);
    a = hh(a, b, c, d, x1, 4, 0xa4beea44);
    d = hh(d, a, b, c, x4, 11, 0x4bdecfa9);
    c = hh(c, d, a, b, x7, 16, 0xf6bb4b60);
    b = hh(b, c, d, a, x10, 23, 0xbebfbc70);
    a = hh(a, b, c, d, x13, 4, 0x289b7ec6);
    d = hh(d, a, b, c, x0, 11, 0xeaa127fa);
    c = hh(c, d, a, b, x3, 16, 0xd4ef3085);
    b = hh(b, c, d, a, x6, 23, 0x04881d05);
    a = hh(a, b, c, d, x9, 4, 0xd9d4d039);
    d = hh(d, a, b, c, x12, 11, 0xe6db99e5);
    c = hh(c, d, a, b, x15, 16, 0x1fa27cf8);
    b = hh(b, c, d, a, x2, 23, 0xc4ac5665);
    a = ii(a, b, c, d, x0, 6, 0xf4292244);
    d = ii(d, a, b, c, x7, 10, 0x432aff97);
    c = ii(c, d, a, b, x14, 15, 0xab9423a7);
    b = ii(b, c, d, a, x5, 21, 0xfc93a039);
    a = ii(a, b, c, d, x12, 6, 0x655b59c3);
    d = ii(d, a, b, c, x3, 10, 0x8f0ccc92);
    c = ii(c, d, a, b, x10, 15, 0xffeff47d);
    b = ii(b, c, d, a, x1, 21, 0x85845dd1);
    a = ii(a, b, c, d, x8, 6, 0x6fa87e4f);
    d = ii(d, a, b, c, x15, 10, 0xfe2ce6e0);
    c = ii(c, d, a, b, x6, 15, 0xa3014314);
    b = ii(b, c, d, a, x13, 21, 0x4e0811a1);
    a = ii(a, b, c, d, x4, 6, 0xf7537e82);
    d = ii(d, a, b, c, x11, 10, 0xbd3af235);
    c = ii(c, d, a, b, x2, 15, 0x2ad7d2bb);
    b = ii(b, c, d, a, x9, 21, 0xeb86d391);
    h0 += a; h1 += b; h2 += c; h3 += d;
  }
  high += bswap<u32>(h0) as u64;
  low += (bswap<u32>(h1) >> 4) as u64;
  rows++;
}

// The four MD5 round functions, one step each: rotl(a + f(b, c, d) + word + constant, shift) + b.
@inline function ff(a: u32, b: u32, c: u32, d: u32, x: u32, s: u32, t: u32): u32 { return rotl<u32>(a + ((b & c) | (~b & d)) + x + t, s) + b; }
@inline function gg(a: u32, b: u32, c: u32, d: u32, x: u32, s: u32, t: u32): u32 { return rotl<u32>(a + ((b & d) | (c & ~d)) + x + t, s) + b; }
@inline function hh(a: u32, b: u32, c: u32, d: u32, x: u32, s: u32, t: u32): u32 { return rotl<u32>(a + (b ^ c ^ d) + x + t, s) + b; }
@inline function ii(a: u32, b: u32, c: u32, d: u32, x: u32, s: u32, t: u32): u32 { return rotl<u32>(a + (c ^ (b | ~d)) + x + t, s) + b; }
