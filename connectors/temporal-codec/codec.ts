import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
// CommonJS module: Node's ESM loader offers only its default export.
import proto from '@temporalio/proto';
import type { PayloadKey } from '../../core/payload/keys.js';

/**
 * Temporal payload encryption: every payload a client or worker sends (workflow inputs and results,
 * activity inputs and results, signals, updates, queries, memos) is replaced by one whose data is the
 * original payload, protobuf-encoded and sealed with AES-256-GCM. Temporal's history then holds
 * ciphertext only; the key id in the metadata lets any configured key decrypt (rotation). Payloads
 * without our encoding pass through, so histories written before encryption still replay.
 */

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const ivBytes = 12;
const tagBytes = 16;
const text = new TextEncoder();
const read = (bytes: Uint8Array | null | undefined): string => (bytes ? new TextDecoder().decode(bytes) : '');

/** A payload that cannot be decrypted; names the key id, never key material or content. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export interface EncryptionCodecSettings {
  /** The configured keys; none: payloads are written in clear and encrypted ones are refused with a clear reason. */
  keys?: readonly PayloadKey[] | undefined;
  /** The key that encrypts; default: the first. */
  currentKeyId?: string | undefined;
}

export interface EncryptionCodec extends PayloadCodec {
  /** The key id new payloads are sealed with, or undefined when encryption is off. */
  readonly encryptingKeyId: string | undefined;
}

export function createEncryptionCodec({ keys = [], currentKeyId }: EncryptionCodecSettings): EncryptionCodec {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const current = currentKeyId === undefined ? keys[0] : byId.get(currentKeyId);
  if (currentKeyId !== undefined && !current) throw new PayloadDecryptionError(`the encrypting key id '${currentKeyId}' is not among the configured keys`);

  return {
    encryptingKeyId: current?.id,
    async encode(payloads) {
      return current ? payloads.map((p) => seal(p, current)) : payloads;
    },
    async decode(payloads) {
      return payloads.map((p) => (isEncrypted(p) ? open(p, byId) : p));
    },
  };
}

export function isEncrypted(payload: Payload): boolean {
  return read(payload.metadata?.[METADATA_ENCODING_KEY]) === encryptedEncoding;
}

// The key id and encoding are authenticated with the ciphertext, so relabelling a payload fails.
const additionalData = (keyId: string): Uint8Array => text.encode(`${encryptedEncoding};${keyId}`);

function seal(payload: Payload, key: PayloadKey): Payload {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key.bytes(), iv, { authTagLength: tagBytes });
  cipher.setAAD(additionalData(key.id));
  const plain = PayloadMessage.encode(payload).finish();
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { [METADATA_ENCODING_KEY]: text.encode(encryptedEncoding), [keyIdMetadataKey]: text.encode(key.id) },
    data: sealed,
  };
}

function open(payload: Payload, keys: ReadonlyMap<string, PayloadKey>): Payload {
  const keyId = read(payload.metadata?.[keyIdMetadataKey]);
  if (keys.size === 0) {
    throw new PayloadDecryptionError(`payload is encrypted (key id '${keyId}') but no keys are configured: set FACTORY_PAYLOAD_KEYS as the workers have it (locally: eval "$(bash stack/stack.sh env)")`);
  }
  const key = keys.get(keyId);
  if (!key) throw new PayloadDecryptionError(`payload is encrypted with key id '${keyId}', which FACTORY_PAYLOAD_KEYS does not hold (it holds ${[...keys.keys()].join(', ')})`);
  const data = payload.data ?? new Uint8Array();
  if (data.length < ivBytes + tagBytes) throw new PayloadDecryptionError(`payload encrypted with key id '${keyId}' is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key.bytes(), data.subarray(0, ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(additionalData(keyId));
  decipher.setAuthTag(data.subarray(data.length - tagBytes));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(`payload encrypted with key id '${keyId}' does not decrypt: altered, or sealed with another key under that id`);
  }
  const decoded = PayloadMessage.decode(plain);
  return { metadata: decoded.metadata, data: decoded.data };
}
