import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { PayloadKey } from '../../core/payload/keys.js';
import { createEncryptionCodec, encryptedEncoding, keyIdMetadataKey, PayloadDecryptionError } from './codec.js';
import { payloadProtection } from './index.js';

const key = (id: string): PayloadKey => new PayloadKey(id, randomBytes(32));
const marker = 'decision-by-dpo.booking: Jana Nováková, passport X1234567';
const plain = (): Payload => defaultPayloadConverter.toPayload({ comment: marker, approved: true });
const meta = (p: Payload, k: string): string => new TextDecoder().decode(p.metadata?.[k] ?? new Uint8Array());
const toValue = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);

describe('payload encryption codec', () => {
  it('round-trips a payload, metadata included', async () => {
    const codec = createEncryptionCodec({ keys: [key('k1')] });
    const original = plain();
    const [sealed] = await codec.encode([original]);
    const [opened] = await codec.decode([sealed!]);
    const hex = (m: Payload['metadata']) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('hex')]));
    expect(hex(opened!.metadata)).toEqual(hex(original.metadata));
    expect(toValue(opened!)).toEqual({ comment: marker, approved: true });
  });

  it('marks the encoding and the key id, and leaves no plaintext in the payload', async () => {
    const codec = createEncryptionCodec({ keys: [key('2026-01'), key('2025-07')] });
    const [sealed] = await codec.encode([plain()]);
    expect(meta(sealed!, 'encoding')).toBe(encryptedEncoding);
    expect(meta(sealed!, keyIdMetadataKey)).toBe('2026-01');
    const everything = Buffer.concat([sealed!.data!, ...Object.values(sealed!.metadata!)]).toString('latin1');
    for (const piece of ['dpo.booking', 'Jana', 'X1234567', 'comment']) expect(everything).not.toContain(piece);
    expect(everything).not.toContain('json/plain');
  });

  it('seals the same payload differently each time (fresh IV)', async () => {
    const codec = createEncryptionCodec({ keys: [key('k1')] });
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: payloads sealed under A open when B encrypts and A is still configured', async () => {
    const a = key('A');
    const b = key('B');
    const [underA] = await createEncryptionCodec({ keys: [a] }).encode([plain()]);
    const rotated = createEncryptionCodec({ keys: [a, b], currentKeyId: 'B' });
    expect(toValue((await rotated.decode([underA!]))[0]!)).toEqual({ comment: marker, approved: true });
    const [underB] = await rotated.encode([plain()]);
    expect(meta(underB!, keyIdMetadataKey)).toBe('B');
  });

  it('refuses altered ciphertext', async () => {
    const codec = createEncryptionCodec({ keys: [key('k1')] });
    const [sealed] = await codec.encode([plain()]);
    const data = Uint8Array.from(sealed!.data!);
    data[20]! ^= 0x01;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(new PayloadDecryptionError("payload encrypted with key id 'k1' does not decrypt: altered, or sealed with another key under that id"));
  });

  it('refuses a payload relabelled with another configured key id', async () => {
    const codec = createEncryptionCodec({ keys: [key('k1'), key('k2')] });
    const [sealed] = await codec.encode([plain()]);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [keyIdMetadataKey]: new TextEncoder().encode('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow("key id 'k2' does not decrypt");
  });

  it('refuses an unknown key id, naming the id and not the key', async () => {
    const gone = key('retired-2024');
    const [sealed] = await createEncryptionCodec({ keys: [gone] }).encode([plain()]);
    const current = key('k9');
    const error = await createEncryptionCodec({ keys: [current] }).decode([sealed!]).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect(error!.message).toBe("payload is encrypted with key id 'retired-2024', which FACTORY_PAYLOAD_KEYS does not hold (it holds k9)");
    for (const k of [gone, current]) expect(error!.message).not.toContain(Buffer.from(k.bytes()).toString('base64'));
  });

  it('passes clear payloads through both ways when no key is configured, and refuses encrypted ones with a reason', async () => {
    const off = createEncryptionCodec({});
    const original = plain();
    expect(await off.encode([original])).toEqual([original]);
    const [sealed] = await createEncryptionCodec({ keys: [key('k1')] }).encode([plain()]);
    await expect(off.decode([sealed!])).rejects.toThrow("payload is encrypted (key id 'k1') but no keys are configured");
  });

  it('passes clear payloads (histories written before encryption) through on decode', async () => {
    const codec = createEncryptionCodec({ keys: [key('k1')] });
    const original = plain();
    expect(await codec.decode([original])).toEqual([original]);
  });

  it('is configured from FACTORY_PAYLOAD_KEYS and FACTORY_PAYLOAD_KEY_ID, and never prints key material', async () => {
    const [k1, k2] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const config = parseConfig({ FACTORY_PAYLOAD_KEYS: `old:${k1},new:${k2}`, FACTORY_PAYLOAD_KEY_ID: 'new' });
    const protection = payloadProtection(config);
    expect(protection.codec.encryptingKeyId).toBe('new');
    expect(protection.warning).toBeUndefined();
    const printed = `${inspect(config)} ${JSON.stringify(config)} ${String(config.FACTORY_PAYLOAD_KEYS)}`;
    for (const k of [k1, k2]) expect(printed).not.toContain(k);
    expect(printed).toContain('PayloadKey(old)');
    expect(payloadProtection(parseConfig({ FACTORY_PAYLOAD_KEYS: `old:${k1},new:${k2}` })).codec.encryptingKeyId).toBe('old');
    expect(payloadProtection(parseConfig({})).warning).toMatch(/^payload encryption is off \(FACTORY_PAYLOAD_KEYS is not set\)/);
  });
});
