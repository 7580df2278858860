import { z } from 'zod';
import { qualityRuleSchema } from './quality-rules.js';
import { businessRuleSchema } from './business-rules.js';
import { kpiSchema } from './kpis.js';

/**
 * The contract schema: how a data domain is declared. A domain file reads like a description of the
 * data (keys, PII, rules); workflows interpret it. Source types are written the way the system of
 * record spells them (DB2), e.g. 'CHAR(3)', 'DECIMAL(31,8)', 'TIMESTAMP(6)', 'VARCHAR(120)'.
 *
 * This schema checks each field on its own. Rules that span fields or domains (keys name declared
 * columns, types parse, references resolve and form no cycle, names are unique) live in load.ts,
 * which is the only supported way to turn a declaration into a DomainContract.
 *
 * Objects are strict: a misspelt field ('nulable: true') would otherwise be dropped silently and the
 * column would land NOT NULL. Quality rules are declared in quality-rules.ts, business rules in
 * business-rules.ts.
 */

export const piiClasses = ['none', 'contact', 'identity', 'financial', 'sensitive'] as const;
export type PiiClass = (typeof piiClasses)[number];

const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case SQL name like BOOKING_ID');
const lowerName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name like booking_line');

export const personSchema = z.strictObject({
  /** SSO / LDAP user id: what approvals are checked against. */
  id: z.string().min(1),
  name: z.string().min(1),
  email: z.string().email().optional(),
});

export const columnSchema = z.strictObject({
  name: upperName,
  /** Source type as DB2 spells it. */
  type: z.string().min(1),
  nullable: z.boolean().default(false),
  pii: z.enum(piiClasses).default('none'),
  description: z.string().optional(),
  /** Foreign key, as '<domain>.<table>.<COLUMN>'; the demo source keeps it consistent, quality checks it. */
  references: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Z][A-Z0-9_]*$/, "expected '<domain>.<table>.<COLUMN>'").optional(),
  /** Legacy encoding the qualified layer decodes, e.g. a DECIMAL(8,0) holding yyyymmdd. */
  encoding: z.enum(['yyyymmdd']).optional(),
  /** CHAR padding as landed in raw: keep the source bytes (default) or trim trailing blanks. */
  padding: z.enum(['keep', 'trim']).default('keep'),
  /** Column override: the warehouse type to use instead of the mapped one. */
  warehouseType: z.string().optional(),
});

export { businessRuleSchema };

export const sourceSchema = z.strictObject({ system: z.string().min(1), schema: upperName, table: upperName });

/** An age in whole days; the defaults when a contract declares none are in retention.ts. */
const retentionDays = z.number()
  .int('expected a whole number of days from 1 to 3650')
  .min(1, 'expected a whole number of days from 1 to 3650')
  .max(3650, 'expected a whole number of days from 1 to 3650');

/** How long the table's change log keeps a change after it was ingested. */
export const tableRetentionSchema = z.strictObject({ changeLogDays: retentionDays });

/** How long a published version's snapshot is kept once a newer version serves the product. */
export const productRetentionSchema = z.strictObject({ supersededSnapshotDays: retentionDays });

export const tableSchema = z.strictObject({
  /** Warehouse name, lower case, unique within the domain. */
  name: lowerName,
  description: z.string().min(1),
  source: sourceSchema,
  /** Primary key columns; tables without one declare a uniqueKey (a unique index at the source). */
  primaryKey: z.array(upperName).min(1).optional(),
  uniqueKey: z.array(upperName).min(1).optional(),
  columns: z.array(columnSchema).min(1),
  qualityRules: z.array(qualityRuleSchema).default([]),
  businessRules: z.array(businessRuleSchema).default([]),
  /** Omitted: the default (retention.ts). Optional, not defaulted, so contracts without it stay as they were. */
  retention: tableRetentionSchema.optional(),
});

export const dataProductSchema = z.strictObject({
  name: lowerName,
  description: z.string().min(1),
  /** Tables of this domain or '<domain>.<table>' of another. */
  tables: z.array(z.string().min(1)).min(1),
  consumers: z.array(z.string()).default([]),
  /** Omitted: the default (retention.ts). */
  retention: productRetentionSchema.optional(),
  /**
   * `realtime`: besides the warehouse, the product's tables are kept current in the serving store
   * (PostgreSQL) by the same backfill and change stream, for screens that need tens of milliseconds
   * and seconds of freshness. Omitted: warehouse only. Optional, not defaulted, so contracts without it stay as they were.
   */
  serving: z.enum(['realtime']).optional(),
});

export const approvalPolicySchema = z.strictObject({
  reminderHours: z.number().positive().default(24),
  escalationHours: z.number().positive().default(72),
  expiryDays: z.number().positive().default(14),
  autoApproveNonBreaking: z.boolean().default(false),
});

const directoryGroup = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a directory group name such as dpo-booking');

export const domainSchema = z.strictObject({
  name: lowerName,
  description: z.string().min(1),
  dpo: personSchema,
  /**
   * The directory (LDAP) groups whose members may decide for this domain, as the identity provider
   * names them in a token's groups claim. Omitted: dpo-<domain> and deputy-<domain>.
   */
  directoryGroups: z.strictObject({ dpo: directoryGroup, deputies: directoryGroup }).optional(),
  deputies: z.array(personSchema).default([]),
  approval: approvalPolicySchema.default({ reminderHours: 24, escalationHours: 72, expiryDays: 14, autoApproveNonBreaking: false }),
  tables: z.array(tableSchema).min(1),
  products: z.array(dataProductSchema).default([]),
  /** Steering KPIs over the domain's products (kpis.ts). Optional, not defaulted, so contracts without them stay as they were. */
  kpis: z.array(kpiSchema).optional(),
});

export type Person = z.infer<typeof personSchema>;
export type ColumnContract = z.infer<typeof columnSchema>;
export type TableContract = z.infer<typeof tableSchema>;
export type DataProductContract = z.infer<typeof dataProductSchema>;
export type DomainContract = z.infer<typeof domainSchema>;
/** What a domain file declares (defaults not yet applied). */
export type DomainDeclaration = z.input<typeof domainSchema>;
/** What a domain file declares for one table / column (defaults not yet applied). */
export type TableDeclaration = z.input<typeof tableSchema>;
export type ColumnDeclaration = z.input<typeof columnSchema>;

/** The key a table is read, merged and captured by: its primary key, else its declared unique key ([] if neither). */
export function tableKey(table: Pick<TableContract, 'primaryKey' | 'uniqueKey'>): string[] {
  return table.primaryKey ?? table.uniqueKey ?? [];
}
