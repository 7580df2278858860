import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableContract } from '../../contracts/contract.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { quoteCsvText } from '../../core/staged/csv.js';

/**
 * Staged files for serving-store tests, written the way source exports and the change decoder write
 * them (core/staged/format.ts, connectors/cdc/batch-file.ts): rows given by column name, the other
 * columns filled with a plain value of their type (NULL when nullable).
 */

export type Values = Record<string, string | null>;

function filler(column: TableContract['columns'][number]): string | null {
  if (column.nullable) return null;
  const t = parseSourceType(column.type);
  switch (t.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': return '1';
    case 'DECIMAL': return (t.scale ?? 0) > 0 ? `1.${'0'.repeat(t.scale!)}` : (column.encoding === 'yyyymmdd' ? '20260101' : '1');
    case 'CHAR': case 'GRAPHIC': return 'X'.padEnd(t.length ?? 1, ' ');
    case 'DATE': return '2026-01-01';
    case 'TIMESTAMP': return '2026-01-01 08:00:00';
    case 'TIME': return '08:00:00';
    case 'BOOLEAN': return 't';
    default: return 'x';
  }
}

/** The contract columns of one row, in order, as staged text. */
export function stagedFields(table: TableContract, values: Values): Array<string | null> {
  for (const name of Object.keys(values)) {
    if (!table.columns.some((c) => c.name === name)) throw new Error(`test row: ${table.name} has no column ${name}`);
  }
  return table.columns.map((c) => (c.name in values ? values[c.name]! : filler(c)));
}

const csv = (fields: Array<string | null>) => `${fields.map((v) => (v === null ? '' : quoteCsvText(v))).join(',')}\n`;

/** A backfill chunk file. */
export function writeChunk(dir: string, name: string, table: TableContract, rows: Values[]): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => csv(stagedFields(table, r))).join(''));
  return file;
}

export interface TestChange { op: 'c' | 'u' | 'd' | 'r' | 't'; position: string; values: Values }

/** A change batch file: for a delete, only the key columns given are set (as the decoder does from the Kafka key). */
export function writeBatch(dir: string, name: string, table: TableContract, changes: TestChange[]): string {
  const file = join(dir, name);
  writeFileSync(file, changes.map((c, i) => {
    const fields = c.op === 'd' || c.op === 't' ? table.columns.map((col) => c.values[col.name] ?? null) : stagedFields(table, c.values);
    return csv([...fields, c.op, c.position, '1767225600000', '0', String(i), null]);
  }).join(''));
  return file;
}

/** A PostgreSQL source position (core/cdc/position.ts) from a small commit number. */
export const pgPos = (commit: number, change = 0): string =>
  `pg:${commit.toString(16).toUpperCase().padStart(16, '0')}:${change.toString(16).toUpperCase().padStart(16, '0')}:1`;
