import { formatSourceType, type SourceType } from '../source-types.js';
import { describeField, incompatibility, type FieldSchema } from './logical-types.js';

/**
 * Compares the row schema an event carries with the contract. Added columns are not breaking (the
 * change still lands; the addition is reported upstream); dropped or retyped columns are, and the
 * caller pauses the table on them rather than dead-lettering every following event as corrupt.
 */

export interface SchemaChange {
  added: string[];
  dropped: string[];
  retyped: { column: string; contract: string; event: string }[];
}

export interface ContractColumnType { name: string; type: SourceType }

/** Contract column name → the event's field name: exact match first, else a unique case-insensitive one. */
export function matchFields(columns: ContractColumnType[], fieldNames: string[]): Map<string, string> {
  const exact = new Set(fieldNames);
  const folded = new Map<string, string[]>();
  for (const name of fieldNames) folded.set(name.toUpperCase(), [...(folded.get(name.toUpperCase()) ?? []), name]);
  const matched = new Map<string, string>();
  for (const c of columns) {
    if (exact.has(c.name)) matched.set(c.name, c.name);
    else {
      const candidates = folded.get(c.name.toUpperCase()) ?? [];
      if (candidates.length === 1) matched.set(c.name, candidates[0]!);
    }
  }
  return matched;
}

export function compareSchema(columns: ContractColumnType[], fields: FieldSchema[]): SchemaChange {
  const byName = new Map(fields.filter((f) => f.field !== undefined).map((f) => [f.field!, f]));
  const matched = matchFields(columns, [...byName.keys()]);
  const used = new Set(matched.values());
  const change: SchemaChange = { added: [...byName.keys()].filter((n) => !used.has(n)), dropped: [], retyped: [] };
  for (const c of columns) {
    const fieldName = matched.get(c.name);
    const field = fieldName === undefined ? undefined : byName.get(fieldName);
    if (field === undefined) change.dropped.push(c.name);
    else if (incompatibility(field, c.type) !== null) {
      change.retyped.push({ column: c.name, contract: formatSourceType(c.type), event: describeField(field) });
    }
  }
  return change;
}

export function isBreaking(change: SchemaChange): boolean {
  return change.dropped.length > 0 || change.retyped.length > 0;
}

export function describeSchemaChange(change: SchemaChange): string {
  const parts = [
    ...change.dropped.map((c) => `column ${c} dropped`),
    ...change.retyped.map((r) => `column ${r.column} expected ${r.contract}, got Debezium ${r.event}`),
    ...change.added.map((c) => `column ${c} added`),
  ];
  return parts.join('; ');
}
