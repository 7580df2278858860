import { formatSourceType, parseSourceType, type SourceType } from '../contracts/source-types.js';
import { compareSchemas, type SchemaChange } from './schema-compare.js';

/**
 * Contract vs source catalog, before a backfill: added columns are reported; dropped or retyped
 * ones stop the load. Types match when their canonical spellings do (INT and INTEGER agree).
 */

export interface DriftColumn { name: string; type: SourceType }
export interface ContractColumnRef { name: string; type: string }

export function compareColumns(contract: ContractColumnRef[], source: DriftColumn[]): SchemaChange {
  return compareSchemas(contract, source, {
    retyped: (declared, found) => {
      const [c, s] = [formatSourceType(parseSourceType(declared.type)), formatSourceType(found.type)];
      return c === s ? null : { contract: c, event: s };
    },
  });
}

/** One sentence naming every column that moved, e.g. for a ContractDriftError. */
export function describeDrift(qualifiedTable: string, drift: SchemaChange): string {
  const parts: string[] = [];
  if (drift.dropped.length) parts.push(`missing at the source: ${drift.dropped.join(', ')}`);
  if (drift.retyped.length) parts.push(`retyped: ${drift.retyped.map((r) => `${r.column} (contract ${r.contract}, source ${r.event})`).join(', ')}`);
  if (drift.added.length) parts.push(`not in the contract: ${drift.added.join(', ')}`);
  return `${qualifiedTable}: source differs from its contract — ${parts.join('; ')}`;
}
