import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteToken, readToken, type StoredToken, tokenFile, writeToken } from './token-store.js';

const token: StoredToken = {
  version: 1,
  discoveryUrl: 'http://127.0.0.1:8480/realms/factory/.well-known/openid-configuration',
  issuer: 'http://127.0.0.1:8480/realms/factory',
  clientId: 'factory-cli',
  accessToken: 'header.payload.signature',
  expiresAt: '2030-01-01T00:00:00.000Z',
  refreshToken: 'refresh-secret',
};

let base = '';
afterEach(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('token store', () => {
  it('writes the token readable by its owner only, in a private directory, and reads it back', async () => {
    base = await mkdtemp(join(tmpdir(), 'token-store-'));
    const dir = join(base, 'nested', 'factory');
    await writeToken(dir, token);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(tokenFile(dir))).toBe(0o600);
    expect(await readToken(dir)).toEqual({ kind: 'ok', token });
    // Replaced by rename: no temporary file is left beside it.
    await writeToken(dir, { ...token, accessToken: 'a.b.c' });
    expect(await readdir(dir)).toEqual(['token.json']);
  });

  it('closes an existing directory that others could read', async () => {
    base = await mkdtemp(join(tmpdir(), 'token-store-'));
    const dir = join(base, 'factory');
    await mkdir(dir);
    await chmod(dir, 0o755);
    await writeToken(dir, token);
    expect(await mode(dir)).toBe(0o700);
  });

  it('tells absent from unreadable, naming fields but never values', async () => {
    base = await mkdtemp(join(tmpdir(), 'token-store-'));
    expect(await readToken(base)).toEqual({ kind: 'absent' });
    await writeFile(tokenFile(base), '{not json');
    expect(await readToken(base)).toEqual({ kind: 'unreadable', reason: `${tokenFile(base)} is not JSON` });
    await writeFile(tokenFile(base), JSON.stringify({ ...token, accessToken: '', refreshToken: 42 }));
    const read = await readToken(base);
    expect(read.kind).toBe('unreadable');
    expect(read.kind === 'unreadable' && read.reason).toBe(`${tokenFile(base)} is not a token file (accessToken, refreshToken)`);
  });

  it('deletes, and says whether there was anything to delete', async () => {
    base = await mkdtemp(join(tmpdir(), 'token-store-'));
    await writeToken(base, token);
    expect(await deleteToken(base)).toBe(true);
    expect(await deleteToken(base)).toBe(false);
  });
});
