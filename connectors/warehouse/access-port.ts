import type { EffectiveTable } from '../../core/access/policy.js';

/**
 * Secured views on the warehouse port (capability 'accessViews'): per role a schema
 * (`access_<role>`: access_analyst, access_agency_101, access_dpo_booking), and in it one view per
 * table of each product the role may read, `<domain>__<product>__<table>`, selecting from the
 * published view `published_<domain>.<product>__<table>` with each column's treatment and the
 * role's row filter (core/access/sql.ts). Readers are given their role's schema only: the views are
 * where the policy is enforced.
 */

export interface AccessViewSpec {
  /** The role, e.g. 'agency:101'. */
  role: string;
  /** `access_<role>`. */
  schema: string;
  /** `<domain>__<product>__<table>`. */
  view: string;
  /** The columns, treatments and row filter of the table for the role. */
  table: EffectiveTable;
}

export interface BuildAccessViewsInput {
  /** The product's domain and name: its published views are `published_<domain>.<product>__<table>`. */
  domain: string;
  product: string;
  /** Every secured view the product has from now on; others of the product are dropped. */
  views: AccessViewSpec[];
  /** Where row filters read a table's rows ('<domain>.<table>' → [schema, view] of a published view). */
  sources: Record<string, [schema: string, name: string]>;
  /** The pseudonym key. Never leaves the process: it is not part of any activity input. */
  key: Uint8Array;
}

export interface AccessViewOutcome {
  role: string;
  /** `access_<role>.<domain>__<product>__<table>`. */
  view: string;
  columns: string[];
  /** Left out of the view: hidden by the policy, or not known to the contract. */
  hidden: string[];
  filtered: boolean;
  /** Tables a row filter reaches that are not published yet: the view shows no rows until they are. */
  missingSources: string[];
}

export interface BuildAccessViewsResult {
  product: string;
  views: AccessViewOutcome[];
  /** Views of the product that no role may read any more, dropped. */
  dropped: string[];
  /** Set when nothing was built, with why (the product is not published yet). */
  skipped?: string;
}

/**
 * What the build activity returns to a workflow: the views of every role but agencies in full, the
 * agencies' views counted (one schema per agency makes thousands: listing them all would exceed
 * Temporal's payload limit), and at most 50 dropped view names with their count.
 */
export interface AccessViewsSummary {
  product: string;
  views: AccessViewOutcome[];
  agencyViews: { count: number; agencies: number; sample?: AccessViewOutcome };
  dropped: string[];
  droppedCount: number;
  skipped?: string;
}

const listedDrops = 50;

export function summarizeAccessViews(result: BuildAccessViewsResult): AccessViewsSummary {
  const agency = result.views.filter((v) => v.role.startsWith('agency:'));
  return {
    product: result.product,
    views: result.views.filter((v) => !v.role.startsWith('agency:')),
    agencyViews: { count: agency.length, agencies: new Set(agency.map((v) => v.role)).size, ...(agency[0] ? { sample: agency[0] } : {}) },
    dropped: result.dropped.slice(0, listedDrops),
    droppedCount: result.dropped.length,
    ...(result.skipped !== undefined ? { skipped: result.skipped } : {}),
  };
}

/** Capability 'accessViews'. */
export interface AccessViews {
  /** The ids of the agencies in the warehouse (current rows of raw_distribution.agency); [] when that table is not loaded. */
  agencyIds(): Promise<string[]>;
  /** Creates or replaces the product's secured views and drops its stale ones, in one transaction. */
  buildAccessViews(input: BuildAccessViewsInput): Promise<BuildAccessViewsResult>;
}
