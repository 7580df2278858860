import type { ColumnContract, TableContract } from '../../contracts/contract.js';
import { qualifiedName, tablesInDependencyOrder, type TableEntry } from '../../domains/dependencies.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { dayOf, daySeconds, isoDate, timestamp } from './calendar.js';
import { keyColumns } from './ddl.js';
import { mix32, type Rng } from './prng.js';
import { defaultPerGroup, defaultRows, sizeHints, volumes, type Volumes } from './sizing.js';
import { codeLists } from './vocabulary.js';

/**
 * The seed plan: for every table, how many rows and how its key values are made. Keys are built so
 * that uniqueness and referential consistency hold by construction, without looking at the data:
 *
 * - flat tables (own surrogate id or code): row i's key is i written in a mixed radix over the key
 *   columns (a single BIGINT id is simply i + 1; a code column indexes its code list);
 * - grouped tables (first key column references a parent, e.g. booking_line under booking): for each
 *   parent value, a few rows whose remaining key columns come from the row's number within the group.
 *
 * A reference can then be answered with a set of values known to exist (`sure`), e.g. booking ids
 * 1..B, or the first three room types that every resort has. That is why references may only point
 * at key columns; anything else is refused with the table and column named.
 */

export class SeedPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedPlanError';
  }
}

/** Values that exist in a column whatever else the seed generated. */
export interface ValueSet {
  count: number;
  at(k: number): string;
}

/** Per-row state shared by the column generators of one table. */
export interface RowState {
  rng: Rng;
  /** Group (parent) index of the current row, 0 for flat tables. */
  g: number;
  /** Row number: within the table (flat) or within the group (grouped). */
  i: number;
  /** Last date written in the row (day number), so a later date column follows it; -1 when none yet. */
  day: number;
  /** Same for timestamps (seconds); -1 when none yet. */
  sec: number;
}

export interface KeyDomain {
  radix: number;
  at(d: number, g: number, st?: RowState): string;
  /** True when the value also depends on the group (so it is not a fixed set others may reference). */
  groupDependent: boolean;
}

export interface TablePlan {
  name: string;
  entry: TableEntry;
  table: TableContract;
  keyColumns: readonly string[];
  model: 'flat' | 'group';
  /** Flat tables: the row count. */
  rows: number;
  /** Grouped tables: the parent values (the first key column's sure values). */
  groups: ValueSet;
  perGroup: [number, number];
  share: number;
  /** Key columns made from the row number: all key columns (flat) or all but the first (grouped). */
  digitColumns: readonly string[];
  domains: readonly KeyDomain[];
  places: readonly number[];
}

export interface SeedPlan {
  scale: number;
  seed: number;
  volumes: Volumes;
  tables: TablePlan[];
  byName: Map<string, TablePlan>;
  /** Values of '<domain>.<table>.<COLUMN>' that exist after the seed. */
  sure(reference: string): ValueSet;
}

const integerMax: Record<string, number> = { SMALLINT: 32_000, INTEGER: 2_000_000_000, BIGINT: 1e15, DECIMAL: 1e15 };
const keyDateBase = dayOf(2024, 1, 1);
const keyTimeBase = dayOf(2019, 1, 1) * daySeconds;
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function letterCode(d: number, width: number): string {
  let text = '';
  for (let i = 0; i < width; i++) {
    text = letters[d % 26]! + text;
    d = Math.floor(d / 26);
  }
  return text;
}

/** 'A101', 'B214', … unique for d < 3600: block letter, floor, room within the floor. */
function roomNumber(d: number): string {
  const room = d % 40;
  const block = Math.floor(d / 40);
  return `${'ABCDEFGHJK'[block % 10]}${Math.floor(block / 10) + 1}${room < 9 ? '0' : ''}${room + 1}`;
}

function keyDomain(plan: { name: string; model: 'flat' | 'group' }, column: ColumnContract, sure: (ref: string) => ValueSet): KeyDomain {
  const where = `${plan.name}.${column.name}`;
  if (column.references !== undefined) {
    const set = sure(column.references);
    if (set.count < 1) throw new SeedPlanError(`${where}: referenced ${column.references} has no values — expected at least one`);
    if (plan.model === 'flat') return { radix: set.count, at: (d) => set.at(d), groupDependent: false };
    // Rotate per parent so that, e.g., each campaign contacts different customers.
    return { radix: set.count, at: (d, g) => set.at((d + (mix32(g) % set.count)) % set.count), groupDependent: true };
  }
  const type = parseSourceType(column.type);
  const list = codeLists[column.name];
  switch (type.kind) {
    case 'CHAR': case 'VARCHAR': case 'GRAPHIC': case 'VARGRAPHIC': {
      if (list) return { radix: list.codes.length, at: (d) => list.codes[d]!, groupDependent: false };
      if (column.name === 'ROOM_NUMBER' && (type.length ?? 0) >= 4) return { radix: 3600, at: roomNumber, groupDependent: false };
      const width = Math.min(type.length ?? 1, 6);
      return { radix: 26 ** width, at: (d) => letterCode(d, width), groupDependent: false };
    }
    case 'SMALLINT': case 'INTEGER': case 'BIGINT':
      return { radix: integerMax[type.kind]!, at: (d) => String(d + 1), groupDependent: false };
    case 'DECIMAL':
      return { radix: Math.min(integerMax.DECIMAL!, 10 ** ((type.precision ?? 5) - (type.scale ?? 0)) - 1), at: (d) => String(d + 1), groupDependent: false };
    case 'DATE':
      return {
        radix: 6000,
        at: (d, _g, st) => {
          if (st) st.day = keyDateBase + d;
          return isoDate(keyDateBase + d);
        },
        groupDependent: false,
      };
    case 'TIMESTAMP': {
      const digits = Math.min(type.fractionDigits ?? 6, 6);
      // Each parent starts somewhere in 2019–2024; its rows follow three hours apart.
      return {
        radix: 10_000,
        at: (d, g, st) => {
          const sec = keyTimeBase + (mix32(g) % (5 * 365 * daySeconds)) + d * 10_800 + (mix32(g + d) % 3600);
          if (st) st.sec = sec;
          return timestamp(sec, mix32(g * 7 + d) % 1_000_000, digits);
        },
        groupDependent: true,
      };
    }
    default:
      throw new SeedPlanError(`${where}: key column of type ${column.type} is not supported by the demo seed — expected an integer, code, DATE or TIMESTAMP key`);
  }
}

function places(domains: readonly KeyDomain[]): number[] {
  const result: number[] = [];
  let place = 1;
  for (const domain of domains) {
    result.push(place);
    place *= domain.radix;
  }
  return result;
}

const capacity = (domains: readonly KeyDomain[]): number => domains.reduce((n, d) => n * d.radix, 1);

/** The digit of key column j for number x (mixed radix, first column least significant). */
export function digit(plan: TablePlan, j: number, x: number): number {
  const q = Math.floor(x / plan.places[j]!);
  return j === plan.domains.length - 1 ? q : q % plan.domains[j]!.radix;
}

const emptySet: ValueSet = { count: 0, at: () => '' };

function planTable(entry: TableEntry, v: Volumes, sure: (ref: string) => ValueSet): TablePlan {
  const name = qualifiedName(entry);
  const { table } = entry;
  const keys = keyColumns(table);
  const columnOf = (n: string) => table.columns.find((c) => c.name === n)!;
  const first = columnOf(keys[0]!);
  const hint = sizeHints[name] ?? {};
  if (first.references !== undefined) {
    const groups = sure(first.references);
    const digitColumns = keys.slice(1);
    const partial = { name, model: 'group' as const };
    const domains = digitColumns.map((c) => keyDomain(partial, columnOf(c), sure));
    const [min, max] = hint.perGroup?.(v) ?? defaultPerGroup;
    const most = Math.min(max, capacity(domains));
    return {
      name, entry, table, keyColumns: keys, model: 'group', rows: 0, groups,
      perGroup: [Math.min(min, most), most], share: hint.share ?? 1,
      digitColumns, domains, places: places(domains),
    };
  }
  const domains = keys.map((c) => keyDomain({ name, model: 'flat' }, columnOf(c), sure));
  const referencesSomething = table.columns.some((c) => c.references !== undefined);
  // A code table with a known code list gets one row per code (and, with aligned columns, the right name for it).
  const listed = keys.length === 1 ? codeLists[keys[0]!]?.codes.length : undefined;
  const wanted = hint.rows?.(v) ?? listed ?? (referencesSomething ? Math.max(1, Math.round(v.bookings * defaultRows.dataPerBooking)) : defaultRows.codeTable);
  return {
    name, entry, table, keyColumns: keys, model: 'flat', rows: Math.min(wanted, capacity(domains)), groups: emptySet,
    perGroup: [0, 0], share: 1, digitColumns: keys, domains, places: places(domains),
  };
}

function sureValues(byName: Map<string, TablePlan>, reference: string, from: string): ValueSet {
  const [domain, tableName, columnName] = reference.split('.');
  const plan = byName.get(`${domain}.${tableName}`);
  if (!plan) throw new SeedPlanError(`${from} references ${reference}, whose table is not planned yet — expected tables in dependency order`);
  const keyIndex = plan.keyColumns.indexOf(columnName!);
  if (keyIndex < 0) {
    throw new SeedPlanError(`${from} references ${reference}, which is not a key column of ${plan.name} (key: ${plan.keyColumns.join(', ')}) — the demo seed can only keep references to key columns consistent`);
  }
  const complete = plan.model === 'flat' || (plan.share === 1 && plan.perGroup[0] >= 1);
  if (!complete) throw new SeedPlanError(`${from} references ${reference}, but some ${plan.name} parents have no rows (share ${plan.share}, per group ${plan.perGroup.join('–')}) — expected every parent to have one`);
  if (plan.model === 'group' && keyIndex === 0) return plan.groups;
  const j = plan.digitColumns.indexOf(columnName!);
  const keyDomainOf = plan.domains[j]!;
  if (keyDomainOf.groupDependent && plan.model === 'group') throw new SeedPlanError(`${from} references ${reference}, whose values differ per ${plan.keyColumns[0]} — expected a column with the same values in every group`);
  const total = plan.model === 'flat' ? plan.rows : plan.perGroup[0];
  const count = Math.min(keyDomainOf.radix, Math.ceil(total / plan.places[j]!));
  return { count, at: (k) => keyDomainOf.at(k, 0) };
}

export function planSeed(registry: { allTables(): TableEntry[] }, options: { scale: number; seed: number }): SeedPlan {
  if (!(options.scale > 0)) throw new SeedPlanError(`scale ${options.scale} — expected a number above 0, e.g. 0.01 or 10`);
  const v = volumes(options.scale);
  const byName = new Map<string, TablePlan>();
  const tables: TablePlan[] = [];
  const cache = new Map<string, ValueSet>();
  const sure = (reference: string, from = 'a caller'): ValueSet => {
    const known = cache.get(reference);
    if (known) return known;
    const set = sureValues(byName, reference, from);
    cache.set(reference, set);
    return set;
  };
  for (const entry of tablesInDependencyOrder(registry)) {
    const name = qualifiedName(entry);
    const plan = planTable(entry, v, (ref) => sure(ref, name));
    byName.set(name, plan);
    tables.push(plan);
  }
  return { scale: options.scale, seed: options.seed, volumes: v, tables, byName, sure: (ref) => sure(ref) };
}
