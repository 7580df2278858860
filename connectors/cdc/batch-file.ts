import type { DecodedChange } from '../../core/cdc/decode.js';
import { quoteCsvText } from '../../core/staged/csv.js';

/**
 * One staged CSV line per decoded change, in the layout Warehouse.applyChanges reads: the contract
 * columns (after image; for a delete only the key, from the Kafka key), then op, position, source
 * commit time (empty when the record has none), Kafka coordinates and the source columns the
 * contract does not declare yet (JSON, or empty). Values are already staged text from the decoder.
 */
export function changeLine(columns: readonly string[], change: DecodedChange): string {
  const values = change.values ?? columns.map((c) => change.key[c] ?? null);
  const fields = values.map((v) => (v === null ? '' : quoteCsvText(v)));
  fields.push(change.op, change.position, change.sourceTsMs === null ? '' : String(change.sourceTsMs), String(change.kafka.partition), change.kafka.offset);
  fields.push(change.extra ? quoteCsvText(JSON.stringify(change.extra, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) : '');
  return `${fields.join(',')}\n`;
}
