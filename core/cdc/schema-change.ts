import { formatSourceType, type SourceType } from '../../contracts/source-types.js';
import { compareSchemas, isBreaking, matchColumns, type SchemaChange } from '../schema-compare.js';
import { describeField, incompatibility, readsAsSameFamily, type FieldSchema } from './logical-types.js';

/**
 * Compares the row schema an event carries with the contract (core/schema-compare.ts, names matched
 * exactly, else by a unique case-insensitive match). Added columns are not breaking (the change
 * still lands; the addition is reported upstream); dropped or retyped columns are, and the caller
 * pauses the table on them rather than dead-lettering every following event as corrupt.
 */

export { isBreaking, type SchemaChange };

export interface ContractColumnType { name: string; type: SourceType }

/** Contract column name → the event's field name: exact match first, else a unique case-insensitive one. */
export function matchFields(columns: ContractColumnType[], fieldNames: string[]): Map<string, string> {
  return matchColumns(columns.map((c) => c.name), fieldNames, { foldCase: true });
}

export function compareSchema(columns: ContractColumnType[], fields: FieldSchema[]): SchemaChange {
  const named = fields.filter((f) => f.field !== undefined).map((f) => ({ name: f.field!, field: f }));
  return compareSchemas(columns, named, {
    foldCase: true,
    retyped: (c, { field }) => (incompatibility(field, c.type) === null ? null : { contract: formatSourceType(c.type), event: describeField(field) }),
  });
}

export function describeSchemaChange(change: SchemaChange): string {
  const parts = [
    ...change.dropped.map((c) => `column ${c} dropped`),
    ...change.retyped.map((r) => `column ${r.column} expected ${r.contract}, got Debezium ${r.event}`),
    ...change.added.map((c) => `column ${c} added`),
  ];
  return parts.join('; ');
}

/**
 * A breaking source schema change a DPO approved for a table ("accept the source schema as it is"):
 * the decoder reads an accepted dropped column as NULL and an accepted retyped column from its new
 * field type. Matched exactly: a different change later (another column, another type) pauses again.
 */
export interface AcceptedSchemaChange {
  dropped: string[];
  /** `event` as describeField spells the new Debezium field type, e.g. 'int64'. */
  retyped: { column: string; event: string }[];
}

export interface AcceptanceColumn extends ContractColumnType { nullable: boolean }

/**
 * Why accepting the source as it is cannot make a table's events decodable, one reason per column;
 * empty when it can. A dropped column reads as NULL only in a nullable column; a retyped column is
 * read from its new type only within the warehouse column's type family (integers into an integer
 * column, integers and decimals into a DECIMAL), every value still checked against the contract type.
 */
export interface AcceptanceBlocker { column: string; reason: string }

export function acceptanceBlockers(change: SchemaChange, columns: AcceptanceColumn[], fields: FieldSchema[] | null): AcceptanceBlocker[] {
  const byColumn = new Map(columns.map((c) => [c.name, c]));
  const fieldNames = fields ? matchFields(columns, fields.map((f) => f.field ?? '')) : new Map<string, string>();
  const blockers: AcceptanceBlocker[] = [];
  for (const name of change.dropped) {
    if (byColumn.get(name)?.nullable !== true) {
      blockers.push({ column: name, reason: `column ${name} is NOT NULL in the contract: a dropped column can read as NULL only in a nullable column, so the contract must change` });
    }
  }
  for (const r of change.retyped) {
    const column = byColumn.get(r.column);
    const field = fields?.find((f) => f.field === fieldNames.get(r.column));
    if (!column || !field || !readsAsSameFamily(field, column.type)) {
      blockers.push({ column: r.column, reason: `column ${r.column}: Debezium ${r.event} cannot be read as the contract's ${r.contract} (another type family), so the contract must change` });
    }
  }
  return blockers;
}

/** The part of a breaking change that the accepted one does not cover (added columns kept as they are). */
export function uncoveredChange(change: SchemaChange, accepted: AcceptedSchemaChange | undefined, blockers: AcceptanceBlocker[]): SchemaChange {
  if (!accepted) return change;
  const blocked = (column: string) => blockers.some((b) => b.column === column);
  return {
    added: change.added,
    dropped: change.dropped.filter((c) => !accepted.dropped.includes(c) || blocked(c)),
    retyped: change.retyped.filter((r) => !accepted.retyped.some((a) => a.column === r.column && a.event === r.event) || blocked(r.column)),
  };
}

/** What an approval of `change` accepts, merged with what was accepted before (newest type per column). */
export function mergeAccepted(before: AcceptedSchemaChange | undefined, change: AcceptedSchemaChange): AcceptedSchemaChange {
  const retyped = new Map((before?.retyped ?? []).map((r) => [r.column, r.event]));
  for (const r of change.retyped) retyped.set(r.column, r.event);
  return {
    dropped: [...new Set([...(before?.dropped ?? []), ...change.dropped])].sort(),
    retyped: [...retyped].map(([column, event]) => ({ column, event })).sort((a, b) => a.column.localeCompare(b.column)),
  };
}
