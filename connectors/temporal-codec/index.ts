import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../core/config.js';
import { createEncryptionCodec, type EncryptionCodec } from './codec.js';

export { createEncryptionCodec, encryptedEncoding, isEncrypted, keyIdMetadataKey, PayloadDecryptionError, type EncryptionCodec } from './codec.js';

export interface PayloadProtection {
  codec: EncryptionCodec;
  /** For Client and Worker options: every client and worker of the project uses the same one. */
  dataConverter: DataConverter;
  /** One line for the start-up log when payloads go out in clear; undefined when they are encrypted. */
  warning: string | undefined;
}

/** The payload codec the configuration asks for (keys unset: clear payloads, encrypted ones refused with a reason). */
export function payloadProtection(config: Pick<Config, 'FACTORY_PAYLOAD_KEYS' | 'FACTORY_PAYLOAD_KEY_ID'>): PayloadProtection {
  const codec = createEncryptionCodec({ keys: config.FACTORY_PAYLOAD_KEYS, currentKeyId: config.FACTORY_PAYLOAD_KEY_ID });
  return {
    codec,
    dataConverter: { payloadCodecs: [codec] },
    warning: codec.encryptingKeyId
      ? undefined
      : 'payload encryption is off (FACTORY_PAYLOAD_KEYS is not set): workflow inputs, results and decisions are stored readable in Temporal\'s history',
  };
}
