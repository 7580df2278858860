import type { ColumnContract } from '../../contracts/contract.js';
import { parseSourceType, type SourceType } from '../../contracts/source-types.js';
import { dayOf, daySeconds, isoDate, timestamp, yyyymmdd } from './calendar.js';
import type { RowState, SeedPlan, TablePlan } from './plan.js';
import type { Rng } from './prng.js';
import { agentIds, cities, codeLists, firstNames, lastNames, mailDomains, mailLocals, streets, teams, timezones, words } from './vocabulary.js';

/**
 * Value generators for non-key columns, chosen from the column's type, name and description. Each
 * returns the value as PostgreSQL text input (or null). Nullable columns are NULL at a steady rate
 * and, for text, sometimes the empty string, because NULL and '' must stay different downstream.
 */

export type Value = string | null;
export type Generator = (st: RowState) => Value;

const nullRate = 0.12;
const emptyRate = 0.04;
/** Legacy yyyymmdd columns: a few 0 ("unknown") and 99999999 ("open-ended") values, as in DB2 data. */
const zeroDateRate = 0.006;
const maxDateRate = 0.003;

const firstDay = dayOf(2018, 1, 1);
const lastDay = dayOf(2026, 12, 31);
const firstBirthDay = dayOf(1935, 1, 1);
const lastBirthDay = dayOf(2022, 12, 31);
const firstSecond = dayOf(2019, 1, 1) * daySeconds;
const lastSecond = dayOf(2026, 6, 30) * daySeconds;
const base36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const stopCodes = new Set(['ISO', 'IATA', 'IANA', 'EU', 'VAT', 'GDPR', 'UTC', 'PSP', 'NPS']);

const rand36 = (rng: Rng, n: number): string => {
  let text = '';
  for (let i = 0; i < n; i++) text += base36[rng.int(36)];
  return text;
};
const digits = (rng: Rng, n: number): string => {
  let text = '';
  for (let i = 0; i < n; i++) text += String(rng.int(10));
  return text;
};
const sentence = (rng: Rng, min: number, max: number): string => {
  const n = rng.range(min, max);
  let text = rng.pick(words);
  for (let i = 1; i < n; i++) text += ` ${rng.pick(words)}`;
  return text;
};
const titleCase = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** Codes a description lists, e.g. 'O option, C confirmed, X cancelled' → O, C, X; 'open, waiting, closed.' for short VARCHARs. */
export function codesFromDescription(description: string | undefined, type: SourceType): string[] {
  if (!description) return [];
  const length = type.length ?? 1;
  if (type.kind === 'CHAR') {
    const found = [...description.matchAll(/\b[A-Z][A-Z0-9]*\b/g)].map((m) => m[0]).filter((c) => c.length <= length && !stopCodes.has(c));
    return [...new Set(found)].length >= 2 ? [...new Set(found)] : [];
  }
  const list = /^([a-z_]+(?:, [a-z_]+)+)/.exec(description);
  return list ? list[1]!.split(', ').filter((w) => w.length <= length) : [];
}

function phone(rng: Rng): string {
  switch (rng.int(3)) {
    case 0: return `+44 7700 900${digits(rng, 3)}`;
    case 1: return `+1 202 555 01${digits(rng, 2)}`;
    default: return `+33 6 39 98 ${digits(rng, 2)} ${digits(rng, 2)}`;
  }
}
const email = (rng: Rng): string => `${rng.pick(mailLocals)}.${rng.pick(mailLocals)}${rng.int(1000)}@${rng.pick(mailDomains)}`;
const fullName = (rng: Rng): string => `${rng.pick(firstNames)} ${rng.pick(lastNames)}`;

function textGenerator(column: ColumnContract, type: SourceType): (st: RowState) => string {
  const n = column.name;
  const length = type.length ?? 1;
  const fit = (f: (rng: Rng) => string) => (st: RowState) => {
    const text = f(st.rng);
    return text.length > length ? text.slice(0, length).trimEnd() : text;
  };
  const codes = codesFromDescription(column.description, type);
  if (codes.length > 0) return (st) => st.rng.pick(codes);
  if (/_FLAG$/.test(n)) return (st) => (st.rng.chance(0.85) ? 'Y' : 'N');
  const list = codeLists[n];
  if (list) return (st) => st.rng.pick(list.codes);
  if (/FIRST_NAME/.test(n)) return fit((rng) => rng.pick(firstNames));
  if (/LAST_NAME/.test(n)) return fit((rng) => rng.pick(lastNames));
  if (/HOLDER|CONTACT_NAME/.test(n)) return fit(fullName);
  if (/EMAIL/.test(n)) return fit(email);
  if (n === 'CONTACT_VALUE') return fit((rng) => (rng.chance(0.5) ? email(rng) : phone(rng)));
  if (/PHONE|CALLER_NUMBER/.test(n)) return fit(phone);
  if (/CITY/.test(n)) return fit((rng) => rng.pick(cities));
  if (/STREET/.test(n)) return fit((rng) => `${rng.pick(streets)} ${rng.range(1, 240)}`);
  if (/POSTAL/.test(n)) return fit((rng) => (rng.chance(0.8) ? digits(rng, 5) : `SW${rng.range(1, 20)} ${rng.int(10)}${letterPair(rng)}`));
  if (/TIMEZONE/.test(n)) return fit((rng) => rng.pick(timezones));
  if (n === 'IBAN') return fit((rng) => `DE00 ${digits(rng, 4)} ${digits(rng, 4)} ${digits(rng, 4)} ${digits(rng, 4)} ${digits(rng, 2)}`);
  if (n === 'BIC') return () => 'TESTDEFFXXX';
  if (/TOKEN/.test(n)) return fit((rng) => `tok_test_${rand36(rng, 24).toLowerCase()}`);
  if (n === 'CARRIER_CODE') return (st) => st.rng.pick(['LH', 'AF', 'U2', 'FR', 'OS', 'LX', 'SK', 'IB', 'TP', 'A3']);
  if (n === 'REASON_CODE') return (st) => st.rng.pick(['CANC', 'CHNG', 'PAYM', 'NOSH', 'UPGR', 'DUPL']);
  if (/STATUS/.test(n) && length === 1) return (st) => st.rng.pick(['O', 'C', 'C', 'C', 'X', 'T']);
  if (/_REF$|REFERENCE|LOCATOR|_CODE$/.test(n)) return fit((rng) => rand36(rng, Math.min(length, 10)));
  if (/CARD_NUMBER|IATA|DOCUMENT_NUMBER/.test(n)) return fit((rng) => digits(rng, Math.min(length, 12)));
  if (/FLIGHT_NUMBER/.test(n)) return (st) => String(st.rng.range(100, 9899));
  if (n === 'SEAT_NUMBER') return (st) => `${st.rng.range(1, 38)}${'ABCDEF'[st.rng.int(6)]}`;
  if (/AGENT|AUTHOR|CHANGED_BY/.test(n)) return fit((rng) => rng.pick(agentIds).toUpperCase().replace('AGT.', 'OP').slice(0, length));
  if (/TEAM/.test(n)) return (st) => st.rng.pick(teams);
  if (/NAME$/.test(n)) return fit((rng) => `${titleCase(rng.pick(words))} ${titleCase(rng.pick(words))}`);
  if (/TEXT|NOTE|COMMENT|DESCRIPTION|VALUE/.test(n) || length > 40) return fit((rng) => sentence(rng, 3, 14));
  if (type.kind === 'CHAR') return (st) => rand36(st.rng, Math.max(1, Math.ceil(length / 2)));
  return fit((rng) => sentence(rng, 1, 3));
}

const letterPair = (rng: Rng): string => `${base36[10 + rng.int(26)]}${base36[10 + rng.int(26)]}`;

function integerGenerator(n: string, kind: string): (st: RowState) => string {
  const between = (min: number, max: number) => (st: RowState) => String(st.rng.range(min, max));
  if (/QUANTITY|PASSENGERS|OCCUPANCY|PRIORITY|BEDROOM/.test(n)) return between(1, 4);
  if (/SCORE/.test(n)) return between(0, 10);
  if (/MINUTES/.test(n)) return between(30, 240);
  if (/SECONDS/.test(n)) return between(5, 3600);
  if (/_DAYS$/.test(n)) return between(0, 30);
  if (/AGE/.test(n)) return between(0, 16);
  if (/SEATS_TOTAL/.test(n)) return between(120, 240);
  if (/SEATS|ROOMS_/.test(n)) return between(0, 60);
  if (/BED_CAPACITY/.test(n)) return between(200, 3000);
  if (/CAPACITY|MAX_OCCUPANCY/.test(n)) return between(2, 40);
  if (/FLOOR/.test(n)) return between(0, 12);
  if (/SORT|ORDER/.test(n)) return between(1, 20);
  if (/^POINTS$/.test(n)) return between(-2000, 5000);
  if (/POINTS/.test(n)) return between(0, 80_000);
  return kind === 'SMALLINT' ? between(0, 100) : kind === 'INTEGER' ? between(0, 100_000) : between(0, 1_000_000_000);
}

function decimalGenerator(n: string, precision: number, scale: number): (st: RowState) => string {
  const intDigits = precision - scale;
  let max = Math.min(10 ** intDigits - 1, 999_999_999);
  if (/PCT/.test(n)) max = Math.min(max, 40);
  else if (/DISCOUNT/.test(n)) max = Math.min(max, 120);
  else if (/RATE/.test(n)) max = Math.min(max, 150);
  else if (/AMOUNT|PRICE|BALANCE|COST|FARE/.test(n) && intDigits <= 11) max = Math.min(max, 4_999);
  else if (intDigits <= 11) max = Math.min(max, 999);
  const fracScale = 10 ** Math.min(scale, 9);
  return (st) => {
    const whole = st.rng.int(max + 1);
    if (scale === 0) return String(whole);
    const frac = String(st.rng.int(fracScale)).padStart(Math.min(scale, 9), '0');
    return `${whole}.${frac}${scale > 9 ? '0'.repeat(scale - 9) : ''}`;
  };
}

function dateGenerator(n: string): (st: RowState) => number {
  if (/BIRTH/.test(n)) return (st) => st.rng.range(firstBirthDay, lastBirthDay);
  // A later date column of the row follows the previous one (arrival → departure, from → to).
  return (st) => {
    st.day = st.day < 0 ? st.rng.range(firstDay, lastDay) : Math.min(st.day + st.rng.range(0, 21), lastDay + 400);
    return st.day;
  };
}

function baseGenerator(plan: SeedPlan, tp: TablePlan, column: ColumnContract): Generator {
  const type = parseSourceType(column.type);
  // A code table's descriptive columns line up with its code (France for FR).
  const aligned = tp.model === 'flat' && tp.keyColumns.length === 1 ? codeLists[tp.keyColumns[0]!]?.aligned?.[column.name] : undefined;
  if (aligned) return (st) => aligned[st.i % aligned.length]!;
  if (column.references !== undefined) {
    const set = plan.sure(column.references);
    return (st) => set.at(st.rng.int(set.count));
  }
  if (column.encoding === 'yyyymmdd') {
    const day = dateGenerator(column.name);
    return (st) => {
      const r = st.rng.next();
      if (r < zeroDateRate) return '0';
      if (r < zeroDateRate + maxDateRate) return '99999999';
      return yyyymmdd(day(st));
    };
  }
  switch (type.kind) {
    case 'CHAR': case 'VARCHAR': case 'GRAPHIC': case 'VARGRAPHIC': return textGenerator(column, type);
    case 'CLOB': case 'DBCLOB': return (st) => sentence(st.rng, 10, 60);
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': return integerGenerator(column.name, type.kind);
    case 'DECIMAL': return decimalGenerator(column.name, type.precision ?? 5, type.scale ?? 0);
    case 'DECFLOAT': return decimalGenerator(column.name, 31, 6);
    case 'REAL': case 'DOUBLE': return (st) => String(Math.round(st.rng.next() * 1e6) / 1e3);
    case 'BOOLEAN': return (st) => (st.rng.chance(0.3) ? 't' : 'f');
    case 'BLOB': return (st) => `\\x${digits(st.rng, 16)}`;
    case 'DATE': {
      const day = dateGenerator(column.name);
      return (st) => isoDate(day(st));
    }
    case 'TIME': return (st) => timestamp(st.rng.int(daySeconds), 0, 0).slice(11);
    case 'TIMESTAMP': {
      const fraction = Math.min(type.fractionDigits ?? 6, 6);
      return (st) => {
        st.sec = st.sec < 0 ? st.rng.range(firstSecond, lastSecond) : st.sec + st.rng.range(0, 30 * daySeconds);
        return timestamp(st.sec, st.rng.int(1_000_000), fraction);
      };
    }
  }
}

export function columnGenerator(plan: SeedPlan, tp: TablePlan, column: ColumnContract): Generator {
  const base = baseGenerator(plan, tp, column);
  if (!column.nullable) return base;
  const kind = parseSourceType(column.type).kind;
  const empty = column.references === undefined && (kind === 'VARCHAR' || kind === 'CHAR' || kind === 'VARGRAPHIC' || kind === 'GRAPHIC') ? emptyRate : 0;
  return (st) => {
    const r = st.rng.next();
    if (r < nullRate) return null;
    if (r < nullRate + empty) return '';
    return base(st);
  };
}

/**
 * Columns computed from others in the same row, matched by name: a line amount is quantity × unit
 * price − discount, as the source application writes it (in cents, so no floating-point drift).
 */
export function rowDerivation(columns: readonly ColumnContract[]): ((values: Value[]) => void) | undefined {
  const at = (name: string) => columns.findIndex((c) => c.name === name);
  const [q, unit, discount, amount] = [at('QUANTITY'), at('UNIT_PRICE'), at('DISCOUNT_AMOUNT'), at('LINE_AMOUNT')];
  if (q < 0 || unit < 0 || discount < 0 || amount < 0) return undefined;
  const cents = (v: Value) => (v === null ? 0 : Math.round(Number(v) * 100));
  return (values) => {
    const total = Math.max(0, Number(values[q] ?? 0) * cents(values[unit]!) - cents(values[discount]!));
    values[amount] = `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
  };
}
