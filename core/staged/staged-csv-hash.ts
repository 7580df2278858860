import { stagedCsvHashWasm } from './staged-csv-hash.wasm.js';

/**
 * The WebAssembly half of StagedCsvChecksum (wasm/staged-csv-hash.ts): hashes a block's records. One module instance per process; a block stays loaded until the next
 * loadBlock, so a caller loads, hashes and takes the sums within one synchronous call.
 */

interface StagedCsvHashExports {
  memory: WebAssembly.Memory;
  INPUT: WebAssembly.Global;
  hashRecords(start: number, end: number): number;
  flushSums(): void;
  takeHigh(): bigint;
  takeLow(): bigint;
  takeRows(): number;
}

let module: StagedCsvHashExports | undefined;
let input = 0;

function stagedCsvHash(): StagedCsvHashExports {
  if (!module) {
    const compiled = new WebAssembly.Module(Buffer.from(stagedCsvHashWasm, 'base64'));
    module = new WebAssembly.Instance(compiled, {}).exports as unknown as StagedCsvHashExports;
    input = module.INPUT.value as number;
  }
  return module;
}

const PAGE = 65536;
/** The scan reads 16 bytes at a time, up to 15 past the block's end. */
const SLACK = 16;

/** Copies `block` into the module's memory, growing it as needed. */
export function loadBlock(block: Uint8Array): void {
  const { memory } = stagedCsvHash();
  const needed = input + block.length + SLACK;
  if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  new Uint8Array(memory.buffer, input, block.length).set(block);
}

/**
 * Hashes the loaded block's records from `from` (an offset into the block); returns the offset where
 * it stopped: `to`, a record the block ends inside, or one it leaves to the caller (its canonical text
 * longer than 128 kB, or not well-formed CSV).
 */
export function hashRecords(from: number, to: number): number {
  return stagedCsvHash().hashRecords(input + from, input + to) - input;
}

/** The records hashed since the last take and their digests' sums (RowHashSum.addSums). */
export function takeSums(): { high: bigint; low: bigint; rows: number } {
  const hash = stagedCsvHash();
  hash.flushSums();
  return { high: hash.takeHigh(), low: hash.takeLow(), rows: hash.takeRows() >>> 0 };
}
