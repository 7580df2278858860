import { ErasureKeyError } from '../errors.js';

/** The erasure ledger's key as the warehouse owner holds it (FACTORY_ERASURE_KEY). */
export interface ErasureKey {
  readonly id: string;
  bytes(): Uint8Array;
}

export function requireErasureKey(key: ErasureKey | undefined, what: string): ErasureKey {
  if (!key) throw new ErasureKeyError(`${what} needs the erasure ledger's key: open the warehouse with FACTORY_ERASURE_KEY`);
  return key;
}

/**
 * The key that honours a table's ledger entries. Entries hashed with another key cannot be matched:
 * ingestion stops rather than let an erased subject back in.
 */
export function ledgerKey(key: ErasureKey | undefined, domain: string, table: string, keyIds: readonly string[]): ErasureKey {
  const current = requireErasureKey(key, `${domain}.${table}: honouring the erasure ledger`);
  const other = keyIds.filter((k) => k !== current.id);
  if (other.length > 0) {
    throw new ErasureKeyError(`${domain}.${table}: the erasure ledger holds hashes made with key '${other[0]}', FACTORY_ERASURE_KEY is '${current.id}'; ingestion stops rather than let an erased subject back (configure the key the ledger was written with)`);
  }
  return current;
}
