import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';

const key = (byte: number): string => btoa(String.fromCharCode(...new Array<number>(32).fill(byte)));

describe('FACTORY_PAYLOAD_KEYS and FACTORY_PAYLOAD_KEY_ID', () => {
  it('reads ids and keys; unset means no encryption', () => {
    const config = parseConfig({ FACTORY_PAYLOAD_KEYS: ` 2026-05:${key(1)} , 2025-11:${key(2)}`, FACTORY_PAYLOAD_KEY_ID: '2025-11' });
    expect(config.FACTORY_PAYLOAD_KEYS?.map((k) => [k.id, k.bytes()[0]])).toEqual([['2026-05', 1], ['2025-11', 2]]);
    expect(config.FACTORY_PAYLOAD_KEY_ID).toBe('2025-11');
    expect(parseConfig({}).FACTORY_PAYLOAD_KEYS).toBeUndefined();
  });

  it('names the variable, the entry and the expected form, never the key text', () => {
    const short = 'c2VjcmV0LWtleS10b28tc2hvcnQ=';
    const attempt = (env: Record<string, string>) => { try { parseConfig(env); return ''; } catch (e) { return (e as Error).message; } };
    const tooShort = attempt({ FACTORY_PAYLOAD_KEYS: `a:${key(1)},b:${short}` });
    expect(tooShort).toBe("Invalid configuration (environment variables):\n  FACTORY_PAYLOAD_KEYS: entry 2 ('b'): the key must be 32 bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`");
    expect(attempt({ FACTORY_PAYLOAD_KEYS: key(3) })).toContain("FACTORY_PAYLOAD_KEYS: entry 1: expected <keyId>:<base64 key>");
    expect(attempt({ FACTORY_PAYLOAD_KEYS: key(3) })).not.toContain(key(3));
    expect(attempt({ FACTORY_PAYLOAD_KEYS: `a:${key(1)},a:${key(2)}` })).toContain("key id 'a' is given twice");
    expect(attempt({ FACTORY_PAYLOAD_KEYS: `a:${key(1)}`, FACTORY_PAYLOAD_KEY_ID: 'b' })).toContain("FACTORY_PAYLOAD_KEY_ID: expected one of the key ids of FACTORY_PAYLOAD_KEYS (a), got 'b'");
    expect(attempt({ FACTORY_PAYLOAD_KEY_ID: 'b' })).toContain('FACTORY_PAYLOAD_KEY_ID: names the encrypting key, but FACTORY_PAYLOAD_KEYS is not set');
  });

  it('reads the codec endpoint\'s browser origins', () => {
    expect(parseConfig({}).FACTORY_CODEC_CORS_ORIGINS).toEqual(['http://127.0.0.1:8233']);
    expect(parseConfig({ FACTORY_CODEC_CORS_ORIGINS: 'https://temporal.example.org, http://localhost:8233' }).FACTORY_CODEC_CORS_ORIGINS).toEqual(['https://temporal.example.org', 'http://localhost:8233']);
    expect(() => parseConfig({ FACTORY_CODEC_CORS_ORIGINS: 'https://temporal.example.org/ui' })).toThrow('FACTORY_CODEC_CORS_ORIGINS: expected a comma-separated list of origins');
  });
});
