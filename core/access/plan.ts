import { accessSchema, accessViewName, effectiveAccess, filterSourceProduct, filterTables, type AccessContext, type AccessRole, type EffectiveTable } from './policy.js';

/**
 * Which secured views a product has, for which roles, and where their row filters read: the plan
 * both warehouses build (DuckDB schemas, BigQuery datasets `access_<role>`).
 */

export interface SecuredViewPlan {
  role: string;
  schema: string;
  view: string;
  table: EffectiveTable;
}

export interface ProductAccessPlan {
  domain: string;
  product: string;
  views: SecuredViewPlan[];
  /** '<domain>.<table>' → [schema, name] of the published view a row filter (or the view itself) reads. */
  sources: Record<string, [string, string]>;
  /** Roles that may not read the product: none of their schemas gets a view of it. */
  refused: string[];
}

/** `published_<domain>.<product>__<table>` of a product ('<domain>.<product>') and a table ('<domain>.<table>'). */
export function publishedRelation(product: string, table: string): [string, string] {
  const [domain, name] = product.split('.') as [string, string];
  return [`published_${domain}`, `${name}__${table.split('.')[1]!}`];
}

export function planProductAccess(ctx: AccessContext, product: string, roles: readonly AccessRole[]): ProductAccessPlan {
  const [domain, name] = product.split('.') as [string, string];
  const views: SecuredViewPlan[] = [];
  const sources: Record<string, [string, string]> = {};
  const refused: string[] = [];
  for (const role of roles) {
    const access = effectiveAccess(ctx, role, product);
    if (!access.readable) {
      refused.push(role.role);
      continue;
    }
    for (const table of [...access.tables.map((t) => t.table), ...filterTables(access)]) {
      const from = filterSourceProduct(ctx, product, table);
      if (from !== undefined) sources[table] = publishedRelation(from, table);
    }
    for (const table of access.tables) {
      views.push({ role: role.role, schema: accessSchema(role.role), view: accessViewName(domain, name, table.table.split('.')[1]!), table });
    }
  }
  return { domain, product: name, views, sources, refused };
}
