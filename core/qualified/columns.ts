import { tryParseSourceType } from '../../contracts/source-types.js';
import type { BusinessRule } from '../../contracts/business-rules.js';
import { piiClasses, type PiiClass, type TableContract } from '../../contracts/contract.js';

/**
 * The columns of a table's qualified view as a data product publishes them: every contract column,
 * then one per value a business rule derives (core/qualified/sql.ts builds the view in this order).
 * A derived column carries the PII class of the most sensitive column it is computed from (a date
 * decoded from a yyyymmdd birth date is the same personal data), so the catalog, the DPO's review
 * and access rules see it as what it is.
 */

export interface QualifiedColumn {
  name: string;
  type: string;
  nullable: boolean;
  pii: PiiClass;
  description?: string;
  /** A contract column's foreign key ('<domain>.<table>.<COLUMN>'). */
  references?: string;
  /** The table's columns a derived value is computed from; empty for contract columns. */
  derivedFrom: string[];
}

/** Most sensitive first in piiClasses' order: 'none' < contact < identity < financial < sensitive. */
export function mostSensitive(classes: readonly PiiClass[]): PiiClass {
  return classes.reduce((top, c) => (piiClasses.indexOf(c) > piiClasses.indexOf(top) ? c : top), 'none' as PiiClass);
}

/** `tableOf` resolves a lookup rule's '<domain>.<table>' (the registry's `table`; undefined when not at hand). */
export function qualifiedColumns(table: TableContract, tableOf: (qualified: string) => TableContract | undefined): QualifiedColumn[] {
  const own = new Map(table.columns.map((c) => [c.name, c]));
  const derived = table.businessRules.flatMap((rule): QualifiedColumn[] => {
    if (rule.kind === 'trim') return [];
    const output = rule.output;
    const inputs = ruleInputs(rule);
    const label = rule.kind === 'lookup' && rule.from !== undefined ? tableOf(rule.from)?.columns.find((c) => c.name === rule.label) : undefined;
    const pii = mostSensitive([...inputs.map((name) => own.get(name)?.pii ?? 'none'), label?.pii ?? 'none']);
    return [{
      name: output, type: derivedType(rule, table, label?.type), nullable: true, pii,
      description: rule.description ?? `${rule.kind} of ${inputs.join(', ')} (business rule ${rule.id})`, derivedFrom: inputs,
    }];
  });
  return [
    ...table.columns.map((c) => ({
      name: c.name, type: c.type, nullable: c.nullable, pii: c.pii,
      ...(c.description ? { description: c.description } : {}), ...(c.references ? { references: c.references } : {}), derivedFrom: [],
    })),
    ...derived,
  ];
}

function ruleInputs(rule: Exclude<BusinessRule, { kind: 'trim' }>): string[] {
  switch (rule.kind) {
    case 'yyyymmdd_date': return [rule.column];
    case 'lookup': return [rule.column];
    case 'currency': return [rule.amount, rule.currency, ...(rule.date ? [rule.date] : [])];
  }
}

/** The type of a derived value, in the contract's type vocabulary. */
function derivedType(rule: Exclude<BusinessRule, { kind: 'trim' }>, table: TableContract, labelType: string | undefined): string {
  switch (rule.kind) {
    case 'yyyymmdd_date': return 'DATE';
    case 'lookup': {
      if (labelType !== undefined) return labelType;
      if (rule.from !== undefined) return 'VARCHAR'; // the code table is not at hand
      const labels = [...Object.values(rule.values ?? {}), ...(rule.default ? [rule.default] : [])];
      return `VARCHAR(${Math.max(1, ...labels.map((l) => l.length))})`;
    }
    case 'currency': {
      // The view rounds to the amount's scale (core/qualified/expressions.ts `money`).
      const amount = tryParseSourceType(table.columns.find((c) => c.name === rule.amount)?.type ?? '');
      return `DECIMAL(31,${amount?.kind === 'DECIMAL' ? amount.scale ?? 0 : 0})`;
    }
  }
}
