import { formatSourceType, tryParseSourceType, type SourceType } from '../contracts/source-types.js';
import { exchangeRates, ruleOutput, type BusinessRule } from '../contracts/business-rules.js';
import { tableKey, type ColumnContract, type DomainContract, type TableContract } from '../contracts/contract.js';
import type { ContractIssue } from './errors.js';

/**
 * Business rules checked against the table they sit in (checkBusinessRules, called by checks.ts)
 * and against the tables they read in other domains (checkBusinessRuleTargets, called by
 * registry-checks.ts). Each message names the rule and the column, and says what was expected.
 */

const textKinds = new Set(['CHAR', 'VARCHAR', 'GRAPHIC', 'VARGRAPHIC']);
// Amounts must be exact: DECFLOAT lands as text and binary floats would round the cents.
const amountKinds = new Set(['SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL']);

/** The parsed type, or undefined when it does not parse (checks.ts reports that already). */
const typeOf = (column: ColumnContract): SourceType | undefined => tryParseSourceType(column.type);

interface RuleAt {
  domain: string;
  table: TableContract;
  rule: BusinessRule;
  index: number;
}

function issue({ domain, table, rule, index }: RuleAt, field: string, message: string): ContractIssue {
  return { domain, table: table.name, field: `businessRules[${index}].${field}`, message: `rule "${rule.id}" (${rule.kind}): ${message}` };
}

/** The column a rule names, or an issue saying it is not declared. */
function named(at: RuleAt, field: string, name: string): ColumnContract | ContractIssue {
  const column = at.table.columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  return issue(at, field, `column "${name}" is not declared in the table (declared: ${at.table.columns.map((c) => c.name).join(', ')})`);
}

/** Checks that a named column exists and that its type is of an expected family. */
function typed(at: RuleAt, field: string, name: string, kinds: ReadonlySet<string>, expected: string): ContractIssue[] {
  const column = named(at, field, name);
  if ('message' in column) return [column];
  const type = typeOf(column);
  if (type === undefined || kinds.has(type.kind)) return [];
  return [issue(at, field, `column "${name}" is ${formatSourceType(type)} — expected ${expected}`)];
}

function checkTrim(at: RuleAt & { rule: Extract<BusinessRule, { kind: 'trim' }> }): ContractIssue[] {
  return at.rule.columns.flatMap((name, i) => typed(at, `columns[${i}]`, name, textKinds, 'a CHAR or VARCHAR column'));
}

function checkDate(at: RuleAt & { rule: Extract<BusinessRule, { kind: 'yyyymmdd_date' }> }): ContractIssue[] {
  const column = named(at, 'column', at.rule.column);
  if ('message' in column) return [column];
  const issues: ContractIssue[] = [];
  if (column.encoding !== 'yyyymmdd') {
    issues.push(issue(at, 'column', `column "${column.name}" is not declared with encoding 'yyyymmdd' — expected a DECIMAL(8,0) or INTEGER column holding yyyymmdd numbers, declared as such`));
  }
  const openEnd = at.rule.openEnd;
  if (openEnd !== undefined && new Date(`${openEnd}T00:00:00Z`).toISOString().slice(0, 10) !== openEnd) {
    issues.push(issue(at, 'openEnd', `"${openEnd}" is not a date of the calendar — expected an ISO date like '9999-12-31'`));
  }
  return issues;
}

function checkLookup(at: RuleAt & { rule: Extract<BusinessRule, { kind: 'lookup' }> }): ContractIssue[] {
  const { rule } = at;
  const column = named(at, 'column', rule.column);
  if ('message' in column) return [column];
  if ((rule.from === undefined) === (rule.values === undefined)) {
    return [issue(at, 'from', "expected either `from` (a code table '<domain>.<table>' with `key` and `label`) or `values` (a code list), not both and not neither")];
  }
  if (rule.values !== undefined) {
    const issues: ContractIssue[] = [];
    if (rule.key !== undefined || rule.label !== undefined) issues.push(issue(at, rule.key !== undefined ? 'key' : 'label', '`key` and `label` go with `from`, not with `values`'));
    if (Object.keys(rule.values).length === 0) issues.push(issue(at, 'values', 'empty — expected at least one code'));
    // Codes are compared trimmed, so a padded code here would never match.
    const padded = Object.keys(rule.values).find((code) => code !== code.trimEnd());
    if (padded !== undefined) issues.push(issue(at, 'values', `code "${padded}" ends in blanks — expected codes as compared, without their CHAR padding`));
    const type = typeOf(column);
    if (type !== undefined && !textKinds.has(type.kind)) issues.push(issue(at, 'column', `column "${column.name}" is ${formatSourceType(type)} — expected a CHAR or VARCHAR code column for a code list`));
    return issues;
  }
  const missing = (['key', 'label'] as const).filter((f) => rule[f] === undefined);
  return missing.map((f) => issue(at, f, `required with \`from\` — expected the ${f === 'key' ? 'code' : 'label'} column of ${rule.from}`));
}

function checkCurrency(at: RuleAt & { rule: Extract<BusinessRule, { kind: 'currency' }> }): ContractIssue[] {
  const { rule } = at;
  const issues = [
    ...typed(at, 'amount', rule.amount, amountKinds, 'a DECIMAL or integer amount column'),
    ...typed(at, 'currency', rule.currency, textKinds, 'a CHAR or VARCHAR currency code column'),
  ];
  if (rule.date === undefined) {
    issues.push(issue(at, 'date', 'required — expected the column whose day picks the exchange rate (a DATE, a TIMESTAMP or a yyyymmdd-encoded number)'));
    return issues;
  }
  const date = named(at, 'date', rule.date);
  if ('message' in date) return [...issues, date];
  const type = typeOf(date);
  if (type !== undefined && type.kind !== 'DATE' && type.kind !== 'TIMESTAMP' && date.encoding !== 'yyyymmdd') {
    issues.push(issue(at, 'date', `column "${date.name}" is ${formatSourceType(type)} — expected a DATE, a TIMESTAMP or a yyyymmdd-encoded number`));
  }
  return issues;
}

/** Output columns must be new names: not a contract column, not another rule's output. */
function checkOutputs(domain: string, table: TableContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const seen = new Map<string, string>();
  table.businessRules.forEach((rule, index) => {
    const output = ruleOutput(rule);
    if (output === undefined) return;
    const at = { domain, table, rule, index };
    if (table.columns.some((c) => c.name === output)) {
      issues.push(issue(at, 'output', `"${output}" is a column of the table — expected a new column name for the derived value`));
    } else if (seen.has(output)) {
      issues.push(issue(at, 'output', `"${output}" is already the output of rule "${seen.get(output)}" — expected one rule per derived column`));
    } else {
      seen.set(output, rule.id);
    }
  });
  return issues;
}

/** Problems of a table's business rules that the table alone shows. */
export function checkBusinessRules(domain: string, table: TableContract): ContractIssue[] {
  const issues = table.businessRules.flatMap((rule, index): ContractIssue[] => {
    const at = { domain, table, index };
    switch (rule.kind) {
      case 'trim': return checkTrim({ ...at, rule });
      case 'yyyymmdd_date': return checkDate({ ...at, rule });
      case 'lookup': return checkLookup({ ...at, rule });
      case 'currency': return checkCurrency({ ...at, rule });
    }
  });
  return [...issues, ...checkOutputs(domain, table)];
}

type FindTable = (domain: string, table: string) => TableContract | undefined;

function missingTable(contracts: readonly DomainContract[], domain: string, table: string): string {
  const target = contracts.find((c) => c.name === domain);
  if (target === undefined) return `domain "${domain}" is not declared (declared: ${contracts.map((c) => c.name).join(', ')})`;
  return `table "${table}" is not declared in domain "${domain}" (declared: ${target.tables.map((t) => t.name).join(', ')})`;
}

function checkLookupTarget(contracts: readonly DomainContract[], find: FindTable, at: RuleAt & { rule: Extract<BusinessRule, { kind: 'lookup' }> }): ContractIssue[] {
  const { rule } = at;
  if (rule.from === undefined || rule.key === undefined || rule.label === undefined) return [];
  const [domain = '', name = ''] = rule.from.split('.');
  const target = find(domain, name);
  if (target === undefined) return [issue(at, 'from', `"${rule.from}": ${missingTable(contracts, domain, name)}`)];
  const declared = target.columns.map((c) => c.name).join(', ');
  const issues: ContractIssue[] = [];
  const key = target.columns.find((c) => c.name === rule.key);
  if (key === undefined) issues.push(issue(at, 'key', `column "${rule.key}" is not declared in table "${rule.from}" (declared: ${declared})`));
  else if (tableKey(target).join(',') !== rule.key) {
    // A key that is not unique would repeat the rows of this table once per matching code row.
    issues.push(issue(at, 'key', `column "${rule.key}" is not the key of "${rule.from}" (its key: ${tableKey(target).join(', ')}) — expected a single-column key, so each code has one label`));
  }
  if (!target.columns.some((c) => c.name === rule.label)) issues.push(issue(at, 'label', `column "${rule.label}" is not declared in table "${rule.from}" (declared: ${declared})`));
  const own = at.table.columns.find((c) => c.name === rule.column);
  const [mine, theirs] = [own && typeOf(own), key && typeOf(key)];
  if (mine && theirs && textKinds.has(mine.kind) !== textKinds.has(theirs.kind)) {
    issues.push(issue(at, 'column', `column "${rule.column}" is ${formatSourceType(mine)} but "${rule.from}.${rule.key}" is ${formatSourceType(theirs)} — expected both codes to be text, or both numbers`));
  }
  return issues;
}

function checkRateTable(contracts: readonly DomainContract[], find: FindTable, at: RuleAt): ContractIssue[] {
  const { domain, table, currency, date, rate } = exchangeRates;
  const target = find(domain, table);
  if (target === undefined) return [issue(at, 'to', `the exchange rates "${domain}.${table}": ${missingTable(contracts, domain, table)}`)];
  const missing = [currency, date, rate].filter((name) => !target.columns.some((c) => c.name === name));
  if (missing.length === 0) return [];
  return [issue(at, 'to', `the exchange rates "${domain}.${table}" lack column(s) ${missing.join(', ')} — expected ${currency}, ${date} and ${rate}`)];
}

/** Problems of business rules that read tables of other domains: lookups and exchange rates. */
export function checkBusinessRuleTargets(contracts: readonly DomainContract[]): ContractIssue[] {
  const find: FindTable = (domain, table) => contracts.find((c) => c.name === domain)?.tables.find((t) => t.name === table);
  return contracts.flatMap((contract) => contract.tables.flatMap((table) => table.businessRules.flatMap((rule, index) => {
    const at = { domain: contract.name, table, index };
    if (rule.kind === 'lookup') return checkLookupTarget(contracts, find, { ...at, rule });
    if (rule.kind === 'currency') return checkRateTable(contracts, find, { ...at, rule });
    return [];
  })));
}
