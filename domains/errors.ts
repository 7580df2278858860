/**
 * Errors of the contract layer. Each problem is located the way a person edits a domain file
 * (domain → table or product → column → field), so the message leads straight to the line to fix.
 */

/** One problem in a declaration. `field` is relative to the innermost named thing. */
export interface ContractIssue {
  /** Domain name, or a placeholder in parentheses, '(declarations[3])', when the name itself is missing. */
  domain: string;
  table?: string;
  product?: string;
  column?: string;
  field?: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** `domain "booking", table "booking_line", field "primaryKey[1]": column "LINE_NO" is not declared…` */
export function formatIssue(issue: ContractIssue): string {
  const where = [issue.domain.startsWith('(') ? `domain ${issue.domain}` : `domain "${issue.domain}"`];
  if (issue.table !== undefined) where.push(`table "${issue.table}"`);
  if (issue.product !== undefined) where.push(`product "${issue.product}"`);
  if (issue.column !== undefined) where.push(`column "${issue.column}"`);
  if (issue.field !== undefined && issue.field !== '') where.push(`field "${issue.field}"`);
  return `${where.join(', ')}: ${issue.message}`;
}

/** A declaration that does not satisfy the contract; the message holds one line per problem. */
export class ContractError extends Error {
  readonly issues: readonly ContractIssue[];

  constructor(issues: readonly ContractIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ContractError';
    this.issues = issues;
  }
}

/** A domain or table name that the registry does not know; the message suggests the closest names. */
export class UnknownNameError extends Error {
  constructor(
    readonly requested: string,
    readonly closest: readonly string[],
    what: string,
  ) {
    super(`unknown ${what} "${requested}": closest are ${closest.join(', ')}`);
    this.name = 'UnknownNameError';
  }
}

/** A bare table name that several domains declare; the caller must qualify it. */
export class AmbiguousNameError extends Error {
  constructor(
    readonly requested: string,
    readonly candidates: readonly string[],
  ) {
    super(`ambiguous table name "${requested}": declared as ${candidates.join(', ')} — expected '<domain>.<table>'`);
    this.name = 'AmbiguousNameError';
  }
}
