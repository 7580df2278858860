import type { EnvelopeFormat } from '../core/cdc/adapter.js';
import type { SourcePlan } from './connectors.js';

/**
 * FACTORY_CDC_FORMATS checked against the planned sources at start: a system no contract reads (a
 * typo), or a format whose positions cannot follow the backfill of that system. A backfilled row
 * carries its source's position ('pg:…' or 'db2:…') and the MERGE keeps the higher one: Debezium
 * PostgreSQL events compare with 'pg', Debezium Db2 events with 'db2', and IIDR events ('iidr:…')
 * sort above every 'db2' position (so an IIDR change always replaces a backfilled Db2 row), but below
 * every 'pg' one, where they would never replace a backfilled row.
 */
export function captureFormatProblems(formats: Readonly<Record<string, EnvelopeFormat>>, plans: readonly SourcePlan[]): string[] {
  const kindOf = new Map(plans.map((p) => [p.system, p.kind]));
  const problems: string[] = [];
  for (const [system, format] of Object.entries(formats)) {
    const kind = kindOf.get(system);
    if (kind === undefined) {
      problems.push(`FACTORY_CDC_FORMATS: system ${system} is not a contract system with a source (those are: ${[...kindOf.keys()].join(', ')})`);
    } else if (kind === 'db2' ? format === 'debezium-postgresql' : format === 'debezium-db2' || format === 'iidr-kcop-json') {
      problems.push(`FACTORY_CDC_FORMATS: system ${system} is read from ${kind}, whose backfill positions ${format} events cannot be compared with (${kind === 'db2' ? 'use debezium-db2 or iidr-kcop-json' : 'use debezium-postgresql'})`);
    }
  }
  return problems;
}
