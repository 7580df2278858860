import type { AccessPolicy, MaskStyle, PolicyRoleKind, RowFilter, Treatment } from '../../contracts/access-policy.js';
import type { PiiClass, TableContract } from '../../contracts/contract.js';
import { tryParseSourceType } from '../../contracts/source-types.js';
import { InvalidInputError } from '../errors.js';
import { qualifiedColumns } from '../qualified/columns.js';

/**
 * The effective access of one role to one data product, worked out from the access policy and the
 * contracts: each published column with its PII class (derived qualified columns carry the class of
 * their inputs, core/qualified/columns.ts) and treatment, and each table's row filter. Pure: the
 * DuckDB views, the BigQuery artefacts and `factory access show` are all generated from it.
 */

/** A role as the policy reads it: one of the declared kinds (an agency with its id), or a domain's DPO or deputy. */
export type AccessRole =
  | { role: string; kind: Exclude<PolicyRoleKind, 'agency'> }
  | { role: string; kind: 'agency'; agencyId: string }
  | { role: string; kind: 'steward'; domain: string };

/** The forms a role is written in (core/identity/roles.ts), for messages. */
export const roleForms = ['admin', 'engineer', 'callcentre', 'analyst', 'agency:<agency id>', 'dpo:<domain>', 'deputy:<domain>'];

/** Parses 'analyst', 'agency:101', 'dpo:booking'…; `domains` are the declared domain names (a steward's must be one). */
export function parseAccessRole(role: string, domains: readonly string[]): AccessRole {
  const [kind = '', attribute, extra] = role.split(':');
  const fail = (why: string) => new InvalidInputError(`role "${role}": ${why}; expected one of ${roleForms.join(', ')}`);
  if (extra !== undefined) throw fail('too many parts');
  if (kind === 'admin' || kind === 'engineer' || kind === 'callcentre' || kind === 'analyst') {
    if (attribute !== undefined) throw fail(`${kind} takes no attribute`);
    return { role, kind };
  }
  if (kind === 'agency') {
    if (!attribute || !/^[a-z0-9_]+$/.test(attribute)) throw fail('an agency role names the agency id, e.g. agency:101');
    return { role, kind, agencyId: attribute };
  }
  if (kind === 'dpo' || kind === 'deputy') {
    if (!attribute || !domains.includes(attribute)) throw fail(`unknown domain "${attribute ?? ''}" (declared: ${domains.join(', ')})`);
    return { role, kind: 'steward', domain: attribute };
  }
  throw fail('unknown role');
}

/** The schema a role's secured views live in: access_callcentre, access_agency_101, access_dpo_booking. */
export function accessSchema(role: string): string {
  const name = `access_${role.replace(/[:-]/g, '_')}`;
  if (!/^access_[a-z0-9_]+$/.test(name)) throw new InvalidInputError(`role "${role}": cannot name a schema after it`);
  return name;
}

/** A secured view's name in its role's schema: `<domain>__<product>__<table>`. */
export const accessViewName = (domain: string, product: string, table: string): string => `${domain}__${product}__${table}`;

export interface ProductRef {
  /** '<domain>.<product>'. */
  qualifiedName: string;
  /** Tables as '<domain>.<table>'. */
  tables: readonly string[];
}

export interface AccessContext {
  policy: AccessPolicy;
  /** Every declared product, in declaration order. */
  products: readonly ProductRef[];
  /** A table by '<domain>.<table>'; undefined when not declared. */
  table(qualified: string): TableContract | undefined;
}

export interface EffectiveColumn {
  name: string;
  type: string;
  pii: PiiClass;
  treatment: Treatment;
  /** How it is masked, when the treatment is `masked`. */
  mask?: MaskStyle;
  /** A decimal holding yyyymmdd (masked to its year by arithmetic). */
  yyyymmdd?: true;
  /** The columns a derived qualified value comes from; empty for contract columns. */
  derivedFrom: string[];
}

export type EffectiveFilter =
  | { kind: 'attribute'; column: string; value: string }
  | { kind: 'reaches'; column: string; through: { table: string; column: string; filter: EffectiveFilter | undefined } }
  /** A filtered role reading a table the policy gives no filter: no rows (the registry check refuses such a policy). */
  | { kind: 'deny' };

export interface EffectiveTable {
  /** '<domain>.<table>'. */
  table: string;
  columns: EffectiveColumn[];
  /** undefined: every row. */
  filter?: EffectiveFilter;
}

export interface EffectiveAccess {
  product: string;
  role: string;
  /** False when the role may not read the product at all: `tables` is then empty. */
  readable: boolean;
  tables: EffectiveTable[];
}

/** The declared role whose rules apply to a table (a steward reads outside their domain as `stewards.elsewhere`). */
function ruleKind(ctx: AccessContext, role: AccessRole): PolicyRoleKind {
  return role.kind === 'steward' ? ctx.policy.stewards.elsewhere : role.kind;
}

export function mayRead(ctx: AccessContext, role: AccessRole, product: string): boolean {
  if (role.kind === 'steward' && product.startsWith(`${role.domain}.`)) return true;
  const allowed = ctx.policy.roles[ruleKind(ctx, role)].products;
  return allowed === 'all' || allowed.includes(product);
}

function treatmentOf(ctx: AccessContext, role: AccessRole, table: string, pii: PiiClass): Treatment {
  if (role.kind === 'steward' && table.startsWith(`${role.domain}.`)) return 'clear';
  return ctx.policy.roles[ruleKind(ctx, role)].classes[pii];
}

const dateKinds = new Set(['DATE', 'TIMESTAMP']);

/** The declared style, else `year` for dates (and yyyymmdd numbers), else `initial`. */
export function maskStyleOf(ctx: Pick<AccessContext, 'policy'>, table: string, column: { name: string; type: string; yyyymmdd?: boolean }): MaskStyle {
  const declared = ctx.policy.maskStyles.find((m) => m.column === `${table}.${column.name}`);
  if (declared) return declared.style;
  const kind = tryParseSourceType(column.type)?.kind;
  return column.yyyymmdd || (kind !== undefined && dateKinds.has(kind)) ? 'year' : 'initial';
}

/** The columns of a table as published (contract columns, then derived qualified ones), with their treatment for a role. */
export function effectiveColumns(ctx: AccessContext, role: AccessRole, table: string): EffectiveColumn[] {
  const contract = ctx.table(table);
  if (!contract) throw new InvalidInputError(`table "${table}" is not declared`);
  const encoded = new Set(contract.columns.filter((c) => c.encoding === 'yyyymmdd').map((c) => c.name));
  return qualifiedColumns(contract, (q) => ctx.table(q)).map((c) => {
    const treatment = treatmentOf(ctx, role, table, c.pii);
    const yyyymmdd = encoded.has(c.name);
    return {
      name: c.name, type: c.type, pii: c.pii, treatment, derivedFrom: c.derivedFrom,
      ...(yyyymmdd ? { yyyymmdd: true as const } : {}),
      ...(treatment === 'masked' ? { mask: maskStyleOf(ctx, table, { ...c, yyyymmdd }) } : {}),
    };
  });
}

/** A filtered role's filter of a table: its own, resolved through the tables it reaches (at most `depth` deep). */
export function rowFilterOf(ctx: AccessContext, role: AccessRole, table: string, depth = 0): EffectiveFilter | undefined {
  if (role.kind !== 'agency') return undefined;
  const rules = ctx.policy.roles.agency;
  const rule: RowFilter | undefined = rules.rowFilters.find((f) => f.table === table);
  if (!rule) return rules.unfiltered.includes(table) ? undefined : { kind: 'deny' };
  if (rule.kind === 'attribute') return { kind: 'attribute', column: rule.column, value: role.agencyId };
  // The registry check refuses cycles; the bound keeps a hand-made policy from recursing forever.
  if (depth > 8) return { kind: 'deny' };
  const [domain, name, column] = rule.through.split('.') as [string, string, string];
  const through = `${domain}.${name}`;
  return { kind: 'reaches', column: rule.column, through: { table: through, column, filter: rowFilterOf(ctx, role, through, depth + 1) } };
}

/** What a role sees of a product: nothing when it may not read it. */
export function effectiveAccess(ctx: AccessContext, role: AccessRole, product: string): EffectiveAccess {
  const found = ctx.products.find((p) => p.qualifiedName === product);
  if (!found) throw new InvalidInputError(`unknown product "${product}" (declared: ${ctx.products.map((p) => p.qualifiedName).join(', ')})`);
  if (!mayRead(ctx, role, product)) return { product, role: role.role, readable: false, tables: [] };
  return {
    product, role: role.role, readable: true,
    tables: found.tables.map((table) => {
      const filter = rowFilterOf(ctx, role, table);
      return { table, columns: effectiveColumns(ctx, role, table), ...(filter ? { filter } : {}) };
    }),
  };
}

/**
 * The product whose published view holds a table's rows for a row filter that reaches it from
 * another product: the product itself when it has the table, else the first product declaring it
 * (booking.booking → booking.bookings), so every filter reads one published, approved version.
 */
export function filterSourceProduct(ctx: Pick<AccessContext, 'products'>, product: string, table: string): string | undefined {
  const own = ctx.products.find((p) => p.qualifiedName === product);
  if (own?.tables.includes(table)) return product;
  return ctx.products.find((p) => p.tables.includes(table))?.qualifiedName;
}

/** Describes a filter in words, for `factory access show`. */
export function describeFilter(filter: EffectiveFilter | undefined): string {
  if (!filter) return 'all rows';
  switch (filter.kind) {
    case 'deny': return 'no rows (no filter declared)';
    case 'attribute': return `${filter.column} = ${filter.value}`;
    case 'reaches': return `${filter.column} in ${filter.through.table}.${filter.through.column} of rows where ${describeFilter(filter.through.filter)}`;
  }
}

/** Every role secured views are built for: the fixed ones, each domain's DPO and deputies, and the given agencies. */
export function accessRoles(domains: readonly string[], agencyIds: readonly string[]): AccessRole[] {
  return [
    ...(['admin', 'engineer', 'callcentre', 'analyst'] as const).map((kind) => ({ role: kind, kind })),
    ...domains.flatMap((domain) => (['dpo', 'deputy'] as const).map((k) => ({ role: `${k}:${domain}`, kind: 'steward' as const, domain }))),
    ...agencyIds.map((agencyId) => ({ role: `agency:${agencyId}`, kind: 'agency' as const, agencyId })),
  ];
}

/** The tables a role's filters read, beyond the product's own: each chain's `through` tables. */
export function filterTables(access: EffectiveAccess): string[] {
  const found = new Set<string>();
  const walk = (f: EffectiveFilter | undefined) => {
    if (f?.kind !== 'reaches') return;
    found.add(f.through.table);
    walk(f.through.filter);
  };
  for (const t of access.tables) walk(t.filter);
  return [...found];
}
