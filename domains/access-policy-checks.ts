import { accessPolicySchema, policyRoleKinds, type AccessPolicy, type MaskStyle, type PolicyRoleKind } from '../contracts/access-policy.js';
import type { DomainContract, PiiClass, TableContract } from '../contracts/contract.js';
import { tryParseSourceType } from '../contracts/source-types.js';
import { qualifiedColumns, type QualifiedColumn } from '../core/qualified/columns.js';
import type { ContractIssue } from './errors.js';
import { productTables } from './products.js';

/**
 * The access policy against the contracts: every product, table and column it names exists, masking
 * styles fit their columns' types, row filters follow declared references and end at an attribute,
 * and a filtered role (an agency) reads no table with personal data unfiltered. Each issue names the
 * domain, table, column and the role (in `field`: `accessPolicy.roles.<role>…`).
 */

const policyDomain = '(access policy)';
const textKinds = new Set(['CHAR', 'VARCHAR', 'CLOB', 'GRAPHIC', 'VARGRAPHIC']);
const dateKinds = new Set(['DATE', 'TIMESTAMP']);

interface Ctx {
  contracts: readonly DomainContract[];
  policy: AccessPolicy;
  issues: ContractIssue[];
}

const split = (name: string) => name.split('.') as [string, string, string?];

function tableOf(ctx: Ctx, qualified: string): TableContract | undefined {
  const [domain, table] = split(qualified);
  return ctx.contracts.find((c) => c.name === domain)?.tables.find((t) => t.name === table);
}

function columnsOf(ctx: Ctx, table: TableContract): QualifiedColumn[] {
  return qualifiedColumns(table, (q) => tableOf(ctx, q));
}

/** Reports an unknown table or column at `field`; returns the column when it resolves. */
function resolveColumn(ctx: Ctx, qualified: string, field: string): { table: TableContract; column: QualifiedColumn } | undefined {
  const [domain, name, column] = split(qualified);
  const table = resolveTable(ctx, `${domain}.${name}`, field);
  if (!table || column === undefined) return undefined;
  const found = columnsOf(ctx, table).find((c) => c.name === column);
  if (!found) {
    ctx.issues.push({ domain, table: name, column, field, message: `column "${column}" is not declared in table "${domain}.${name}" (declared: ${columnsOf(ctx, table).map((c) => c.name).join(', ')})` });
    return undefined;
  }
  return { table, column: found };
}

function resolveTable(ctx: Ctx, qualified: string, field: string): TableContract | undefined {
  const [domain, name] = split(qualified);
  const contract = ctx.contracts.find((c) => c.name === domain);
  if (!contract) {
    ctx.issues.push({ domain: policyDomain, field, message: `"${qualified}": domain "${domain}" is not declared (declared: ${ctx.contracts.map((c) => c.name).join(', ')})` });
    return undefined;
  }
  const table = contract.tables.find((t) => t.name === name);
  if (!table) ctx.issues.push({ domain, field, message: `"${qualified}": table "${name}" is not declared in domain "${domain}" (declared: ${contract.tables.map((t) => t.name).join(', ')})` });
  return table;
}

function checkProducts(ctx: Ctx): void {
  const declared = ctx.contracts.flatMap((d) => d.products.map((p) => `${d.name}.${p.name}`));
  for (const kind of policyRoleKinds) {
    const products = ctx.policy.roles[kind].products;
    if (products === 'all') continue;
    products.forEach((name, i) => {
      if (declared.includes(name)) return;
      ctx.issues.push({ domain: split(name)[0], product: split(name)[1], field: `accessPolicy.roles.${kind}.products[${i}]`, message: `role ${kind}: product "${name}" is not declared (declared: ${declared.join(', ')})` });
    });
  }
}

function styleFits(style: MaskStyle, column: QualifiedColumn, table: TableContract): string | undefined {
  const kind = tryParseSourceType(column.type)?.kind ?? 'VARCHAR';
  const encoded = table.columns.find((c) => c.name === column.name)?.encoding === 'yyyymmdd';
  if (style === 'year') return dateKinds.has(kind) || encoded ? undefined : `style "year" needs a DATE, a TIMESTAMP or a yyyymmdd-encoded number; the column is ${column.type}`;
  return textKinds.has(kind) ? undefined : `style "${style}" needs a text column; the column is ${column.type}`;
}

function checkMaskStyles(ctx: Ctx): void {
  ctx.policy.maskStyles.forEach((m, i) => {
    const field = `accessPolicy.maskStyles[${i}]`;
    const found = resolveColumn(ctx, m.column, field);
    const [domain, table, column] = split(m.column);
    if (ctx.policy.maskStyles.findIndex((o) => o.column === m.column) !== i) ctx.issues.push({ domain, table, column, field, message: `a masking style for ${m.column} is declared twice` });
    const misfit = found && styleFits(m.style, found.column, found.table);
    if (misfit) ctx.issues.push({ domain, table, column, field, message: misfit });
  });
}

/** Whether the contracts link `a` and `b` ('<domain>.<table>.<COLUMN>') by a reference, either way. */
function linked(ctx: Ctx, a: string, b: string): boolean {
  const ref = (from: string) => {
    const [d, t, c] = split(from);
    return tableOf(ctx, `${d}.${t}`)?.columns.find((x) => x.name === c)?.references;
  };
  return ref(a) === b || ref(b) === a;
}

function checkRowFilters(ctx: Ctx, kind: PolicyRoleKind): void {
  const rules = ctx.policy.roles[kind];
  const at = (i: number) => `accessPolicy.roles.${kind}.rowFilters[${i}]`;
  if (kind !== 'agency') {
    if (rules.rowFilters.length > 0 || rules.unfiltered.length > 0) {
      ctx.issues.push({ domain: policyDomain, field: `accessPolicy.roles.${kind}`, message: `role ${kind} has no attribute to filter rows by: only agency (agency:<id>) takes rowFilters and unfiltered` });
    }
    return;
  }
  const filtered = new Map(rules.rowFilters.map((f) => [f.table, f]));
  rules.rowFilters.forEach((f, i) => {
    const [domain, table] = split(f.table);
    if (rules.rowFilters.findIndex((o) => o.table === f.table) !== i) ctx.issues.push({ domain, table, field: at(i), message: `role ${kind}: a second row filter for ${f.table}` });
    const own = resolveColumn(ctx, `${f.table}.${f.column}`, at(i));
    if (!own || f.kind === 'attribute') return;
    const through = resolveColumn(ctx, f.through, `${at(i)}.through`);
    if (!through) return;
    const [throughDomain, throughTable] = split(f.through);
    if (!filtered.has(`${throughDomain}.${throughTable}`)) {
      ctx.issues.push({ domain, table, column: f.column, field: `${at(i)}.through`, message: `role ${kind}: "${f.through}" reaches table ${throughDomain}.${throughTable}, which has no row filter of its own` });
    } else if (!linked(ctx, `${f.table}.${f.column}`, f.through)) {
      ctx.issues.push({ domain, table, column: f.column, field: `${at(i)}.through`, message: `role ${kind}: no contract reference links ${f.table}.${f.column} and ${f.through} (either column's 'references' must name the other)` });
    }
  });
  // Every chain must end at an attribute filter.
  rules.rowFilters.forEach((f, i) => {
    const seen: string[] = [f.table];
    for (let rule = f; rule.kind === 'reaches';) {
      const next = filtered.get(split(rule.through).slice(0, 2).join('.'));
      if (!next) return;
      if (seen.includes(next.table)) {
        const [domain, table] = split(f.table);
        ctx.issues.push({ domain, table, column: f.column, field: at(i), message: `role ${kind}: row filters form a cycle ${[...seen, next.table].join(' → ')}; a chain must end at an attribute filter` });
        return;
      }
      seen.push(next.table);
      rule = next;
    }
  });
}

/** A filtered role reads each table of its products through a filter, or whole when it shows nothing personal. */
function checkCoverage(ctx: Ctx, kind: PolicyRoleKind): void {
  const rules = ctx.policy.roles[kind];
  if (kind !== 'agency') return;
  const filtered = new Set(rules.rowFilters.map((f) => f.table));
  rules.unfiltered.forEach((name, i) => {
    const field = `accessPolicy.roles.${kind}.unfiltered[${i}]`;
    const table = resolveTable(ctx, name, field);
    const [domain, tableName] = split(name);
    if (filtered.has(name)) ctx.issues.push({ domain, table: tableName, field, message: `role ${kind}: ${name} is both filtered and unfiltered` });
    const shown = table ? columnsOf(ctx, table).filter((c) => c.pii !== 'none' && rules.classes[c.pii as PiiClass] !== 'hidden') : [];
    for (const c of shown) ctx.issues.push({ domain, table: tableName, column: c.name, field, message: `role ${kind} would read ${c.pii} data of every row unfiltered: give ${name} a row filter or hide class ${c.pii}` });
  });
  const readable = rules.products === 'all' ? ctx.contracts.flatMap((d) => d.products.map((p) => ({ d, p }))) : rules.products.flatMap((name) => {
    const [domain, product] = split(name);
    const d = ctx.contracts.find((c) => c.name === domain);
    const p = d?.products.find((x) => x.name === product);
    return d && p ? [{ d, p }] : [];
  });
  for (const { d, p } of readable) {
    for (const table of productTables(d, p)) {
      if (filtered.has(table) || rules.unfiltered.includes(table)) continue;
      const [domain, name] = split(table);
      ctx.issues.push({ domain: d.name, product: p.name, field: `accessPolicy.roles.${kind}`, message: `role ${kind} reads product ${d.name}.${p.name}, whose table ${domain}.${name} has no row filter and is not listed as unfiltered` });
    }
  }
}

/** Problems of an access policy declaration against the loaded contracts; [] when it holds. */
export function checkAccessPolicy(declaration: unknown, contracts: readonly DomainContract[]): { policy?: AccessPolicy; issues: ContractIssue[] } {
  const parsed = accessPolicySchema.safeParse(declaration);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((i) => ({ domain: policyDomain, field: ['accessPolicy', ...i.path.map(String)].join('.'), message: i.message })) };
  }
  const ctx: Ctx = { contracts, policy: parsed.data, issues: [] };
  checkProducts(ctx);
  checkMaskStyles(ctx);
  for (const kind of policyRoleKinds) {
    checkRowFilters(ctx, kind);
    checkCoverage(ctx, kind);
  }
  return ctx.issues.length > 0 ? { issues: ctx.issues } : { policy: parsed.data, issues: [] };
}
