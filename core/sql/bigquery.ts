import { bigQueryColumnType } from '../warehouse-types.js';
import type { SqlDialect } from './dialect.js';

/** GoogleSQL (BigQuery): backquoted names, strings escaped with backslashes. */

export const ident = (name: string): string => `\`${name.replace(/[`\\]/g, '\\$&')}\``;

/**
 * A GoogleSQL string literal. Multi-statement scripts run without query parameters on the emulator
 * (they are not bound there), so the few control values a script needs (positions, consumer, topics,
 * source system) are inlined through this function only.
 */
export function literal(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `'${escaped}'`;
}

export const qualified = (dataset: string, table: string): string => `${ident(dataset)}.${ident(table)}`;

export const bigquery: SqlDialect = {
  name: 'bigquery',
  ident,
  literal,
  // One backquoted `project.dataset.table` path: BigQuery reads the dots inside the quotes.
  path: (parts) => ident(parts.join('.')),
  textType: 'STRING',
  columnType: bigQueryColumnType,
};
