import bigquery from 'node-sql-parser/build/bigquery.js';
import postgresql from 'node-sql-parser/build/postgresql.js';

/**
 * Custom SQL assertions are checked when the contract loads, not when the gate first runs them:
 * the text must parse as one SELECT in the BigQuery dialect and in the PostgreSQL dialect (the
 * nearest node-sql-parser has to DuckDB's), because one rule runs on either warehouse. Only the
 * per-dialect parser builds are loaded (a few hundred KB each, not all dialects).
 */

/** What `{table}` is replaced with for parsing: a plain name of the same length keeps error columns true. */
const PLACEHOLDER = 'checked';

const parsers = [
  { dialect: 'BigQuery', database: 'bigquery', parser: new bigquery.Parser() },
  { dialect: 'PostgreSQL', database: 'postgresql', parser: new postgresql.Parser() },
] as const;

interface PegSyntaxError {
  found?: string | null;
  location?: { start: { line: number; column: number } };
}

/** Why the assertion cannot be accepted, or undefined when it parses as a single SELECT everywhere. */
export function assertionSqlProblem(sql: string): string | undefined {
  if (!sql.includes('{table}')) return 'names no {table} — expected a SELECT over {table}, the table under test';
  const text = sql.replace(/\{table\}/g, PLACEHOLDER).replace(/;\s*$/, '');
  for (const { dialect, database, parser } of parsers) {
    let ast;
    try {
      ast = parser.astify(text, { database });
    } catch (error) {
      const { found, location } = error as PegSyntaxError;
      const where = location ? ` at line ${location.start.line}, column ${location.start.column}` : '';
      const what = found === undefined ? '' : found === null ? ' (the text ends too early)' : ` (unexpected "${found}")`;
      return `does not parse as ${dialect} SQL${where}${what} — expected a single SELECT over {table}`;
    }
    const statements = Array.isArray(ast) ? ast : [ast];
    if (statements.length !== 1) return `holds ${statements.length} statements — expected a single SELECT over {table}`;
    if (statements[0]!.type !== 'select') return `is a ${statements[0]!.type.toUpperCase()} statement — expected a single SELECT over {table}`;
  }
  return undefined;
}
