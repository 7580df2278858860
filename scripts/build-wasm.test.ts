import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildStagedCsvHashModule, wasmModule } from './build-wasm.js';

describe('build:wasm', () => {
  it('the committed WebAssembly module is the build of wasm/staged-csv-hash.ts (run `npm run build:wasm` after editing it)', async () => {
    expect(await readFile(wasmModule, 'utf8')).toBe(await buildStagedCsvHashModule());
  });
});
