import { z } from 'zod';

/**
 * Steering KPIs of a domain: a measure over one table of one of the domain's data products, per
 * period of a date column (and optionally per value of a dimension column), against a target, owned
 * by a person of the domain. The measure is structured, not SQL, so the same declaration compiles
 * for every warehouse (core/kpi/sql.ts), is checked against the contract at load
 * (domains/kpi-checks.ts) and is judged column by column against the access policy (core/kpi/access.ts).
 *
 * KPIs read the product's published (approved) relation, so a value is always computed on data a
 * DPO let out, with the qualified columns (decoded dates, amounts in EUR) the product publishes.
 */

const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case SQL name like BOOKING_ID');
const lowerName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name like bookings_per_day');

export const kpiFilterOps = ['=', '<>', '<', '<=', '>', '>=', 'in', 'not_in', 'is_null', 'is_not_null'] as const;
export type KpiFilterOp = (typeof kpiFilterOps)[number];
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `column op value`; `in`/`not_in` take a list, `is_null`/`is_not_null` no value. */
export const kpiFilterSchema = z.strictObject({
  column: upperName,
  op: z.enum(kpiFilterOps),
  value: z.union([scalar, z.array(scalar).min(1)]).optional(),
});

const where = z.array(kpiFilterSchema).default([]);

export const countMeasureSchema = z.strictObject({ kind: z.literal('count'), where });
export const countDistinctMeasureSchema = z.strictObject({ kind: z.literal('count_distinct'), column: upperName, where });
export const sumMeasureSchema = z.strictObject({ kind: z.literal('sum'), column: upperName, where });
export const simpleMeasureSchema = z.discriminatedUnion('kind', [countMeasureSchema, countDistinctMeasureSchema, sumMeasureSchema]);
/** numerator / denominator, both over the same table and period; no value for a period whose denominator is 0. */
export const ratioMeasureSchema = z.strictObject({ kind: z.literal('ratio'), numerator: simpleMeasureSchema, denominator: simpleMeasureSchema });
export const kpiMeasureSchema = z.discriminatedUnion('kind', [countMeasureSchema, countDistinctMeasureSchema, sumMeasureSchema, ratioMeasureSchema]);

export const kpiTimeGrains = ['day', 'week', 'month'] as const;
export type KpiTimeGrain = (typeof kpiTimeGrains)[number];

export const kpiGrainSchema = z.strictObject({
  /** Periods start on the day, the Monday (ISO week) or the first of the month. */
  time: z.enum(kpiTimeGrains),
  /** The DATE or TIMESTAMP column that places a row in a period. */
  column: upperName,
  /** A dimension column: one value per period and value of it (e.g. per resort). */
  by: upperName.optional(),
});

export const kpiTargetSchema = z.strictObject({
  value: z.number(),
  /** at_least: a value ≥ target meets it; at_most: a value ≤ target meets it. */
  direction: z.enum(['at_least', 'at_most']),
});

export const kpiSchema = z.strictObject({
  name: lowerName,
  description: z.string().min(1),
  /** A data product of this domain. */
  product: lowerName,
  /** The table of that product the measure reads: one of this domain's tables. */
  table: lowerName,
  measure: kpiMeasureSchema,
  grain: kpiGrainSchema,
  target: kpiTargetSchema,
  /** The person answerable for it: the domain's DPO or one of its deputies, by id. */
  owner: z.string().min(1),
  /** How values are shown: a plain number (default), a share (0..1 shown as %), or an amount. */
  unit: z.enum(['count', 'ratio', 'amount']).optional(),
});

export type KpiFilter = z.infer<typeof kpiFilterSchema>;
export type SimpleKpiMeasure = z.infer<typeof simpleMeasureSchema>;
export type KpiMeasure = z.infer<typeof kpiMeasureSchema>;
export type KpiGrain = z.infer<typeof kpiGrainSchema>;
export type KpiTarget = z.infer<typeof kpiTargetSchema>;
export type KpiContract = z.infer<typeof kpiSchema>;
export type KpiDeclaration = z.input<typeof kpiSchema>;

/** The simple measures of a KPI: itself, or a ratio's numerator then denominator. */
export function simpleMeasures(measure: KpiMeasure): SimpleKpiMeasure[] {
  return measure.kind === 'ratio' ? [measure.numerator, measure.denominator] : [measure];
}

/** Every column a KPI reads, each once, in the order: grain, dimension, measures, filters. */
export function kpiColumns(kpi: Pick<KpiContract, 'grain' | 'measure'>): string[] {
  const names = [kpi.grain.column, ...(kpi.grain.by ? [kpi.grain.by] : [])];
  for (const m of simpleMeasures(kpi.measure)) {
    if (m.kind !== 'count') names.push(m.column);
    names.push(...m.where.map((f) => f.column));
  }
  return [...new Set(names)];
}

/** Whether a value meets the target. */
export function meetsTarget(value: number, target: KpiTarget): boolean {
  return target.direction === 'at_least' ? value >= target.value : value <= target.value;
}
