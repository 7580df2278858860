import type { TableContract } from '../../contracts/contract.js';

/**
 * The qualified layer on the warehouse port: `qualified_<domain>.<table>` views over the raw tables,
 * with the tables' business rules applied (core/qualified/sql.ts). Building is idempotent: views are
 * created or replaced, so it runs after every backfill of a domain and on demand.
 */

export interface BuildQualifiedLayerInput {
  domain: string;
  /** The tables of the domain to build views for (usually all of them). */
  tables: TableContract[];
}

export interface QualifiedViewOutcome {
  /** '<domain>.<table>'. */
  table: string;
  /** The view's name, `qualified_<domain>.<table>`. */
  view: string;
  columns: number;
  /** False while the raw table has no `_deleted` column (never captured): the view cannot leave tombstones out yet. */
  tombstoneFilter: boolean;
}

export interface SkippedQualifiedView {
  table: string;
  /** Why there is no view: a raw table missing or lacking a column, named. */
  reason: string;
}

export interface BuildQualifiedLayerResult {
  domain: string;
  views: QualifiedViewOutcome[];
  skipped: SkippedQualifiedView[];
}

/** Capability 'qualifiedLayer'. */
export interface QualifiedLayer {
  /** Creates or replaces the `qualified_<domain>` views of the given tables. */
  buildQualifiedLayer(input: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult>;
}
