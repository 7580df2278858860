import type { TableContract } from '../../contracts/contract.js';
import { isRowRule, type RowRule } from '../../contracts/quality-rules.js';
import { sqlDialect, type WarehouseDialect } from '../sql/index.js';

/** The rules that run at ingestion: row rules declared with `quarantine: true`. */
export function quarantineRules(table: TableContract): RowRule[] {
  return table.qualityRules.filter(isRowRule).filter((rule) => rule.quarantine);
}

/** The quarantine table of a raw table, beside it in `raw_<domain>` (every warehouse). */
export const quarantineTableName = (tableName: string): string => `${tableName}__quarantine`;

/** What failed, in words a data owner can act on: the rule's kind and columns, never a row value. */
export function ruleReason(rule: RowRule): string {
  switch (rule.kind) {
    case 'not_null': return `not_null on ${rule.columns.join(', ')}`;
    case 'accepted_values': return `accepted_values on ${rule.column}`;
    case 'range': {
      const bounds = [rule.min !== undefined ? `min ${rule.min}` : '', rule.max !== undefined ? `max ${rule.max}` : ''].filter(Boolean);
      return `range on ${rule.column} (${bounds.join(', ')})`;
    }
    case 'format': return `format ${rule.format} on ${rule.column}`;
  }
}

/** SQL: the reason text of the rule id an expression yields (NULL for an unknown id or NULL). */
export function ruleReasonSql(rules: readonly RowRule[], ruleIdExpr: string, dialect: WarehouseDialect): string {
  const { literal, textType } = sqlDialect(dialect);
  if (rules.length === 0) return `CAST(NULL AS ${textType})`;
  return `(CASE ${ruleIdExpr} ${rules.map((r) => `WHEN ${literal(r.id)} THEN ${literal(ruleReason(r))}`).join(' ')} ELSE NULL END)`;
}

/**
 * For a warehouse without row quarantine: a table without quarantine rules needs none, so it passes;
 * a table with some is refused by name, never loaded with its flawed rows in plain sight.
 */
export function refuseQuarantineRules(input: { table: TableContract; what: string; warehouse: string }): void {
  const rules = quarantineRules(input.table).map((r) => r.id);
  if (rules.length > 0) {
    throw new Error(`table ${input.table.name}: ${input.what} for quarantine rules ${rules.join(', ')} is not built on the ${input.warehouse} warehouse yet; use FACTORY_WAREHOUSE=duckdb`);
  }
}
