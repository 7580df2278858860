/**
 * Keys of the Temporal payload codec, as configuration gives them: `<keyId>:<base64 of 32 bytes>`,
 * comma-separated. The key id travels in each encrypted payload's metadata so any configured key can
 * decrypt (rotation); the bytes never leave the process. Pure parsing only: the cipher lives in
 * connectors/temporal-codec/.
 */

export const payloadKeyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
// 32 bytes are 43 base64 characters and one '=' of padding.
const base64Of32Bytes = /^[A-Za-z0-9+/]{43}=$/;

/** An AES-256 key with its id. Printing or serialising it shows the id only, so key material cannot reach a log by accident. */
export class PayloadKey {
  readonly #bytes: Uint8Array;
  constructor(readonly id: string, bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  bytes(): Uint8Array {
    return this.#bytes;
  }
  toJSON(): string {
    return `PayloadKey(${this.id})`;
  }
  toString(): string {
    return this.toJSON();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}

export type ParsedKeys = { ok: true; keys: PayloadKey[] } | { ok: false; problem: string };

/** Parses the key list; a problem names the entry by position and key id, never the key text. */
export function parsePayloadKeys(text: string): ParsedKeys {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return { ok: false, problem: 'expected <keyId>:<base64 of 32 random bytes>, comma-separated' };
  const keys: PayloadKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const where = `entry ${index + 1}${payloadKeyIdPattern.test(id) ? ` ('${id}')` : ''}`;
    if (!payloadKeyIdPattern.test(id)) return { ok: false, problem: `${where}: expected <keyId>:<base64 key>, the key id of letters, digits, '.', '_' or '-'` };
    if (keys.some((k) => k.id === id)) return { ok: false, problem: `${where}: key id '${id}' is given twice` };
    const encoded = entry.slice(colon + 1);
    if (!base64Of32Bytes.test(encoded)) return { ok: false, problem: `${where}: the key must be 32 bytes in base64 (44 characters), e.g. from \`openssl rand -base64 32\`` };
    keys.push(new PayloadKey(id, Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))));
  }
  return { ok: true, keys };
}
