import { piiClasses, type PiiClass } from '../../contracts/contract.js';
import type { Treatment } from '../../contracts/access-policy.js';
import { approverGroups } from '../identity/roles.js';
import { keyedHashSql } from '../keyed-hash.js';
import { bigquery, ident } from '../sql/bigquery.js';
import { tryParseSourceType } from '../../contracts/source-types.js';
import { accessRoles, effectiveAccess, effectiveColumns, rowFilterOf, type AccessContext, type AccessRole, type EffectiveColumn } from './policy.js';
import { filterSql, maskSql, securedViewSql } from './sql.js';
import { planProductAccess, type ProductAccessPlan } from './plan.js';

/**
 * The access policy as BigQuery enforces it, generated from the same policy as the DuckDB views:
 * - a policy-tag taxonomy (Data Catalog PolicyTagManager API): one tag per personal PII class, and
 *   under it one tag per masking style its columns use (a data masking rule belongs to a tag, and
 *   an e-mail is masked unlike a date);
 * - data policies (BigQuery DataPolicy API) per tag and treatment: predefined EMAIL_MASK and
 *   DATE_YEAR_MASK, our routines for the other masks and the keyed hash, with the directory groups
 *   that read through them (masked reader); clear readers get the tag's fine-grained reader role;
 *   `hidden` is no grant at all (BigQuery's column-level security denies the column);
 * - column schema patches (tables.patch) attaching the tags;
 * - row access policies (DDL) for the agencies, and an all-rows policy for every other reader;
 * - secured views per role (authorized views in datasets `access_<role>`), the same SELECT as DuckDB's.
 * Pure: payloads and DDL only; applying them needs BigQuery itself (the emulator has none of these APIs).
 */

export interface BigQueryAccessOptions {
  project: string;
  location: string;
  /** The e-mail domain of the directory groups, e.g. 'example.org': group:analysts@example.org. */
  groupDomain: string;
  /** Where the masking and pseudonym routines live; readable by nobody but BigQuery's data-policy service. */
  routineDataset?: string;
}

const taxonomyName = 'factory-pii';
const personal = piiClasses.filter((c): c is Exclude<PiiClass, 'none'> => c !== 'none');
const textKinds = new Set(['CHAR', 'VARCHAR', 'CLOB', 'GRAPHIC', 'VARGRAPHIC']);

/** The leaf a column's tag is: its class, then how it is masked ('contact.email', 'identity.year_date'). */
export function tagKey(pii: Exclude<PiiClass, 'none'>, column: Pick<EffectiveColumn, 'type' | 'yyyymmdd' | 'mask'>): string {
  const kind = tryParseSourceType(column.type)?.kind ?? 'VARCHAR';
  const style = column.mask === 'year' ? (column.yyyymmdd ? 'year_number' : 'year_date') : textKinds.has(kind) ? column.mask ?? 'initial' : 'value';
  return `${pii}.${style}`;
}

/** Every published column of every product with a personal class, with its tag leaf (styles as the policy gives them). */
function taggedColumns(ctx: AccessContext): Array<{ table: string; column: EffectiveColumn; tag: string }> {
  // Engineers' rules are irrelevant here: the style depends on the column, so read it as a role that masks every class.
  const masking: AccessContext = { ...ctx, policy: { ...ctx.policy, roles: { ...ctx.policy.roles, admin: { ...ctx.policy.roles.admin, classes: { none: 'clear', contact: 'masked', identity: 'masked', financial: 'masked', sensitive: 'masked' } } } } };
  const tables = [...new Set(ctx.products.flatMap((p) => p.tables))];
  return tables.flatMap((table) => effectiveColumns(masking, { role: 'admin', kind: 'admin' }, table)
    .filter((c) => c.pii !== 'none')
    .map((column) => ({ table, column, tag: tagKey(column.pii as Exclude<PiiClass, 'none'>, column) })));
}

export interface PolicyTagPlan {
  /** The taxonomy to create (projects.locations.taxonomies.create). */
  taxonomy: { displayName: string; description: string; activatedPolicyTypes: ['FINE_GRAINED_ACCESS_CONTROL'] };
  /** Tags to create under it, parents first; `parent` is the key of the parent tag (its resource name once created). */
  policyTags: Array<{ key: string; parent?: string; displayName: string; description: string }>;
}

export function policyTagTaxonomy(ctx: AccessContext): PolicyTagPlan {
  const leaves = [...new Set(taggedColumns(ctx).map((c) => c.tag))].sort();
  return {
    taxonomy: { displayName: taxonomyName, description: 'PII classes of the Data Factory contracts; masking per class and style from domains/access-policy.ts', activatedPolicyTypes: ['FINE_GRAINED_ACCESS_CONTROL'] },
    policyTags: [
      ...personal.map((c) => ({ key: c, displayName: c, description: `PII class ${c}` })),
      ...leaves.map((key) => ({ key, parent: key.split('.')[0]!, displayName: key.replace('.', '/'), description: `PII class ${key.split('.')[0]}, masked as ${key.split('.')[1]}` })),
    ],
  };
}

/** The group a role's members are in (core/identity/roles.ts), as an IAM member. */
export function roleMember(role: AccessRole, groupDomain: string): string {
  const groups: Record<string, string> = { admin: 'admins', engineer: 'engineers', callcentre: 'callcentre', analyst: 'analysts' };
  const group = role.kind === 'agency' ? `agency-${role.agencyId}`
    : role.kind === 'steward' ? approverGroups({ name: role.domain })[role.role.startsWith('dpo:') ? 'dpo' : 'deputies']
    : groups[role.kind]!;
  return `group:${group}@${groupDomain}`;
}

export interface DataPolicyPlan {
  /** The DataPolicy resource (projects.locations.dataPolicies.create); `policyTag` is the tag key, to replace by its resource name. */
  dataPolicy: {
    dataPolicyId: string;
    dataPolicyType: 'DATA_MASKING_POLICY';
    policyTag: string;
    dataMaskingPolicy: { predefinedExpression: string } | { routine: string };
  };
  /** IAM binding on the data policy: who reads the tag's columns through it. */
  binding: { role: 'roles/bigquerydatapolicy.maskedReader'; members: string[] };
}

export interface BigQueryAccessPlan {
  taxonomy: PolicyTagPlan;
  dataPolicies: DataPolicyPlan[];
  /** IAM bindings on tags: clear readers. */
  fineGrainedReaders: Array<{ policyTag: string; binding: { role: 'roles/datacatalog.categoryFineGrainedReader'; members: string[] } }>;
  /** CREATE FUNCTION statements for the routines the data policies name. */
  routines: string[];
}

function maskingOf(treatment: Treatment, leaf: string, routine: (name: string) => string): DataPolicyPlan['dataPolicy']['dataMaskingPolicy'] | undefined {
  const style = leaf.split('.')[1]!;
  if (treatment === 'pseudonymised') return style === 'year_date' || style === 'year_number' || style === 'value' ? { predefinedExpression: 'DEFAULT_MASKING_VALUE' } : { routine: routine('pseudonym') };
  if (treatment !== 'masked') return undefined;
  if (style === 'email') return { predefinedExpression: 'EMAIL_MASK' };
  if (style === 'year_date') return { predefinedExpression: 'DATE_YEAR_MASK' };
  if (style === 'value') return { predefinedExpression: 'DEFAULT_MASKING_VALUE' };
  return { routine: routine(`mask_${style}`) };
}

/**
 * The routines, taking and returning the column's type as BigQuery's masking requires (a yyyymmdd
 * number masked to its year is the year, as in the secured views). The pseudonym routine holds the key's padded material: its dataset must be readable
 * by nobody but the data-policy service.
 */
export function maskingRoutines(project: string, dataset: string, key: Uint8Array): string[] {
  const fn = (name: string, type: string, body: string) => `CREATE OR REPLACE FUNCTION ${ident(`${project}.${dataset}.${name}`)}(x ${type}) RETURNS ${type} AS (${body})`;
  return [
    fn('mask_phone', 'STRING', maskSql(bigquery, 'x', 'phone', {})),
    fn('mask_email_or_phone', 'STRING', maskSql(bigquery, 'x', 'email_or_phone', {})),
    fn('mask_initial', 'STRING', maskSql(bigquery, 'x', 'initial', {})),
    fn('mask_year_number', 'NUMERIC', `CAST(NULLIF(FLOOR(x / 10000), 0) AS NUMERIC)`),
    fn('pseudonym', 'STRING', keyedHashSql('bigquery', 'x', key)),
  ];
}

export function bigQueryAccessPlan(ctx: AccessContext, options: BigQueryAccessOptions, agencyIds: readonly string[], key: Uint8Array): BigQueryAccessPlan {
  const dataset = options.routineDataset ?? 'factory_access';
  const routine = (name: string) => `projects/${options.project}/datasets/${dataset}/routines/${name}`;
  const taxonomy = policyTagTaxonomy(ctx);
  const leaves = taxonomy.policyTags.filter((t) => t.parent !== undefined).map((t) => t.key);
  const domains = [...new Set(ctx.products.map((p) => p.qualifiedName.split('.')[0]!))];
  // Stewards read their own domain clear through their secured views only: a tag is per class, not per domain.
  const roles = accessRoles(domains, agencyIds).filter((r) => r.kind !== 'steward');
  const dataPolicies: DataPolicyPlan[] = [];
  const fineGrainedReaders: BigQueryAccessPlan['fineGrainedReaders'] = [];
  for (const leaf of leaves) {
    const pii = leaf.split('.')[0] as Exclude<PiiClass, 'none'>;
    const byTreatment = new Map<Treatment, string[]>();
    for (const role of roles) {
      const treatment = ctx.policy.roles[role.kind as Exclude<AccessRole['kind'], 'steward'>].classes[pii];
      byTreatment.set(treatment, [...(byTreatment.get(treatment) ?? []), roleMember(role, options.groupDomain)]);
    }
    for (const [treatment, members] of byTreatment) {
      if (treatment === 'clear') fineGrainedReaders.push({ policyTag: leaf, binding: { role: 'roles/datacatalog.categoryFineGrainedReader', members } });
      const masking = maskingOf(treatment, leaf, routine);
      if (!masking) continue;
      dataPolicies.push({
        dataPolicy: { dataPolicyId: `${leaf.replace('.', '_')}_${treatment}`, dataPolicyType: 'DATA_MASKING_POLICY', policyTag: leaf, dataMaskingPolicy: masking },
        binding: { role: 'roles/bigquerydatapolicy.maskedReader', members },
      });
    }
  }
  return { taxonomy, dataPolicies, fineGrainedReaders, routines: maskingRoutines(options.project, dataset, key) };
}

/** tables.patch bodies attaching each personal column's tag; `tagName` maps a tag key to the resource name the API gave it. */
export function columnTagPatches(ctx: AccessContext, product: string, tagName: (key: string) => string): Array<{ table: string; schema: { fields: Array<{ name: string; policyTags: { names: string[] } }> } }> {
  const found = ctx.products.find((p) => p.qualifiedName === product);
  const tagged = taggedColumns({ ...ctx, products: found ? [found] : [] });
  const tables = [...new Set(tagged.map((t) => t.table))];
  return tables.map((table) => ({
    table,
    schema: { fields: tagged.filter((t) => t.table === table).map((t) => ({ name: t.column.name, policyTags: { names: [tagName(t.tag)] } })) },
  }));
}

/**
 * Row access policies on a product's version snapshot tables (a policy attaches to a table, not to
 * a view). A table any filtered role reads gets one policy per agency, and one all-rows policy for
 * every other role that reads the product: once a table has a row access policy, whoever no policy
 * names sees no rows.
 */
export function rowAccessPolicyDdl(ctx: AccessContext, product: string, version: number, agencyIds: readonly string[], options: BigQueryAccessOptions): string[] {
  const [domain, name] = product.split('.') as [string, string];
  const path = (schema: string, view: string) => ident(`${options.project}.${schema}.${view}`);
  const domains = [...new Set(ctx.products.map((p) => p.qualifiedName.split('.')[0]!))];
  const readers = accessRoles(domains, agencyIds).filter((r) => effectiveAccess(ctx, r, product).readable);
  const agencies = readers.filter((r) => r.kind === 'agency');
  const others = readers.filter((r) => r.kind !== 'agency').map((r) => `"${roleMember(r, options.groupDomain)}"`);
  const plan: ProductAccessPlan = planProductAccess(ctx, product, agencies);
  const relation = (table: string) => (plan.sources[table] ? path(...plan.sources[table]!) : undefined);
  const tables = [...new Set(plan.views.filter((v) => v.table.filter !== undefined).map((v) => v.table.table))];
  return tables.flatMap((table) => {
    const on = path(`published_${domain}`, `${name}__${table.split('.')[1]!}__v${version}`);
    return [
      ...(others.length ? [`CREATE OR REPLACE ROW ACCESS POLICY all_rows ON ${on} GRANT TO (${others.join(', ')}) FILTER USING (TRUE)`] : []),
      ...agencies.map((role) => {
        const filter = rowFilterOf(ctx, role, table);
        const condition = filter ? filterSql(bigquery, filter, undefined, relation, new Set()) : 'TRUE';
        return `CREATE OR REPLACE ROW ACCESS POLICY agency_${role.kind === 'agency' ? role.agencyId : ''} ON ${on} GRANT TO ("${roleMember(role, options.groupDomain)}") FILTER USING (${condition})`;
      }),
    ];
  });
}

/**
 * The secured views of a product on BigQuery, authorized-view style: `CREATE VIEW` in each role's
 * dataset, and the access entries each published dataset needs so the views (not their readers)
 * may read it.
 */
export function bigQuerySecuredViews(ctx: AccessContext, product: string, roles: readonly AccessRole[], project: string, key: Uint8Array) {
  const plan = planProductAccess(ctx, product, roles);
  const path = (schema: string, view: string) => ident(`${project}.${schema}.${view}`);
  const views = plan.views.map((v) => {
    const present = v.table.columns.map((c) => c.name);
    const secured = securedViewSql({ dialect: bigquery, table: v.table, present, relation: (t) => (plan.sources[t] ? path(...plan.sources[t]!) : undefined), key });
    return { role: v.role, dataset: v.schema, view: v.view, columns: secured.columns, ddl: `CREATE OR REPLACE VIEW ${path(v.schema, v.view)} AS ${secured.select}` };
  });
  const sourceDatasets = [...new Set(Object.values(plan.sources).map(([schema]) => schema))];
  const authorizations = sourceDatasets.map((dataset) => ({
    dataset,
    access: views.map((v) => ({ view: { projectId: project, datasetId: v.dataset, tableId: v.view } })),
  }));
  return { views, authorizations };
}
