import { assertionSqlProblem } from '../core/quality/sql-assertion.js';
import { formatSourceType, tryParseSourceType, type SourceType } from '../contracts/source-types.js';
import type { ColumnContract, DomainContract, TableContract } from '../contracts/contract.js';
import type { ContractIssue } from './errors.js';
import type { QualityRule } from '../contracts/quality-rules.js';

/**
 * Quality rules checked against the table they sit in (checkQualityRules, called by checks.ts) and
 * against the tables they reference in other domains (checkQualityRuleTargets, called by
 * registry-checks.ts). What passes here compiles to SQL (core/quality) without surprises at run
 * time: columns exist, bounds and values have the column's type, patterns and SQL parse.
 */

export type Family = 'number' | 'text' | 'date' | 'time' | 'timestamp' | 'boolean' | 'bytes';

export function family(t: SourceType): Family {
  switch (t.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'DECIMAL': case 'DECFLOAT': case 'REAL': case 'DOUBLE': return 'number';
    case 'DATE': return 'date';
    case 'TIME': return 'time';
    case 'TIMESTAMP': return 'timestamp';
    case 'BOOLEAN': return 'boolean';
    case 'BLOB': return 'bytes';
    default: return 'text';
  }
}

/** The parsed type, or undefined when it does not parse (checks.ts reports that already). */
const typeOf = (column: ColumnContract): SourceType | undefined => tryParseSourceType(column.type);

interface RuleAt {
  domain: string;
  table: TableContract;
  rule: QualityRule;
  index: number;
}

function issue({ domain, table, rule, index }: RuleAt, field: string, message: string): ContractIssue {
  return { domain, table: table.name, field: `qualityRules[${index}]${field === '' ? '' : `.${field}`}`, message: `rule "${rule.id}" (${rule.kind}): ${message}` };
}

/** The column a rule names, or an issue saying it is not declared. */
function named(at: RuleAt, field: string, name: string): ColumnContract | ContractIssue {
  const column = at.table.columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  return issue(at, field, `column "${name}" is not declared in the table (declared: ${at.table.columns.map((c) => c.name).join(', ')})`);
}

const isIssue = (x: ColumnContract | ContractIssue): x is ContractIssue => 'message' in x;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const timestampPattern = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?)?$/;

/** A bound or accepted value that does not fit the column's type, as an expectation; undefined when it fits. */
export function misfit(value: string | number, t: SourceType): string | undefined {
  switch (family(t)) {
    case 'number':
      return typeof value === 'number' ? undefined : `got "${value}" — expected a number for a ${formatSourceType(t)} column`;
    case 'date':
      return typeof value === 'string' && datePattern.test(value) && validDate(value) ? undefined : `got ${JSON.stringify(value)} — expected a date 'YYYY-MM-DD'`;
    case 'timestamp':
      return typeof value === 'string' && timestampPattern.test(value) && validDate(value.slice(0, 10)) ? undefined
        : `got ${JSON.stringify(value)} — expected a timestamp 'YYYY-MM-DD[ HH:MM[:SS[.fraction]]]'`;
    case 'text':
      return undefined;
    default:
      return `a ${formatSourceType(t)} column cannot be compared with values — expected a number, text, date or timestamp column`;
  }
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Order of two bounds of the same column (numbers numerically, dates and timestamps as ISO text). */
function above(min: string | number, max: string | number): boolean {
  if (typeof min === 'number' && typeof max === 'number') return min > max;
  return String(min).replace('T', ' ') > String(max).replace('T', ' ');
}

/**
 * DuckDB and BigQuery match with RE2. JavaScript compiles a superset, so a pattern must compile
 * here and must not use what RE2 lacks: lookaround and backreferences.
 */
function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `pattern does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (/\(\?<?[=!]/.test(pattern)) return 'pattern uses lookaround — RE2 (DuckDB, BigQuery) has none; expected a pattern without (?= (?! (?<= (?<!';
  if (/\\[1-9]|\\k</.test(pattern)) return 'pattern uses a backreference — RE2 (DuckDB, BigQuery) has none';
  return undefined;
}

function checkRule(at: RuleAt): ContractIssue[] {
  const { rule } = at;
  const issues: ContractIssue[] = [];
  const column = (field: string, name: string): ColumnContract | undefined => {
    const found = named(at, field, name);
    if (isIssue(found)) {
      issues.push(found);
      return undefined;
    }
    return found;
  };
  switch (rule.kind) {
    case 'not_null': case 'unique':
      rule.columns.forEach((name, j) => column(`columns[${j}]`, name));
      break;
    case 'references': {
      rule.columns.forEach((name, j) => column(`columns[${j}]`, name));
      const referenced = rule.to.split('.')[2]!.split(',');
      if (referenced.length !== rule.columns.length) {
        issues.push(issue(at, 'to', `"${rule.to}" names ${referenced.length} column(s) for ${rule.columns.length} in columns — expected the same number, in the same order`));
      }
      break;
    }
    case 'accepted_values': {
      const type = typeOfNamed(column('column', rule.column));
      if (type) {
        rule.values.forEach((value, j) => {
          const wrong = misfit(value, type);
          if (wrong) issues.push(issue(at, `values[${j}]`, wrong));
        });
      }
      break;
    }
    case 'range': {
      const type = typeOfNamed(column('column', rule.column));
      if (rule.min === undefined && rule.max === undefined) {
        issues.push(issue(at, '', 'neither min nor max — expected min, max or both'));
        break;
      }
      if (!type) break;
      const wrongMin = rule.min === undefined ? undefined : misfit(rule.min, type);
      const wrongMax = rule.max === undefined ? undefined : misfit(rule.max, type);
      if (wrongMin) issues.push(issue(at, 'min', wrongMin));
      if (wrongMax) issues.push(issue(at, 'max', wrongMax));
      if (!wrongMin && !wrongMax && rule.min !== undefined && rule.max !== undefined && above(rule.min, rule.max)) {
        issues.push(issue(at, 'min', `min ${JSON.stringify(rule.min)} is above max ${JSON.stringify(rule.max)} — expected min ≤ max`));
      }
      break;
    }
    case 'format': {
      column('column', rule.column);
      if (rule.format === 'regex' && rule.pattern === undefined) {
        issues.push(issue(at, 'pattern', "required for format 'regex' — expected the regular expression a whole value must match"));
      } else if (rule.format !== 'regex' && rule.pattern !== undefined) {
        issues.push(issue(at, 'pattern', `format '${rule.format}' takes no pattern — expected format 'regex' for a pattern of your own`));
      } else if (rule.pattern !== undefined) {
        const problem = patternProblem(rule.pattern);
        if (problem) issues.push(issue(at, 'pattern', problem));
      }
      break;
    }
    case 'freshness': {
      if (rule.column === undefined) break;
      const type = typeOfNamed(column('column', rule.column));
      if (type && family(type) !== 'timestamp' && family(type) !== 'date') {
        issues.push(issue(at, 'column', `column "${rule.column}" is ${formatSourceType(type)} — expected a DATE or TIMESTAMP column`));
      }
      break;
    }
    case 'distribution':
      column('column', rule.column);
      break;
    case 'sql': {
      const problem = assertionSqlProblem(rule.sql);
      if (problem) issues.push(issue(at, 'sql', problem));
      break;
    }
    default:
      break;
  }
  return issues;
}

function typeOfNamed(column: ColumnContract | undefined): SourceType | undefined {
  return column === undefined ? undefined : typeOf(column);
}

/** Problems of the quality rules of one table that the table alone can show. */
export function checkQualityRules(domain: string, table: TableContract): ContractIssue[] {
  return table.qualityRules.flatMap((rule, index) => checkRule({ domain, table, rule, index }));
}

/** Problems of `references` rules that need the referenced domain: it, its table and columns exist and compare. */
export function checkQualityRuleTargets(contracts: readonly DomainContract[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const contract of contracts) {
    for (const table of contract.tables) {
      table.qualityRules.forEach((rule, index) => {
        if (rule.kind !== 'references') return;
        const at = { domain: contract.name, table, rule, index };
        const [domainName = '', tableName = '', list = ''] = rule.to.split('.');
        const domain = contracts.find((c) => c.name === domainName);
        if (domain === undefined) {
          issues.push(issue(at, 'to', `"${rule.to}": domain "${domainName}" is not declared (declared: ${contracts.map((c) => c.name).join(', ')})`));
          return;
        }
        const target = domain.tables.find((t) => t.name === tableName);
        if (target === undefined) {
          issues.push(issue(at, 'to', `"${rule.to}": table "${tableName}" is not declared in domain "${domainName}" (declared: ${domain.tables.map((t) => t.name).join(', ')})`));
          return;
        }
        list.split(',').forEach((name, j) => {
          const theirs = target.columns.find((c) => c.name === name);
          if (theirs === undefined) {
            issues.push(issue(at, 'to', `"${rule.to}": column "${name}" is not declared in table "${domainName}.${tableName}" (declared: ${target.columns.map((c) => c.name).join(', ')})`));
            return;
          }
          const mine = table.columns.find((c) => c.name === rule.columns[j]);
          const [a, b] = [mine && typeOf(mine), typeOf(theirs)];
          if (a && b && family(a) !== family(b)) {
            issues.push(issue(at, 'to', `"${domainName}.${tableName}.${name}" is ${formatSourceType(b)}, column "${mine!.name}" is ${formatSourceType(a)} — expected comparable types (both numbers, both text, both dates…)`));
          }
        });
      });
    }
  }
  return issues;
}
