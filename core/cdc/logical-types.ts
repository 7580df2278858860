import { formatSourceType, type SourceType } from '../../contracts/source-types.js';
import { bytesToBigInt, digitCount, doubleToDecimal, formatScaled, plainDecimalText, parseDecimalText, rescale, type ScaledDecimal } from './decimal.js';
import { floorDiv, formatDate, formatTimeMicros, formatTimestampMicros, parseZonedTime, parseZonedTimestamp } from './time.js';

/**
 * Debezium field values (Kafka Connect types plus Debezium's logical types, told apart by the field
 * schema's `name`) decoded to the staged CSV text of the contract column (connectors/source/port.ts):
 * DECIMAL with exactly the contract scale, DATE 'YYYY-MM-DD', TIME 'HH:MM:SS.ffffff', TIMESTAMP
 * 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC wall time for zoned values), BOOLEAN t/f, binary '\x' + hex,
 * CHAR with its padding. Two ways to fail, kept apart because the caller reacts differently:
 * - 'retyped': the field schema cannot carry the contract type (a schema change: pause the table);
 * - 'corrupt': the schema fits but this value does not (one poison event: dead-letter it).
 */

/** A Kafka Connect field schema as the JSON converter writes it. */
export interface FieldSchema {
  type: string;
  optional?: boolean;
  name?: string;
  field?: string;
  parameters?: Record<string, string>;
  fields?: FieldSchema[];
}

export type ValueOutcome =
  | { ok: true; text: string | null }
  /** `detail` continues "column X expected T, got …": e.g. 'Debezium string "abc" (not a decimal)'. */
  | { ok: false; problem: 'retyped' | 'corrupt'; detail: string };

export const logicalNames = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  variableScaleDecimal: 'io.debezium.data.VariableScaleDecimal',
  date: 'io.debezium.time.Date',
  time: 'io.debezium.time.Time',
  microTime: 'io.debezium.time.MicroTime',
  nanoTime: 'io.debezium.time.NanoTime',
  timestamp: 'io.debezium.time.Timestamp',
  microTimestamp: 'io.debezium.time.MicroTimestamp',
  nanoTimestamp: 'io.debezium.time.NanoTimestamp',
  zonedTimestamp: 'io.debezium.time.ZonedTimestamp',
  zonedTime: 'io.debezium.time.ZonedTime',
  json: 'io.debezium.data.Json',
  enum: 'io.debezium.data.Enum',
  bits: 'io.debezium.data.Bits',
} as const;

type FieldKind =
  | 'int' | 'float' | 'boolean' | 'string' | 'bytes' | 'decimal' | 'vsdecimal' | 'date'
  | 'time-ms' | 'time-us' | 'time-ns' | 'ts-ms' | 'ts-us' | 'ts-ns' | 'zoned-ts' | 'zoned-time' | 'other';

const byName: Record<string, FieldKind> = {
  [logicalNames.decimal]: 'decimal',
  [logicalNames.variableScaleDecimal]: 'vsdecimal',
  [logicalNames.date]: 'date', 'org.apache.kafka.connect.data.Date': 'date',
  [logicalNames.time]: 'time-ms', 'org.apache.kafka.connect.data.Time': 'time-ms',
  [logicalNames.microTime]: 'time-us', [logicalNames.nanoTime]: 'time-ns',
  [logicalNames.timestamp]: 'ts-ms', 'org.apache.kafka.connect.data.Timestamp': 'ts-ms',
  [logicalNames.microTimestamp]: 'ts-us', [logicalNames.nanoTimestamp]: 'ts-ns',
  [logicalNames.zonedTimestamp]: 'zoned-ts', [logicalNames.zonedTime]: 'zoned-time',
};

const byType: Record<string, FieldKind> = {
  int8: 'int', int16: 'int', int32: 'int', int64: 'int',
  float: 'float', float32: 'float', double: 'float', float64: 'float',
  boolean: 'boolean', string: 'string', bytes: 'bytes',
};

/** Names not listed (Json, Enum, Xml, Uuid, Bits…) are read as their base Connect type. */
function kindOf(field: FieldSchema): FieldKind {
  return (field.name !== undefined ? byName[field.name] : undefined) ?? byType[field.type] ?? 'other';
}

/** How the source connector sends DECIMAL values (Debezium's decimal.handling.mode): declared per deployment, never guessed. */
export const decimalModes = ['precise', 'string', 'double'] as const;
export type DecimalMode = (typeof decimalModes)[number];

const decimalKinds: Record<DecimalMode, ReadonlySet<FieldKind>> = {
  precise: new Set(['decimal', 'vsdecimal', 'int']),
  string: new Set(['string', 'int']),
  double: new Set(['float', 'int']),
};

/**
 * Why a DECIMAL/DECFLOAT value cannot be read under the declared decimal mode, or null. Without
 * inline schemas a precise value (base64 bytes) looks like text, and base64 made of digits like a
 * number: such events are refused, not guessed. `inferred`: the field schema was inferred from a
 * schema-less event.
 */
export function decimalModeProblem(field: FieldSchema, value: unknown, target: SourceType, mode: DecimalMode, inferred: boolean): string | null {
  if ((target.kind !== 'DECIMAL' && target.kind !== 'DECFLOAT') || value === null || value === undefined) return null;
  const declared = `the source's decimal.handling.mode is declared ${mode} (FACTORY_CDC_DECIMAL_MODE)`;
  if (inferred) {
    if (mode === 'precise') return `a schema-less event, and ${declared}: precise decimals need inline schemas (value.converter.schemas.enable=true)`;
    const fits = mode === 'string' ? typeof value === 'string' : typeof value === 'number' || (typeof value === 'string' && floatSpecials.has(value));
    return fits ? null : `JSON ${describeValue(value)}, but ${declared}`;
  }
  return decimalKinds[mode].has(kindOf(field)) ? null : `Debezium ${describeField(field)}, but ${declared}`;
}

/** 'int32 io.debezium.time.Date', 'bytes org.apache.kafka.connect.data.Decimal(scale 8)', 'string'. */
export function describeField(field: FieldSchema): string {
  const scale = field.name === logicalNames.decimal && field.parameters?.scale !== undefined ? `(scale ${field.parameters.scale})` : '';
  return `${field.type}${field.name ? ` ${field.name}${scale}` : ''}`;
}

const intBits: Record<string, number> = { int8: 8, int16: 16, int32: 32, int64: 64 };
const columnIntBits: Partial<Record<SourceType['kind'], number>> = { SMALLINT: 16, INTEGER: 32, BIGINT: 64 };
const floatBits: Record<string, number> = { float: 32, float32: 32, double: 64, float64: 64 };

/** null when the field schema can carry the contract type, else why not (a schema change). */
export function incompatibility(field: FieldSchema, target: SourceType): string | null {
  const kind = kindOf(field);
  const ok = ((): boolean => {
    switch (target.kind) {
      case 'SMALLINT': case 'INTEGER': case 'BIGINT':
        return kind === 'int' && (intBits[field.type] ?? 99) <= columnIntBits[target.kind]!;
      case 'DECIMAL':
        if (kind === 'decimal') return decimalFieldFits(field, target);
        // A double holds 15 significant digits: for a wider DECIMAL it may have lost some already.
        if (kind === 'float') return (target.precision ?? 5) <= 15;
        return kind === 'vsdecimal' || kind === 'string' || kind === 'int';
      case 'DECFLOAT':
        return kind === 'decimal' || kind === 'vsdecimal' || kind === 'string' || kind === 'float' || kind === 'int';
      case 'REAL': return (kind === 'float' && floatBits[field.type] === 32) || (kind === 'int' && (intBits[field.type] ?? 99) <= 16);
      case 'DOUBLE': return kind === 'float' || (kind === 'int' && (intBits[field.type] ?? 99) <= 32);
      case 'CHAR': case 'VARCHAR': case 'GRAPHIC': case 'VARGRAPHIC': case 'CLOB': case 'DBCLOB':
        // bytes: CHAR/VARCHAR FOR BIT DATA, which the staged format writes as '\x' + hex.
        return kind === 'string' || kind === 'bytes';
      case 'DATE': return kind === 'date';
      case 'TIME': return kind === 'time-ms' || kind === 'time-us' || kind === 'time-ns' || kind === 'zoned-time';
      case 'TIMESTAMP': return kind === 'ts-ms' || kind === 'ts-us' || kind === 'ts-ns' || kind === 'zoned-ts';
      case 'BOOLEAN': return kind === 'boolean';
      case 'BLOB': return kind === 'bytes';
    }
  })();
  return ok ? null : `Debezium ${describeField(field)}`;
}

/**
 * Whether values of a field the contract type cannot carry (a retype) can still be read into the
 * contract column without changing their meaning: integers of any width into an integer column,
 * integers and decimals into a DECIMAL. Every value is still checked against the contract's range
 * and scale; anything else (text to numbers, dates to timestamps, doubles) is another family.
 */
export function readsAsSameFamily(field: FieldSchema, target: SourceType): boolean {
  const kind = kindOf(field);
  switch (target.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': return kind === 'int';
    case 'DECIMAL': return kind === 'int' || kind === 'decimal' || kind === 'vsdecimal';
    default: return false;
  }
}

/** A Decimal field fits when its scale and integer digits are within the contract's. */
function decimalFieldFits(field: FieldSchema, target: SourceType): boolean {
  const scale = Number(field.parameters?.scale);
  if (!Number.isInteger(scale)) return false;
  const precisionText = field.parameters?.['connect.decimal.precision'];
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const targetScale = target.scale ?? 0;
  if (scale > targetScale) return false;
  return precision === undefined || precision - scale <= (target.precision ?? 5) - targetScale;
}

/** `retypeAccepted`: a DPO accepted this field's type for the column (see readsAsSameFamily): convert it value by value. */
export function decodeValue(field: FieldSchema, value: unknown, target: SourceType, retypeAccepted = false): ValueOutcome {
  if (value === null || value === undefined) return { ok: true, text: null };
  const retyped = retypeAccepted && readsAsSameFamily(field, target) ? null : incompatibility(field, target);
  if (retyped !== null) return { ok: false, problem: 'retyped', detail: retyped };
  const text = convert(kindOf(field), field, value, target);
  if (typeof text === 'string') return { ok: true, text };
  return { ok: false, problem: 'corrupt', detail: `Debezium ${describeField(field)} ${describeValue(value)} (${text.why})` };
}

type Converted = string | { why: string };

function convert(kind: FieldKind, field: FieldSchema, value: unknown, target: SourceType): Converted {
  switch (kind) {
    case 'int': {
      const n = toBigInt(value);
      if (n === undefined) return { why: 'not an integer' };
      return fromInteger(n, target);
    }
    case 'float': return fromFloat(value, target);
    case 'boolean': return typeof value === 'boolean' ? (value ? 't' : 'f') : { why: 'not a boolean' };
    case 'string':
      if (typeof value !== 'string') return { why: 'not a string' };
      if (target.kind === 'DECIMAL') return fromDecimal(parseDecimalText(value), target, 'not a decimal');
      return withinLength(value, target);
    case 'bytes': {
      const bytes = base64Bytes(value);
      return bytes === undefined ? { why: 'not base64' } : `\\x${Buffer.from(bytes).toString('hex')}`;
    }
    case 'decimal': {
      const bytes = base64Bytes(value);
      if (bytes === undefined) return { why: 'not base64' };
      return fromDecimal({ unscaled: bytesToBigInt(bytes), scale: Number(field.parameters?.scale) }, target, 'not a decimal');
    }
    case 'vsdecimal': {
      const v = value as { scale?: unknown; value?: unknown };
      const bytes = typeof value === 'object' && Number.isInteger(v.scale) ? base64Bytes(v.value) : undefined;
      if (bytes === undefined) return { why: 'not a {scale, value} struct with base64 value' };
      return fromDecimal({ unscaled: bytesToBigInt(bytes), scale: v.scale as number }, target, 'not a decimal');
    }
    case 'date': {
      const days = toBigInt(value);
      const text = days === undefined ? undefined : formatDate(Number(days));
      return text ?? { why: 'not a day count within years 1..9999' };
    }
    case 'time-ms': case 'time-us': case 'time-ns': {
      const n = toBigInt(value);
      const micros = n === undefined ? undefined : kind === 'time-ms' ? n * 1000n : kind === 'time-ns' ? floorDiv(n, 1000n) : n;
      return (micros === undefined ? undefined : formatTimeMicros(micros)) ?? { why: 'not a time of day' };
    }
    case 'ts-ms': case 'ts-us': case 'ts-ns': {
      const n = toBigInt(value);
      // Nanoseconds are truncated (floored), never rounded, so a value never moves to the next second or day.
      const micros = n === undefined ? undefined : kind === 'ts-ms' ? n * 1000n : kind === 'ts-ns' ? floorDiv(n, 1000n) : n;
      return (micros === undefined ? undefined : formatTimestampMicros(micros)) ?? { why: 'not a timestamp within years 1..9999' };
    }
    case 'zoned-ts': {
      const micros = typeof value === 'string' ? parseZonedTimestamp(value) : undefined;
      return (micros === undefined ? undefined : formatTimestampMicros(micros)) ?? { why: 'not an ISO timestamp with offset' };
    }
    case 'zoned-time': {
      const micros = typeof value === 'string' ? parseZonedTime(value) : undefined;
      return (micros === undefined ? undefined : formatTimeMicros(micros)) ?? { why: 'not an ISO time with offset' };
    }
    case 'other': return { why: 'unsupported field type' };
  }
}

const intRange: Partial<Record<SourceType['kind'], bigint>> = { SMALLINT: 1n << 15n, INTEGER: 1n << 31n, BIGINT: 1n << 63n };

function fromInteger(n: bigint, target: SourceType): Converted {
  const limit = intRange[target.kind];
  if (limit !== undefined) return n >= -limit && n < limit ? n.toString() : { why: `out of ${target.kind} range` };
  if (target.kind === 'DECIMAL') return fromDecimal({ unscaled: n, scale: 0 }, target, 'not a decimal');
  if (target.kind === 'DECFLOAT') return n.toString();
  return String(Number(n));
}

const floatSpecials = new Set(['NaN', 'Infinity', '-Infinity']);

function fromFloat(value: unknown, target: SourceType): Converted {
  // The JSON converter writes non-finite doubles as strings.
  if (typeof value === 'string' && floatSpecials.has(value)) {
    return target.kind === 'REAL' || target.kind === 'DOUBLE' || target.kind === 'DECFLOAT' ? value : { why: 'not a finite number' };
  }
  if (typeof value !== 'number') return { why: 'not a number' };
  // The staged format reads DECFLOAT as plain decimal text, never '1e+21'.
  if (target.kind === 'DECFLOAT') return plainDecimalText(value) ?? { why: 'not a finite number' };
  if (target.kind === 'DECIMAL') {
    // decimal.handling.mode=double: accepted only when the double carries the decimal exactly.
    const exact = doubleToDecimal(value);
    if (exact === undefined) return { why: 'a double with more than 15 significant digits cannot carry a decimal exactly' };
    return fromDecimal(exact, target, 'not a decimal');
  }
  // Shortest text that reads back to the same binary value (ECMAScript Number::toString).
  return String(value);
}

const lengthLimited = new Set<SourceType['kind']>(['CHAR', 'VARCHAR', 'GRAPHIC', 'VARGRAPHIC']);

/**
 * A text longer than its CHAR(n)/VARCHAR(n) column means the source column was widened (or the event
 * is corrupt): refused, never truncated or landed longer than the contract says. Counted in characters,
 * so a value the column can hold is never refused (DB2 counts bytes, which are never fewer).
 */
function withinLength(value: string, target: SourceType): Converted {
  if (!lengthLimited.has(target.kind) || target.length === undefined || value.length <= target.length) return value;
  const characters = [...value].length;
  return characters <= target.length ? value : { why: `${characters} characters, longer than ${formatSourceType(target)}` };
}

function fromDecimal(value: ScaledDecimal | undefined, target: SourceType, notDecimal: string): Converted {
  if (value === undefined || !Number.isInteger(value.scale) || value.scale < 0) return { why: notDecimal };
  if (target.kind === 'DECFLOAT') return formatScaled(value.unscaled, value.scale);
  if (target.kind !== 'DECIMAL') return { why: `not a ${target.kind}` };
  const scale = target.scale ?? 0;
  const precision = target.precision ?? 5;
  const unscaled = rescale(value, scale);
  if (unscaled === undefined) return { why: `more than ${scale} fraction digits` };
  if (digitCount(unscaled) > precision) return { why: `more than ${precision} digits` };
  return formatScaled(unscaled, scale);
}

/** Integer JSON numbers, and the digit strings json.ts makes of integers past 2^53. */
function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && /^-?\d{1,40}$/.test(value)) return BigInt(value);
  return undefined;
}

/** Strict base64 (Buffer.from would skip invalid characters silently). */
function base64Bytes(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  }
  return String(value);
}

/**
 * The field schema a schema-less event implies for a contract column, assuming the connector settings
 * the factory requires when schemas are off: decimal.handling.mode=string or double (precise Decimal
 * bytes are indistinguishable from text without a schema) and time.precision.mode=
 * adaptive_time_microseconds (the timestamp unit then follows the column's precision).
 */
export function inferFieldSchema(target: SourceType, value: unknown): FieldSchema {
  const jsonType = typeof value === 'number' ? 'double' : typeof value === 'boolean' ? 'boolean'
    : typeof value === 'string' ? 'string' : 'struct';
  const integral = typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && /^-?\d+$/.test(value);
  switch (target.kind) {
    case 'SMALLINT': return integral ? { type: 'int16' } : { type: jsonType };
    case 'INTEGER': return integral ? { type: 'int32' } : { type: jsonType };
    case 'BIGINT': return integral ? { type: 'int64' } : { type: jsonType };
    case 'DECIMAL': case 'DECFLOAT':
      return typeof value === 'object' && value !== null && 'scale' in value ? { type: 'struct', name: logicalNames.variableScaleDecimal } : { type: jsonType };
    case 'REAL': return { type: typeof value === 'number' || typeof value === 'string' ? 'float' : jsonType };
    case 'DOUBLE': return { type: typeof value === 'number' || typeof value === 'string' ? 'double' : jsonType };
    case 'DATE': return integral ? { type: 'int32', name: logicalNames.date } : { type: jsonType };
    case 'TIME':
      if (typeof value === 'string' && !integral) return { type: 'string', name: logicalNames.zonedTime };
      return integral ? { type: 'int64', name: logicalNames.microTime } : { type: jsonType };
    case 'TIMESTAMP': {
      if (typeof value === 'string' && !integral) return { type: 'string', name: logicalNames.zonedTimestamp };
      const f = target.fractionDigits ?? 6;
      const name = f <= 3 ? logicalNames.timestamp : f <= 6 ? logicalNames.microTimestamp : logicalNames.nanoTimestamp;
      return integral ? { type: 'int64', name } : { type: jsonType };
    }
    case 'BLOB': return { type: typeof value === 'string' ? 'bytes' : jsonType };
    default: return { type: jsonType };
  }
}
