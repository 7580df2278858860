import { digit, type RowState, type SeedPlan, type TablePlan } from './plan.js';
import { Rng } from './prng.js';
import { columnGenerator, rowDerivation, type Generator, type Value } from './values.js';

/**
 * Rows of one demo table, in key order, from the seed plan. The same plan and seed give the same
 * rows every time: each table draws from its own random stream, so tables can be generated in any
 * order or in parallel. Rows come out of one reused array; COPY text is built in large chunks.
 */

/** Where a column's value comes from: the parent (group) value, a key digit, or a generator. */
type Source = { kind: 'group' } | { kind: 'digit'; j: number } | { kind: 'gen'; gen: Generator };

function sources(plan: SeedPlan, tp: TablePlan): Source[] {
  return tp.table.columns.map((column): Source => {
    if (tp.model === 'group' && column.name === tp.keyColumns[0]) return { kind: 'group' };
    const j = tp.digitColumns.indexOf(column.name);
    return j >= 0 ? { kind: 'digit', j } : { kind: 'gen', gen: columnGenerator(plan, tp, column) };
  });
}

export class RowCursor {
  readonly values: Value[];
  private readonly sources: Source[];
  private readonly st: RowState;
  private readonly derive: ((values: Value[]) => void) | undefined;
  private x = 0;
  private g = -1;
  private count = 0;
  private groupValue = '';

  constructor(private readonly plan: SeedPlan, private readonly tp: TablePlan, rng = new Rng(`${plan.seed}:${tp.name}`)) {
    this.sources = sources(plan, tp);
    this.values = new Array<Value>(this.sources.length).fill(null);
    this.st = { rng, g: 0, i: 0, day: -1, sec: -1 };
    this.derive = rowDerivation(tp.table.columns);
  }

  /** Fills `values` with the next row; false when the table is complete. */
  next(): boolean {
    const tp = this.tp;
    if (tp.model === 'flat') {
      if (this.x >= tp.rows) return false;
      this.fill(this.x++);
      return true;
    }
    while (this.x >= this.count) {
      if (++this.g >= tp.groups.count) return false;
      const rng = this.st.rng;
      this.count = tp.share < 1 && !rng.chance(tp.share) ? 0 : rng.range(tp.perGroup[0], tp.perGroup[1]);
      this.x = 0;
      this.groupValue = tp.groups.at(this.g);
      this.st.g = this.g;
    }
    this.fill(this.x++);
    return true;
  }

  /**
   * One row with the given key values (new rows for the change simulator); the other columns come
   * from the generators. Key columns not given are made from `x` as in the seed.
   */
  make(key: Readonly<Record<string, string>>, x = 0): Value[] {
    this.st.g = 0;
    this.fill(x);
    this.tp.table.columns.forEach((column, c) => {
      const value = key[column.name];
      if (value !== undefined) this.values[c] = value;
    });
    this.derive?.(this.values);
    return [...this.values];
  }

  private fill(x: number): void {
    const st = this.st;
    st.i = x;
    st.day = -1;
    st.sec = -1;
    const { values, sources, tp } = this;
    for (let c = 0; c < sources.length; c++) {
      const source = sources[c]!;
      if (source.kind === 'gen') values[c] = source.gen(st);
      else if (source.kind === 'digit') values[c] = tp.domains[source.j]!.at(digit(tp, source.j, x), st.g, st);
      else values[c] = this.groupValue;
    }
    this.derive?.(values);
  }
}

const needsEscape = /[\\\t\n\r]/;
const escapeText = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One row in PostgreSQL COPY text format (tab-separated, \N for NULL). */
export function copyLine(values: readonly Value[]): string {
  let line = '';
  for (let c = 0; c < values.length; c++) {
    const v = values[c] ?? null;
    if (c > 0) line += '\t';
    line += v === null ? '\\N' : needsEscape.test(v) ? escapeText(v) : v;
  }
  return `${line}\n`;
}

/** Streams a table as COPY text: `write` receives chunks of about `chunkChars`; returns the row count. */
export async function writeTable(plan: SeedPlan, tp: TablePlan, write: (chunk: string) => unknown, chunkChars = 1 << 20): Promise<number> {
  const cursor = new RowCursor(plan, tp);
  let rows = 0;
  let buffer = '';
  while (cursor.next()) {
    buffer += copyLine(cursor.values);
    rows++;
    if (buffer.length >= chunkChars) {
      await write(buffer);
      buffer = '';
    }
  }
  if (buffer.length > 0) await write(buffer);
  return rows;
}

/** All rows of a table as arrays (tests and small tables only: it holds them in memory). */
export function tableRows(plan: SeedPlan, tp: TablePlan, limit = Infinity): Value[][] {
  const cursor = new RowCursor(plan, tp);
  const rows: Value[][] = [];
  while (rows.length < limit && cursor.next()) rows.push([...cursor.values]);
  return rows;
}
