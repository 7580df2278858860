import type { z } from 'zod';
import {
  approvalPolicySchema, columnSchema, dataProductSchema, domainSchema, personSchema, piiClasses, productRetentionSchema, sourceSchema, tableRetentionSchema, tableSchema,
} from '../contracts/contract.js';
import type { ContractIssue } from './errors.js';
import { businessRuleSchema } from '../contracts/business-rules.js';
import { qualityRuleSchema, rowRuleKinds } from '../contracts/quality-rules.js';

/**
 * Turns zod's issues into contract issues: the path is re-read against the declaration so that
 * 'tables[2].columns[4].pii' becomes table "customer", column "EMAIL", field "pii", and zod's generic
 * wording ("Invalid input: expected object, received undefined") says what the contract expects.
 */

type Path = readonly PropertyKey[];

/** What a required field holds, by the field's name and where it sits. */
function expectedFor(path: Path, fallback: string): string {
  const key = String(path[path.length - 1]);
  const inColumn = path.includes('columns');
  const inPerson = path[0] === 'dpo' || path[0] === 'deputies';
  const inRule = path.includes('qualityRules') || path.includes('businessRules');
  if (key === 'dpo') return '{ id, name } of the Data Product Owner';
  if (key === 'name' && inColumn) return 'an upper-case SQL name like BOOKING_ID';
  if (key === 'name' && inPerson) return "the person's display name";
  if (key === 'name') return 'a lower-case name like booking_line';
  if (key === 'id' && inPerson) return 'the SSO / LDAP user id';
  if (key === 'id' && inRule) return 'a rule id, unique within the table';
  if (key === 'kind') return 'the rule kind';
  if (key === 'description') return 'a description for catalogue readers';
  if (key === 'tables') return path[0] === 'products' ? 'the tables this product publishes' : 'a non-empty array of tables';
  if (key === 'source') return '{ system, schema, table } of the source table';
  if (key === 'columns') return 'a non-empty array of columns';
  if (key === 'type') return "the DB2 source type, e.g. 'DECIMAL(9,2)'";
  if (key === 'system') return "the source system, e.g. 'db2'";
  if (key === 'schema' || key === 'table') return 'an upper-case SQL name like BOOK';
  if (key.endsWith('Days') && path.includes('retention')) return 'a whole number of days from 1 to 3650';
  return /^[aeiou]/.test(fallback) ? `an ${fallback}` : `a ${fallback}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Field names an object in this position accepts, for "unknown field" messages. */
function knownFields(path: Path): string[] {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  let shape: Record<string, unknown> = domainSchema.shape;
  if (typeof last === 'number' && parent === 'columns') shape = columnSchema.shape;
  else if (typeof last === 'number' && parent === 'tables') shape = tableSchema.shape;
  else if (typeof last === 'number' && parent === 'products') shape = dataProductSchema.shape;
  else if (last === 'dpo' || (typeof last === 'number' && parent === 'deputies')) shape = personSchema.shape;
  else if (last === 'source') shape = sourceSchema.shape;
  else if (last === 'approval') shape = approvalPolicySchema.shape;
  else if (last === 'retention') shape = path[path.length - 3] === 'products' ? productRetentionSchema.shape : tableRetentionSchema.shape;
  return Object.keys(shape);
}

function messageFor(issue: z.core.$ZodIssue): string {
  const path = issue.path;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `required — expected ${expectedFor(path, issue.expected)}`;
      return `got ${describeValue(issue.input)} — expected ${expectedFor(path, issue.expected)}`;
    case 'invalid_value':
      if (path[path.length - 1] === 'pii') return `unknown PII class ${describeValue(issue.input)} — expected one of ${piiClasses.join(', ')}`;
      return `got ${describeValue(issue.input)} — expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_format':
      // Our regexes carry their own "expected …" text; zod's built-in formats (email) do not.
      if (issue.format === 'regex') return `got ${describeValue(issue.input)} — ${issue.message}`;
      return `got ${describeValue(issue.input)} — expected a valid ${issue.format}`;
    case 'invalid_union': {
      // A rule kind that no option of the discriminated union declares.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (options !== undefined && discriminator !== undefined) {
        return `got ${describeValue(child(issue.input, discriminator))} — expected one of ${options.map(String).join(', ')}`;
      }
      return issue.message;
    }
    case 'too_small':
      if (issue.origin === 'array') return `empty — expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'empty — expected a non-empty string';
      // Bounds declared with their own "expected …" text (quality rule thresholds, percentages) keep it.
      if (issue.message.startsWith('expected')) return `got ${describeValue(issue.input)} — ${issue.message}`;
      return `got ${describeValue(issue.input)} — expected a positive number`;
    case 'too_big':
      if (issue.message.startsWith('expected')) return `got ${describeValue(issue.input)} — ${issue.message}`;
      return issue.message;
    default:
      return issue.message;
  }
}

/** The fields of the rule declared at `path` (a quality or business rule), by its kind. */
function ruleFields(declaration: unknown, path: Path): string[] | undefined {
  const parent = path[path.length - 2];
  if (parent !== 'businessRules' && parent !== 'qualityRules') return undefined;
  const kind = child(path.reduce<unknown>((value, key) => child(value, key), declaration), 'kind');
  const options: readonly { shape: { kind: { value: unknown } } }[] = parent === 'businessRules' ? businessRuleSchema.options : qualityRuleSchema.options;
  const option = options.find((o) => o.shape.kind.value === kind);
  return option === undefined ? undefined : Object.keys(option.shape);
}

/** Quarantine on a dataset rule: say why it is refused rather than only that the field is unknown. */
function quarantineMisplaced(declaration: unknown, path: Path, key: string): string | undefined {
  if (key !== 'quarantine' || path[path.length - 2] !== 'qualityRules') return undefined;
  const rule = path.reduce<unknown>((value, step) => child(value, step), declaration);
  const kind = child(rule, 'kind');
  if (typeof kind !== 'string' || (rowRuleKinds as readonly string[]).includes(kind)) return undefined;
  return `rule "${String(child(rule, 'id'))}" (${kind}): quarantine applies to row rules only (${rowRuleKinds.join(', ')}) — a ${kind} rule judges the table as a whole`;
}

/** Reads `obj[key]` of an unknown declaration without trusting its shape. */
function child(value: unknown, key: PropertyKey): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<PropertyKey, unknown>)[key];
}

function nameOf(value: unknown): string | undefined {
  const name = child(value, 'name');
  return typeof name === 'string' && name !== '' ? name : undefined;
}

export function formatPath(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/**
 * Locates a path inside a declaration: the named table/product/column it falls in, and what is left
 * as the field. Names come from the declaration itself, so they are shown even when invalid.
 */
export function locate(declaration: unknown, domain: string, path: Path): Omit<ContractIssue, 'message'> {
  const located: Omit<ContractIssue, 'message'> = { domain };
  let rest = [...path];
  const [top, index] = rest;
  if ((top === 'tables' || top === 'products') && typeof index === 'number') {
    const name = nameOf(child(child(declaration, top), index));
    if (name !== undefined) {
      if (top === 'tables') located.table = name;
      else located.product = name;
      rest = rest.slice(2);
      const [sub, colIndex] = rest;
      if (top === 'tables' && sub === 'columns' && typeof colIndex === 'number') {
        const column = nameOf(child(child(child(child(declaration, 'tables'), index), 'columns'), colIndex));
        if (column !== undefined) {
          located.column = column;
          rest = rest.slice(2);
        }
      }
    }
  }
  located.field = formatPath(rest);
  return located;
}

export function issuesFromZod(declaration: unknown, domain: string, error: z.ZodError): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per key, each pointing at the misspelt field itself.
      for (const key of issue.keys) {
        const message = quarantineMisplaced(declaration, issue.path, key)
          ?? `unknown field — expected one of ${(ruleFields(declaration, issue.path) ?? knownFields(issue.path)).join(', ')}`;
        issues.push({ ...locate(declaration, domain, [...issue.path, key]), message });
      }
      continue;
    }
    issues.push({ ...locate(declaration, domain, issue.path), message: messageFor(issue) });
  }
  return issues;
}
