import { z } from 'zod';

/**
 * The data-subject declaration (GDPR erasure): which identifier names a person, and every table an
 * erasure of that person reaches, through which column, and whether it deletes the rows or keeps them
 * anonymised. Field rules only; the rules against the domain contracts (columns exist and reference
 * what they should, every reference to an erased table is covered, anonymised columns are nullable)
 * live in domains/data-subjects-checks.ts.
 */

const tableRef = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "expected '<domain>.<table>'");
const columnRef = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Z][A-Z0-9_]*$/, "expected '<domain>.<table>.<COLUMN>'");

export const erasureActions = ['delete', 'anonymise'] as const;
export type ErasureAction = (typeof erasureActions)[number];

export const reachSchema = z.strictObject({
  table: tableRef,
  /**
   * A column of `table` holding the subject's key or the key of another reached table: its
   * `references` points at the subject key or at that table's single-column key. The subject's own
   * table names its key column.
   */
  via: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case column name such as BOOKING_ID'),
  /** delete the rows, or keep them with every PII column (class other than none) set to NULL. */
  action: z.enum(erasureActions),
  /** Why rows are kept: required for 'anonymise' (e.g. a legal retention duty). */
  reason: z.string().min(1).optional(),
});

export const dataSubjectSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name such as customer'),
  /** The identifier an erasure request names: '<domain>.<table>.<COLUMN>'. */
  key: columnRef,
  /** The domain whose DPO (or deputies) approve an erasure; default: the key's domain. */
  approvingDomain: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
  reach: z.array(reachSchema).min(1),
});

export type ReachDeclaration = z.infer<typeof reachSchema>;
export type DataSubjectDeclaration = z.input<typeof dataSubjectSchema>;
export type DataSubject = z.infer<typeof dataSubjectSchema> & { approvingDomain: string };
