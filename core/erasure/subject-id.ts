import type { ColumnContract } from '../../contracts/contract.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { InvalidInputError } from '../errors.js';

/**
 * The text of a subject identifier as the warehouse casts the key column to text (what the ledger
 * hashes): '00042' and '42' name the same BIGINT customer, so both must give one hash. Errors name
 * the key, never the identifier, which is personal data.
 */
export function canonicalSubjectId(key: string, column: Pick<ColumnContract, 'type'>, raw: string): string {
  const text = raw.trim();
  const { kind } = parseSourceType(column.type);
  if (kind === 'SMALLINT' || kind === 'INTEGER' || kind === 'BIGINT') {
    if (!/^[+-]?\d{1,19}$/.test(text)) throw new InvalidInputError(`the identifier for ${key} (${column.type}) must be a whole number`);
    return BigInt(text).toString();
  }
  if (text === '') throw new InvalidInputError(`the identifier for ${key} is empty`);
  return text;
}
