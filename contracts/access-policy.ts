import { z } from 'zod';
import { piiClasses } from './contract.js';

/**
 * The access policy language: who reads which data products, and how each PII class of the
 * contracts reaches them. One declaration (domains/access-policy.ts) for all domains; the domain
 * registry checks it against the contracts when it loads (domains/access-policy-checks.ts), and the
 * warehouses enforce it (secured views on DuckDB; policy tags, masking and row access policies on
 * BigQuery). Objects are strict, so a misspelt key is an error, not a silently clear column.
 */

/** How a column reaches a reader: as stored, partly masked, as a keyed hash (stable, so joins work), or not at all. */
export const treatments = ['clear', 'masked', 'pseudonymised', 'hidden'] as const;
export type Treatment = (typeof treatments)[number];

/**
 * How a masked value looks: `email` j***@example.org, `phone` *******42 (the last two digits),
 * `email_or_phone` by content (a value with '@' as an e-mail), `year` a date (or a yyyymmdd number)
 * cut to its year, `initial` the first character and ***.
 */
export const maskStyles = ['email', 'phone', 'email_or_phone', 'year', 'initial'] as const;
export type MaskStyle = (typeof maskStyles)[number];

/** Roles whose policy is declared; a domain's DPO and deputies are `stewards` below. */
export const policyRoleKinds = ['admin', 'engineer', 'callcentre', 'analyst', 'agency'] as const;
export type PolicyRoleKind = (typeof policyRoleKinds)[number];

const treatment = z.enum(treatments);
const productName = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "expected '<domain>.<product>'");
const tableName = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "expected '<domain>.<table>'");
const columnName = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Z][A-Z0-9_]*$/, "expected '<domain>.<table>.<COLUMN>'");

/** One treatment per PII class: every class must be named, so a new class cannot default to clear. */
export const classTreatmentsSchema = z.strictObject(
  Object.fromEntries(piiClasses.map((c) => [c, treatment])) as Record<(typeof piiClasses)[number], typeof treatment>,
);

/**
 * A row filter of a table, for a role with an attribute (an agency's id):
 * - `attribute`: rows whose `column` equals the role's attribute (booking.booking.AGENCY_ID = 101);
 * - `reaches`: rows whose `column` is among the `through` column's values of the rows the role sees
 *   of that (filtered) table — a booking line through its booking, a customer through the bookings
 *   that name it. The contracts must link the two columns by a reference, one way or the other.
 */
export const rowFilterSchema = z.discriminatedUnion('kind', [
  z.strictObject({ table: tableName, kind: z.literal('attribute'), column: z.string().regex(/^[A-Z][A-Z0-9_]*$/), description: z.string().optional() }),
  z.strictObject({ table: tableName, kind: z.literal('reaches'), column: z.string().regex(/^[A-Z][A-Z0-9_]*$/), through: columnName, description: z.string().optional() }),
]);

export const rolePolicySchema = z.strictObject({
  description: z.string().min(1),
  /** The products the role may read at all: '<domain>.<product>' names, or 'all'. */
  products: z.union([z.literal('all'), z.array(productName)]),
  classes: classTreatmentsSchema,
  /** Row filters (roles with an attribute only); a table of a readable product needs one, or a place in `unfiltered`. */
  rowFilters: z.array(rowFilterSchema).default([]),
  /** Tables a filtered role reads whole: they must hold no personal data the role sees. */
  unfiltered: z.array(tableName).default([]),
});

export const accessPolicySchema = z.strictObject({
  roles: z.strictObject(Object.fromEntries(policyRoleKinds.map((k) => [k, rolePolicySchema])) as Record<PolicyRoleKind, typeof rolePolicySchema>),
  /**
   * A domain's DPO and deputies (roles `dpo:<domain>`, `deputy:<domain>`) read their own domain's
   * tables clear and its products; elsewhere they read as the named role.
   */
  stewards: z.strictObject({ elsewhere: z.enum(['admin', 'engineer', 'callcentre', 'analyst']) }),
  /** Masking styles of columns whose type does not say it (an e-mail is text like any other). */
  maskStyles: z.array(z.strictObject({ column: columnName, style: z.enum(maskStyles) })).default([]),
});

export type RowFilter = z.infer<typeof rowFilterSchema>;
export type RolePolicy = z.infer<typeof rolePolicySchema>;
export type AccessPolicy = z.infer<typeof accessPolicySchema>;
export type AccessPolicyDeclaration = z.input<typeof accessPolicySchema>;
