import { formatSourceType, parseSourceType, type SourceType } from '../contracts/source-types.js';

/** Contract vs source: what changed. Added columns are reported; dropped or retyped ones stop a load. */

export interface DriftColumn { name: string; type: SourceType }
export interface ContractColumnRef { name: string; type: string }

export interface Drift {
  added: string[];
  dropped: string[];
  retyped: Array<{ column: string; contract: string; source: string }>;
}

export function compareColumns(contract: ContractColumnRef[], source: DriftColumn[]): Drift {
  const sourceByName = new Map(source.map((c) => [c.name, c]));
  const contractNames = new Set(contract.map((c) => c.name));
  const drift: Drift = { added: source.filter((c) => !contractNames.has(c.name)).map((c) => c.name), dropped: [], retyped: [] };
  for (const column of contract) {
    const found = sourceByName.get(column.name);
    if (!found) {
      drift.dropped.push(column.name);
      continue;
    }
    const declared = formatSourceType(parseSourceType(column.type));
    const actual = formatSourceType(found.type);
    if (declared !== actual) drift.retyped.push({ column: column.name, contract: declared, source: actual });
  }
  return drift;
}

export function isBreaking(drift: Drift): boolean {
  return drift.dropped.length > 0 || drift.retyped.length > 0;
}

/** One sentence naming every column that moved, e.g. for a ContractDriftError. */
export function describeDrift(qualifiedTable: string, drift: Drift): string {
  const parts: string[] = [];
  if (drift.dropped.length) parts.push(`missing at the source: ${drift.dropped.join(', ')}`);
  if (drift.retyped.length) parts.push(`retyped: ${drift.retyped.map((r) => `${r.column} (contract ${r.contract}, source ${r.source})`).join(', ')}`);
  if (drift.added.length) parts.push(`not in the contract: ${drift.added.join(', ')}`);
  return `${qualifiedTable}: source differs from its contract — ${parts.join('; ')}`;
}
