import { z } from 'zod';

/**
 * Declarative quality rules, per table (domain contracts) and per data product. One definition is
 * compiled to SQL for each warehouse dialect (core/quality/), evaluated inside the warehouse.
 *
 * - Row rules (not_null, accepted_values, range, format) judge one row at a time. With
 *   `quarantine: true` they also run at ingestion (backfill and change capture): a failing row goes
 *   to the table's quarantine with the rule id and reason, valid rows flow on.
 * - Dataset rules (unique, references, freshness, volume, distribution, reconciliation, sql) judge
 *   the table as a whole and run in the quality gate.
 *
 * `threshold` is the share of rows (0..1) allowed to fail before the rule fails; 0 by default.
 * A failing rule of severity `block` blocks the publication of the products that include it.
 */

const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case SQL name like BOOKING_ID');
const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case rule id like booking_total_positive');
const bound = z.union([z.number(), z.string().min(1)]);
const percent = z.number().min(0, 'expected a percentage from 0 to 1000').max(1000, 'expected a percentage from 0 to 1000');

const common = {
  id: ruleId,
  severity: z.enum(['warn', 'block']).default('warn'),
  threshold: z.number().min(0, 'expected a share of rows from 0 to 1').max(1, 'expected a share of rows from 0 to 1').default(0),
  description: z.string().optional(),
};
const rowCommon = { ...common, quarantine: z.boolean().default(false) };

export const formatKinds = ['regex', 'email', 'phone_e164', 'iso_country', 'iso_currency'] as const;
export const distributionMetrics = ['null_rate', 'distinct_count'] as const;

export const notNullRuleSchema = z.strictObject({ ...rowCommon, kind: z.literal('not_null'), columns: z.array(upperName).min(1) });
export const acceptedValuesRuleSchema = z.strictObject({
  ...rowCommon, kind: z.literal('accepted_values'), column: upperName, values: z.array(z.union([z.string(), z.number()])).min(1),
});
export const rangeRuleSchema = z.strictObject({ ...rowCommon, kind: z.literal('range'), column: upperName, min: bound.optional(), max: bound.optional() });
export const formatRuleSchema = z.strictObject({
  ...rowCommon, kind: z.literal('format'), column: upperName, format: z.enum(formatKinds),
  /** The regular expression a value must match in full, for format 'regex'. */
  pattern: z.string().min(1).optional(),
});

export const uniqueRuleSchema = z.strictObject({ ...common, kind: z.literal('unique'), columns: z.array(upperName).min(1) });
export const referencesRuleSchema = z.strictObject({
  ...common, kind: z.literal('references'), columns: z.array(upperName).min(1),
  /** The referenced key, as '<domain>.<table>.<COLUMN>[,<COLUMN>…]' (same number of columns). */
  to: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*$/, "expected '<domain>.<table>.<COLUMN>'"),
});
export const freshnessRuleSchema = z.strictObject({
  ...common, kind: z.literal('freshness'),
  /** A timestamp column giving each row's age; without one, the time the newest change landed. */
  column: upperName.optional(),
  maxAgeMinutes: z.number().positive(),
});
export const volumeRuleSchema = z.strictObject({
  ...common, kind: z.literal('volume'),
  /** Largest accepted change of the row count against the last gate run, in percent. */
  maxChangePercent: percent,
});
export const distributionRuleSchema = z.strictObject({
  ...common, kind: z.literal('distribution'), column: upperName, metric: z.enum(distributionMetrics),
  /** Largest accepted change against the stored baseline, in percent. */
  maxChangePercent: percent,
});
export const reconciliationRuleSchema = z.strictObject({ ...common, kind: z.literal('reconciliation') });
export const sqlRuleSchema = z.strictObject({
  ...common, kind: z.literal('sql'),
  /** A SELECT returning the failing rows; `{table}` stands for the table under test. */
  sql: z.string().min(1),
});

export const qualityRuleSchema = z.discriminatedUnion('kind', [
  notNullRuleSchema, acceptedValuesRuleSchema, rangeRuleSchema, formatRuleSchema, uniqueRuleSchema, referencesRuleSchema,
  freshnessRuleSchema, volumeRuleSchema, distributionRuleSchema, reconciliationRuleSchema, sqlRuleSchema,
]);

export type QualityRule = z.infer<typeof qualityRuleSchema>;
export type QualityRuleKind = QualityRule['kind'];
export type RowRule = Extract<QualityRule, { kind: 'not_null' | 'accepted_values' | 'range' | 'format' }>;
export const rowRuleKinds: readonly QualityRuleKind[] = ['not_null', 'accepted_values', 'range', 'format'];

export function isRowRule(rule: QualityRule): rule is RowRule {
  return rowRuleKinds.includes(rule.kind);
}

/** Columns a rule names on its own table (for contract checks and lineage). */
export function ruleColumns(rule: QualityRule): string[] {
  switch (rule.kind) {
    case 'not_null': case 'unique': case 'references': return rule.columns;
    case 'accepted_values': case 'range': case 'format': case 'distribution': return [rule.column];
    case 'freshness': return rule.column ? [rule.column] : [];
    default: return [];
  }
}
