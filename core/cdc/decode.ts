import type { TableContract } from '../../contracts/contract.js';
import { formatSourceType, parseSourceType } from '../../contracts/source-types.js';
import { envelopeAdapter, type EnvelopeFormat, type KafkaRecordInput, type KeyResult } from './adapter.js';
import { parseKey, type Op } from './envelope.js';
import { decimalModeProblem, decodeValue, describeValue, inferFieldSchema, type DecimalMode, type FieldSchema } from './logical-types.js';
import { compareSchemas } from '../schema-compare.js';
import {
  acceptanceBlockers, compareSchema, describeSchemaChange, isBreaking, matchFields, uncoveredChange, type AcceptanceBlocker, type AcceptedSchemaChange,
  type ContractColumnType, type SchemaChange,
} from './schema-change.js';

/**
 * One Kafka record of a table topic, read by its source's envelope adapter (adapter.ts: Debezium or
 * IBM IIDR) → one decoded change in contract column order, as the staged CSV text the warehouse
 * loaders take. Never throws: every problem comes back as a result
 * whose reason names topic, partition, offset, the contract table and the column.
 *
 * - 'change': land it in the change log and MERGE by key, highest `position` wins.
 * - 'tombstone': skip (a Debezium tombstone: the delete before it carried the data; an IIDR
 *   before-image record: the after image that follows carries the change).
 * - 'schema-change': a contract column was dropped or changed type at the source. Not a poison event:
 *   the caller pauses the table (every following event would fail the same way) and asks its DPO.
 *   `blockers` say why accepting the source as it is could not make the events decodable (then
 *   the contract must change). A change the DPO accepted (`accepted`) decodes: an accepted dropped
 *   column reads as NULL, an accepted retyped column from its new type, value by value.
 * - 'failure': this event alone is bad (corrupt JSON, a value that does not decode, a NULL in a NOT
 *   NULL column): dead-letter it with the reason.
 */

export type { KafkaRecordInput };

export interface DecodeContract {
  domain: string;
  table: TableContract;
  /** The breaking changes the table's DPO accepted. The same object for every event of a consumer (plans are cached per object). */
  accepted?: AcceptedSchemaChange;
  /** How the source's connector sends DECIMAL values; default 'precise', what `factory cdc register` configures. */
  decimalMode?: DecimalMode;
  /** Which product wrote the records (FACTORY_CDC_FORMATS); default Debezium, PostgreSQL or Db2 by the event. */
  format?: EnvelopeFormat;
}

export interface DecodedChange {
  op: Op;
  /** Key column → staged text. Empty for truncates ('t'), which concern the whole table. */
  key: Record<string, string | null>;
  /** After image in contract column order; null for deletes and truncates. */
  values: (string | null)[] | null;
  /**
   * Before image in contract column order, when the event has one. With PostgreSQL's default
   * REPLICA IDENTITY a delete's before image holds the real key but placeholder values ('' , 0,
   * 1970-01-01) in the other NOT NULL columns: read only the key from it.
   */
  before: (string | null)[] | null;
  position: string;
  /**
   * When the change committed at the source (Debezium `source.ts_ms`, IIDR `A_TIMSTAMP`; for snapshot
   * rows, when they were read); null when the record carries no source time.
   */
  sourceTsMs: number | null;
  /** Event fields the contract does not know: a non-breaking schema change, reported upstream. */
  addedColumns: string[];
  /**
   * The after-image values of those fields, as Debezium wrote them (not decoded: the contract does
   * not type them yet); null when there are none. The warehouse keeps them so nothing is dropped.
   */
  extra: Record<string, unknown> | null;
  kafka: { topic: string; partition: number; offset: string; timestamp: string };
}

export type DecodeResult =
  /** `keyChangedFrom`: the delete of the old key, to apply before `change` (an update that changed the key). */
  | { kind: 'change'; change: DecodedChange; keyChangedFrom?: DecodedChange }
  | { kind: 'tombstone' }
  | { kind: 'schema-change'; reason: string; schemaChange: SchemaChange; blockers: string[] }
  | { kind: 'failure'; reason: string };

interface PreparedColumn extends ContractColumnType { nullable: boolean }
interface Prepared { columns: PreparedColumn[]; key: string[] }

const prepared = new WeakMap<TableContract, Prepared | string>();

export function decodeRecord(input: KafkaRecordInput, contract: DecodeContract): DecodeResult {
  const where = `topic ${String(input?.topic)} partition ${String(input?.partition)} offset ${String(input?.offset)} (${contract?.domain}.${contract?.table?.name})`;
  try {
    return decode(input, contract, where);
  } catch (error) {
    return { kind: 'failure', reason: `${where}: decoder error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

class Failure { constructor(readonly reason: string) {} }

/** A value of an accepted retyped column that the contract type cannot hold: the acceptance does not cover it. */
class RetypeOverflow extends Failure { constructor(readonly column: string, reason: string) { super(reason); } }

function decode(input: KafkaRecordInput, contract: DecodeContract, where: string): DecodeResult {
  const fail = (reason: string): DecodeResult => ({ kind: 'failure', reason: `${where}: ${reason}` });
  const table = prepare(contract.table);
  if (typeof table === 'string') return fail(table);
  const parsed = adapterOf(contract.format)(input, { contract: contract.table, columns: table.columns });
  if (parsed.kind === 'tombstone') return parsed;
  if (parsed.kind === 'invalid') return fail(parsed.reason);
  const env = parsed.record;
  const { sourceTsMs } = env;
  const position = env.position;
  const kafka = { topic: input.topic, partition: input.partition, offset: String(input.offset), timestamp: input.timestamp };
  if (env.op === 't') {
    return { kind: 'change', change: { op: 't', key: {}, values: null, before: null, position, sourceTsMs, addedColumns: [], extra: null, kafka } };
  }

  const image = env.after ?? env.before;
  // A delete that carries only its key (an IIDR record with the row in neither image): nothing to compare.
  const plan = env.rowFields !== null ? schemaPlan(table, env.rowFields) : image === null ? keyOnlyPlan(table) : schemaLessPlan(table, image);
  const { schemaChange, fields } = plan;
  const accepted = isBreaking(schemaChange) ? acceptedPlan(plan, contract.accepted) : noneAccepted;
  if (accepted.uncovered) {
    const { change, blockers } = accepted.uncovered;
    return { kind: 'schema-change', reason: `${where}: schema change: ${describeSchemaChange(change)}`, schemaChange: change, blockers };
  }

  try {
    const mode = env.debeziumDecimals ? contract.decimalMode ?? 'precise' : null;
    const values = env.after ? decodeImage(table.columns, env.after, fields, true, accepted, mode) : null;
    const before = env.before ? decodeImage(table.columns, env.before, fields, false, accepted, mode) : null;
    const key = decodeKey(env.key ?? parseKey(input.key), table, values ?? before, accepted);
    const after = env.after;
    const extra = after && schemaChange.added.length ? Object.fromEntries(schemaChange.added.map((name) => [name, after[name] ?? null])) : null;
    const change: DecodedChange = { op: env.op, key, values: env.op === 'd' ? null : values, before, position, sourceTsMs, addedColumns: schemaChange.added, extra, kafka };
    const oldKey = env.op === 'u' && before && values ? movedKey(table, before, values) : undefined;
    // An update that changed the key (IIDR writes one record; Debezium writes a delete and a create):
    // the row under the old key is deleted at the same position, or it would stay live.
    if (oldKey) return { kind: 'change', change, keyChangedFrom: { ...change, op: 'd', key: oldKey, values: null, addedColumns: [], extra: null } };
    return { kind: 'change', change };
  } catch (error) {
    if (error instanceof RetypeOverflow) {
      const retyped = schemaChange.retyped.filter((r) => r.column === error.column);
      return {
        kind: 'schema-change', reason: `${where}: schema change: ${error.reason}`, schemaChange: { added: [], dropped: [], retyped },
        blockers: [`${error.reason}: the accepted retype does not cover this value, so the contract must change`],
      };
    }
    if (error instanceof Failure) return fail(error.reason);
    throw error;
  }
}

interface SchemaPlan { schemaChange: SchemaChange; fields: FieldResolver; blockers: AcceptanceBlocker[] }

/** How an event is decoded under the accepted changes: columns read as NULL, retypes converted, or what is still uncovered. */
interface AcceptedPlan {
  nullColumns: Set<string>;
  retypeAccepted: Set<string>;
  uncovered?: { change: SchemaChange; blockers: string[] };
}

const noneAccepted: AcceptedPlan = { nullColumns: new Set(), retypeAccepted: new Set() };
const notAccepted: AcceptedSchemaChange = { dropped: [], retyped: [] };
const acceptedPlans = new WeakMap<SchemaPlan, WeakMap<AcceptedSchemaChange, AcceptedPlan>>();

function acceptedPlan(plan: SchemaPlan, accepted: AcceptedSchemaChange = notAccepted): AcceptedPlan {
  let byAccepted = acceptedPlans.get(plan);
  if (!byAccepted) acceptedPlans.set(plan, (byAccepted = new WeakMap()));
  let result = byAccepted.get(accepted);
  if (!result) {
    const uncovered = uncoveredChange(plan.schemaChange, accepted, plan.blockers);
    const open = new Set([...uncovered.dropped, ...uncovered.retyped.map((r) => r.column)]);
    result = isBreaking(uncovered)
      ? { ...noneAccepted, uncovered: { change: uncovered, blockers: plan.blockers.filter((b) => open.has(b.column)).map((b) => b.reason) } }
      : { nullColumns: new Set(plan.schemaChange.dropped), retypeAccepted: new Set(plan.schemaChange.retyped.map((r) => r.column)) };
    byAccepted.set(accepted, result);
  }
  return result;
}

/**
 * The schema comparison and field mapping depend only on the contract and the event's schema, and
 * the envelope parser hands out one rowFields array per distinct schema: compute them once per pair.
 */
const schemaPlans = new WeakMap<FieldSchema[], Map<Prepared, SchemaPlan>>();

function schemaPlan(table: Prepared, rowFields: FieldSchema[]): SchemaPlan {
  let byTable = schemaPlans.get(rowFields);
  if (!byTable) schemaPlans.set(rowFields, (byTable = new Map()));
  let plan = byTable.get(table);
  if (!plan) {
    const schemaChange = compareSchema(table.columns, rowFields);
    plan = { schemaChange, fields: fieldResolver(table.columns, rowFields, {}), blockers: isBreaking(schemaChange) ? acceptanceBlockers(schemaChange, table.columns, rowFields) : [] };
    byTable.set(table, plan);
  }
  return plan;
}

/** The key of the before image when it differs from the after image's, else undefined. */
function movedKey(table: Prepared, before: (string | null)[], after: (string | null)[]): Record<string, string | null> | undefined {
  const indexes = table.key.map((name) => table.columns.findIndex((c) => c.name === name));
  if (indexes.some((i) => i < 0 || before[i] === null || before[i] === undefined) || indexes.every((i) => before[i] === after[i])) return undefined;
  return Object.fromEntries(table.key.map((name, n) => [name, before[indexes[n]!]!]));
}

const keyOnlyPlans = new WeakMap<Prepared, SchemaPlan>();

function keyOnlyPlan(table: Prepared): SchemaPlan {
  let plan = keyOnlyPlans.get(table);
  if (!plan) keyOnlyPlans.set(table, (plan = { schemaChange: { added: [], dropped: [], retyped: [] }, fields: fieldResolver(table.columns, null, {}), blockers: [] }));
  return plan;
}

const adapters = new Map<EnvelopeFormat | undefined, ReturnType<typeof envelopeAdapter>>();

function adapterOf(format: EnvelopeFormat | undefined): ReturnType<typeof envelopeAdapter> {
  let adapter = adapters.get(format);
  if (!adapter) adapters.set(format, (adapter = envelopeAdapter(format)));
  return adapter;
}

/** Schema-less events: compared per event (only a missing column can show), not cached. */
function schemaLessPlan(table: Prepared, image: Record<string, unknown>): SchemaPlan {
  const schemaChange = schemaLessChange(table.columns, image);
  return { schemaChange, fields: fieldResolver(table.columns, null, image), blockers: acceptanceBlockers(schemaChange, table.columns, null) };
}

function prepare(table: TableContract): Prepared | string {
  let p = prepared.get(table);
  if (p === undefined) {
    try {
      const columns = table.columns.map((c) => ({ name: c.name, type: parseSourceType(c.type), nullable: c.nullable }));
      const key = table.primaryKey ?? table.uniqueKey ?? [];
      p = key.length === 0 ? 'contract declares neither primaryKey nor uniqueKey' : { columns, key };
    } catch (error) {
      p = `contract is invalid: ${(error as Error).message}`;
    }
    prepared.set(table, p);
  }
  return p;
}

/** Without a schema, a column missing from the row object is a dropped column (Debezium writes nulls). */
function schemaLessChange(columns: ContractColumnType[], image: Record<string, unknown>): SchemaChange {
  return compareSchemas(columns, Object.keys(image).map((name) => ({ name })), { foldCase: true, retyped: () => null });
}

type FieldResolver = (column: ContractColumnType, value: unknown) => { name: string; field: FieldSchema; inferred: boolean };

function fieldResolver(columns: ContractColumnType[], rowFields: FieldSchema[] | null, image: Record<string, unknown>): FieldResolver {
  if (rowFields !== null) {
    const byName = new Map(rowFields.map((f) => [f.field ?? '', f]));
    const matched = matchFields(columns, [...byName.keys()]);
    return (column) => {
      const name = matched.get(column.name)!;
      return { name, field: byName.get(name)!, inferred: false };
    };
  }
  const matched = matchFields(columns, Object.keys(image));
  return (column, value) => ({ name: matched.get(column.name) ?? column.name, field: inferFieldSchema(column.type, value), inferred: true });
}

function decodeImage(
  columns: PreparedColumn[], image: Record<string, unknown>, fields: FieldResolver, requireNotNull: boolean, accepted: AcceptedPlan, mode: DecimalMode | null,
): (string | null)[] {
  return columns.map((column) => {
    if (accepted.nullColumns.has(column.name)) return null;
    const probe = fields(column, undefined);
    const value = image[probe.name];
    const { field, inferred } = probe.inferred ? fields(column, value) : probe;
    const retypeAccepted = accepted.retypeAccepted.has(column.name);
    const expected = `column ${column.name} expected ${formatSourceType(column.type)}`;
    // null: the adapter's own decimal representation (IIDR), not Debezium's decimal.handling.mode.
    const modeProblem = mode === null ? null : decimalModeProblem(field, value, column.type, mode, inferred);
    if (modeProblem !== null) throw new Failure(`${expected}, got ${modeProblem}`);
    const outcome = decodeValue(field, value, column.type, retypeAccepted);
    if (!outcome.ok && retypeAccepted) throw new RetypeOverflow(column.name, `${expected}, got ${outcome.detail}`);
    if (!outcome.ok) {
      const got = inferred && outcome.problem === 'retyped' ? `JSON ${describeValue(value)} in a schema-less event` : outcome.detail;
      throw new Failure(`${expected}, got ${got}`);
    }
    if (outcome.text === null && requireNotNull && !column.nullable) throw new Failure(`${expected} NOT NULL, got null`);
    return outcome.text;
  });
}

const fieldMaps = new WeakMap<FieldSchema[], Map<string, FieldSchema>>();

/** Key schemas come from a cache, one array per distinct schema: index each once. */
function fieldsByName(fields: FieldSchema[]): Map<string, FieldSchema> {
  let byName = fieldMaps.get(fields);
  if (!byName) fieldMaps.set(fields, (byName = new Map(fields.map((f) => [f.field ?? '', f]))));
  return byName;
}

function decodeKey(parsed: KeyResult, table: Prepared, image: (string | null)[] | null, accepted: AcceptedPlan): Record<string, string | null> {
  if (parsed.kind === 'invalid') throw new Failure(parsed.reason);
  const key: Record<string, string | null> = {};
  const keyFields = parsed.kind === 'key' && parsed.fields ? fieldsByName(parsed.fields) : null;
  for (const name of table.key) {
    const index = table.columns.findIndex((c) => c.name === name);
    const column = table.columns[index];
    if (column === undefined) throw new Failure(`key column ${name} is not a contract column`);
    let text: string | null | undefined;
    if (parsed.kind === 'key') {
      const fieldName = matchFields([column], Object.keys(parsed.values)).get(name);
      if (fieldName !== undefined) {
        const value = parsed.values[fieldName];
        const field = keyFields?.get(fieldName) ?? inferFieldSchema(column.type, value);
        const retypeAccepted = accepted.retypeAccepted.has(name);
        const outcome = decodeValue(field, value, column.type, retypeAccepted);
        if (!outcome.ok && retypeAccepted) throw new RetypeOverflow(name, `key column ${name} expected ${formatSourceType(column.type)}, got ${outcome.detail}`);
        if (!outcome.ok) throw new Failure(`key column ${name} expected ${formatSourceType(column.type)}, got ${outcome.detail}`);
        text = outcome.text;
      }
    }
    if (text === undefined && image) text = image[index];
    if (text === undefined || text === null) throw new Failure(`key column ${name} is missing or null in the Kafka key and the row image`);
    key[name] = text;
  }
  return key;
}
