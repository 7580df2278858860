/**
 * The bottom of the error hierarchy, and the errors of the contract language itself. A
 * PermanentError cannot heal by retrying (bad input, a contract the source no longer matches, a
 * missing driver); every other error is transient and retried. It lives here, in the layer that
 * imports nothing, because the contract parser throws one; core/errors.ts re-exports it and derives
 * the workflows' non-retryable list from the permanent classes.
 */

export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem in a declaration. `field` is relative to the innermost named thing. */
export interface ContractIssue {
  /** Domain name, or a placeholder in parentheses, '(declarations[3])', when the name itself is missing. */
  domain: string;
  table?: string;
  product?: string;
  /** A KPI of the domain (kpis.ts). */
  kpi?: string;
  column?: string;
  field?: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** `domain "booking", table "booking_line", field "primaryKey[1]": column "LINE_NO" is not declared…` */
export function formatIssue(issue: ContractIssue): string {
  const where = [issue.domain.startsWith('(') ? `domain ${issue.domain}` : `domain "${issue.domain}"`];
  if (issue.kpi !== undefined) where.push(`KPI "${issue.kpi}"`);
  if (issue.table !== undefined) where.push(`table "${issue.table}"`);
  if (issue.product !== undefined) where.push(`product "${issue.product}"`);
  if (issue.column !== undefined) where.push(`column "${issue.column}"`);
  if (issue.field !== undefined && issue.field !== '') where.push(`field "${issue.field}"`);
  return `${where.join(', ')}: ${issue.message}`;
}

/**
 * A declaration that does not satisfy the contract; the message holds one line per problem. Each
 * problem is located the way a person edits a domain file (domain → table or product → column →
 * field), so the message leads straight to the line to fix.
 */
export class ContractError extends PermanentError {
  readonly issues: readonly ContractIssue[];

  constructor(issues: readonly ContractIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}
