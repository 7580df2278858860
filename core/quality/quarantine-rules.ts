import type { TableContract } from '../../contracts/contract.js';
import { isRowRule, type RowRule } from '../../contracts/quality-rules.js';

/** The rules that run at ingestion: row rules declared with `quarantine: true`. */
export function quarantineRules(table: TableContract): RowRule[] {
  return table.qualityRules.filter(isRowRule).filter((rule) => rule.quarantine);
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
