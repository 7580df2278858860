/**
 * What the warehouse owner offers the publication of a data product (workflows/publish-data-product.ts).
 *
 * Names, in the product's domain schema `published_<domain>`:
 * - `<product>__<table>__v<version>`: the frozen snapshot of one table for one candidate version,
 *   taken when the candidate is built — what the DPO approves is exactly what readers will get;
 * - `<product>__<table>`: the view readers query; promotion repoints every view of the product to
 *   the approved version in one transaction, so a reader never sees tables of two versions.
 *
 * Views are named per product, not per table: two products of a domain may share a table (booking's
 * `bookings` and `booking_funnel` both hold `booking`) and publish different versions of it.
 * Snapshots of published versions are kept (the audit trail points at them); snapshots of versions
 * that were rejected, expired or superseded before publication are dropped.
 */

export interface ProductTableRef {
  /** Domain and table of the contract table ('<domain>.<table>' of the product). */
  domain: string;
  table: string;
}

export interface ProductVersionTables {
  /** The product's own domain: its published schema. */
  domain: string;
  product: string;
  version: number;
  tables: ProductTableRef[];
}

export interface SnapshotTableResult {
  /** '<domain>.<table>'. */
  table: string;
  /** Qualified snapshot name, `published_<domain>.<product>__<table>__v<version>`. */
  snapshot: string;
  /** Where the rows came from: the qualified view when there is one, else the live rows of raw. */
  from: string;
  rows: number;
  /** Order-independent content checksum of the snapshot's rows (warehouse-specific; compare within one warehouse). */
  checksum: string;
}

export interface SnapshotProductResult {
  tables: SnapshotTableResult[];
  /** True when the snapshots already existed (an activity retry): nothing was copied. */
  alreadyTaken: boolean;
}

export interface PublishedViewStats {
  table: string;
  /** Qualified view name, `published_<domain>.<product>__<table>`. */
  view: string;
  rows: number;
  checksum: string;
}

export interface PromoteProductResult {
  /** Each view as readers see it after the commit (count and checksum read inside the transaction). */
  views: PublishedViewStats[];
  /** The version the views served before, or null for a first publication. */
  previousVersion: number | null;
  /** Views of tables that left the product with this version, dropped in the same transaction. */
  droppedViews: string[];
}

export interface PublishedProductInput { domain: string; product: string }
export interface PublishedProductResult {
  version: number | null;
  views: PublishedViewStats[];
}

/** Capability 'publication'. */
export interface Publication {
  /** Copies each table of the product into its version snapshot, all in one transaction; idempotent. */
  snapshotProduct(input: ProductVersionTables): Promise<SnapshotProductResult>;
  /** Repoints every view of the product to the version's snapshots in one transaction; idempotent. */
  promoteProduct(input: ProductVersionTables): Promise<PromoteProductResult>;
  /** Drops a version's snapshots, unless that version is the one published. */
  dropSnapshot(input: ProductVersionTables): Promise<{ dropped: string[] }>;
  /** The version the product's views serve, with count and checksum per view. */
  publishedProduct(input: PublishedProductInput): Promise<PublishedProductResult>;
}

const lowerName = /^[a-z][a-z0-9_]*$/;

function checkName(kind: string, name: string): void {
  if (!lowerName.test(name)) throw new Error(`${kind} '${name}': expected a lower-case name like booking_line`);
}

/** The view readers query: `published_<domain>.<product>__<table>` as [schema, name]. */
export function publishedViewName(domain: string, product: string, table: string): [string, string] {
  for (const [kind, name] of [['domain', domain], ['product', product], ['table', table]] as const) checkName(kind, name);
  return [`published_${domain}`, `${product}__${table}`];
}

/** The snapshot of one table for one version: `published_<domain>.<product>__<table>__v<version>` as [schema, name]. */
export function snapshotTableName(domain: string, product: string, table: string, version: number): [string, string] {
  if (!Number.isInteger(version) || version < 1) throw new Error(`version ${version}: expected a whole number from 1`);
  const [schema, view] = publishedViewName(domain, product, table);
  return [schema, `${view}__v${version}`];
}

/** Two tables of one product with the same name (from two domains) would share a view name: refuse them. */
export function assertDistinctTables(product: string, tables: ProductTableRef[]): void {
  const seen = new Map<string, string>();
  for (const t of tables) {
    const other = seen.get(t.table);
    if (other !== undefined && other !== t.domain) {
      throw new Error(`product ${product}: tables ${other}.${t.table} and ${t.domain}.${t.table} would both publish as ${product}__${t.table}; rename one`);
    }
    seen.set(t.table, t.domain);
  }
}

/**
 * Snapshots each table of a version not recorded yet (`known`, by '<domain>.<table>'), in the
 * product's order: what both adapters' snapshotProduct does around their own copy (`take`).
 */
export async function snapshotMissing(
  tables: ProductTableRef[], known: ReadonlyMap<string, SnapshotTableResult>, take: (t: ProductTableRef, ref: string) => Promise<SnapshotTableResult>,
): Promise<SnapshotProductResult> {
  const results: SnapshotTableResult[] = [];
  for (const t of tables) {
    const ref = `${t.domain}.${t.table}`;
    results.push(known.get(ref) ?? await take(t, ref));
  }
  return { tables: results, alreadyTaken: tables.every((t) => known.has(`${t.domain}.${t.table}`)) };
}
