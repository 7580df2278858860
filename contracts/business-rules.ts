import { z } from 'zod';

/**
 * Shared business rules, per table: how the qualified layer (`qualified_<domain>.<table>`, a view
 * over `raw_<domain>.<table>`) types, trims and decodes the raw data, so every team reads the same
 * meaning. One definition is compiled to SQL for each warehouse dialect (core/qualified/).
 *
 * - trim: right-trims blanks of CHAR codes ('C  ' → 'C'); `emptyAsNull` turns a blank code into NULL.
 * - yyyymmdd_date: a legacy yyyymmdd number (a column declared `encoding: 'yyyymmdd'`) decoded to a
 *   DATE in `output`. 0, 00000000 and impossible dates (20230230) decode to NULL, never to an error;
 *   99999999 ("open-ended" in DB2 data) decodes to NULL unless `openEnd` names the date to use
 *   instead (e.g. '9999-12-31' for validity windows that a BETWEEN must still match).
 * - lookup: a code → label column `output`, either from a table (`from` '<domain>.<table>', its
 *   single-column `key` and its `label` column: a left join, so every row stays) or from a code list
 *   declared here (`values`). A blank or NULL code gives a NULL label; a code that is not found gives
 *   `default` (NULL when not set).
 * - currency: `amount` (in the currency of the code column `currency`) converted to EUR in `output`
 *   with the newest rate of reference.exchange_rate on or before the day of `date`. No rate → NULL,
 *   never a silent 1.0; an amount already in EUR is kept as it is.
 *
 * Which columns exist and have the right type is checked at contract load (business-rule-checks.ts).
 */

const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case SQL name like BOOKING_ID');
const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case rule id like booking_status_label');
const tableRef = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "expected '<domain>.<table>' like reference.currency");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected an ISO date like '9999-12-31'");

const common = { id: ruleId, description: z.string().optional() };

export const trimRuleSchema = z.strictObject({
  ...common, kind: z.literal('trim'), columns: z.array(upperName).min(1),
  /** A code of blanks only (or '') becomes NULL. */
  emptyAsNull: z.boolean().default(false),
});

export const yyyymmddDateRuleSchema = z.strictObject({
  ...common, kind: z.literal('yyyymmdd_date'), column: upperName, output: upperName,
  /** The date 99999999 stands for; NULL when not set. */
  openEnd: isoDate.optional(),
});

export const lookupRuleSchema = z.strictObject({
  ...common, kind: z.literal('lookup'), column: upperName, output: upperName,
  /** The code table, '<domain>.<table>'; with `key` (its whole primary or unique key) and `label`. */
  from: tableRef.optional(),
  key: upperName.optional(),
  label: upperName.optional(),
  /** A code list declared in the contract instead of a table: code → label. */
  values: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Label of a code that is not blank but not found. */
  default: z.string().min(1).optional(),
});

export const currencyRuleSchema = z.strictObject({
  ...common, kind: z.literal('currency'), amount: upperName, output: upperName,
  /** Column holding the ISO currency code of `amount`. */
  currency: upperName,
  /** Column whose day picks the rate: a DATE, a TIMESTAMP or a yyyymmdd-encoded number. Required (checked at load). */
  date: upperName.optional(),
  /** Target currency: the reference domain's rates are quoted to EUR. */
  to: z.literal('EUR').default('EUR'),
});

export const businessRuleSchema = z.discriminatedUnion('kind', [trimRuleSchema, yyyymmddDateRuleSchema, lookupRuleSchema, currencyRuleSchema]);

export type BusinessRule = z.infer<typeof businessRuleSchema>;
export type BusinessRuleKind = BusinessRule['kind'];
export type TrimRule = z.infer<typeof trimRuleSchema>;
export type YyyymmddDateRule = z.infer<typeof yyyymmddDateRuleSchema>;
export type LookupRule = z.infer<typeof lookupRuleSchema>;
export type CurrencyRule = z.infer<typeof currencyRuleSchema>;

/** The rate table currency rules read, as the reference domain declares it (checked at load). */
export const exchangeRates = { domain: 'reference', table: 'exchange_rate', currency: 'CURRENCY_CODE', date: 'RATE_DATE', rate: 'RATE_TO_EUR' } as const;

/** The column a rule adds to the qualified view, if any. */
export function ruleOutput(rule: BusinessRule): string | undefined {
  return rule.kind === 'trim' ? undefined : rule.output;
}

/** The table a rule reads besides its own, as [domain, table], if any. */
export function ruleDependency(rule: BusinessRule): [string, string] | undefined {
  if (rule.kind === 'currency') return [exchangeRates.domain, exchangeRates.table];
  if (rule.kind === 'lookup' && rule.from !== undefined) return rule.from.split('.') as [string, string];
  return undefined;
}
