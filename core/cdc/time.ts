/**
 * Calendar arithmetic on integer day and microsecond counts since 1970-01-01 (proleptic Gregorian,
 * UTC), rendered in the staged CSV text format. Integer algorithms (H. Hinnant's civil_from_days)
 * rather than Date, so nanosecond inputs need no float and years far from 1970 stay exact.
 */

const MICROS_PER_DAY = 86_400_000_000n;

/** 'YYYY-MM-DD', or undefined outside years 1..9999 (the range DB2, DuckDB and BigQuery share). */
export function formatDate(days: number): string | undefined {
  if (!Number.isSafeInteger(days)) return undefined;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1 || y > 9999) return undefined;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = y - (m <= 2 ? 1 : 0);
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** 'HH:MM:SS.ffffff' of a time of day in µs; 24:00:00 is allowed (PostgreSQL and DB2 both store it). */
export function formatTimeMicros(micros: bigint): string | undefined {
  if (micros < 0n || micros > MICROS_PER_DAY) return undefined;
  return timeText(micros);
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' of µs since the epoch, or undefined outside years 1..9999. */
export function formatTimestampMicros(micros: bigint): string | undefined {
  const days = floorDiv(micros, MICROS_PER_DAY);
  const date = formatDate(Number(days));
  return date === undefined ? undefined : `${date} ${timeText(micros - days * MICROS_PER_DAY)}`;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * µs since the epoch (UTC) of an ISO-8601 timestamp with an offset, as io.debezium.time.ZonedTimestamp
 * carries it ('2024-06-01T06:30:00.5Z', '…+02:00'). Digits past microseconds are truncated.
 */
export function parseZonedTimestamp(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  const local = clockMicros(m[4]!, m[5]!, m[6]!, m[7]);
  const offset = offsetMicros(m[8]!);
  if (local === undefined || offset === undefined) return undefined;
  return BigInt(daysFromCivil(y, mo, d)) * MICROS_PER_DAY + local - offset;
}

/** µs of the UTC time of day of an ISO time with offset, as io.debezium.time.ZonedTime carries it. */
export function parseZonedTime(text: string): bigint | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(text);
  if (!m) return undefined;
  const local = clockMicros(m[1]!, m[2]!, m[3]!, m[4]);
  const offset = offsetMicros(m[5]!);
  if (local === undefined || offset === undefined) return undefined;
  const utc = (local - offset) % MICROS_PER_DAY;
  return utc < 0n ? utc + MICROS_PER_DAY : utc;
}

function clockMicros(h: string, mi: string, s: string, fraction: string | undefined): bigint | undefined {
  const [hh, mm, ss] = [Number(h), Number(mi), Number(s)];
  if (hh > 24 || mm > 59 || ss > 59 || (hh === 24 && (mm > 0 || ss > 0))) return undefined;
  const micros = BigInt((fraction ?? '').slice(0, 6).padEnd(6, '0'));
  if (hh === 24 && micros > 0n) return undefined;
  return BigInt((hh * 60 + mm) * 60 + ss) * 1_000_000n + micros;
}

function offsetMicros(text: string): bigint | undefined {
  if (text === 'Z') return 0n;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  if (Number(m[2]) > 18 || Number(m[3] ?? '0') > 59) return undefined;
  return BigInt(m[1] === '-' ? -minutes : minutes) * 60_000_000n;
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

function timeText(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  const h = Number(seconds / 3600n);
  const mi = Number((seconds / 60n) % 60n);
  const s = Number(seconds % 60n);
  return `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${fraction.toString().padStart(6, '0')}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
