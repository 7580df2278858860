/**
 * Standard SQL quoting, as PostgreSQL, DB2 and DuckDB read it: a name in double quotes, a string in
 * single quotes, the quote doubled inside.
 */
export const standardIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const standardLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;
