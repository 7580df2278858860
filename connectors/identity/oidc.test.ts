import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityRefusedError } from '../../core/errors.js';
import { createOidcVerifier } from './oidc.js';

/**
 * The verifier's checks, one by one, against a provider of our own on loopback (discovery and JWKS
 * over real HTTP, keys made here) so each claim can be made wrong alone. The sign-in tests in test/
 * run the same verifier against Keycloak.
 */

let server: Server;
let issuer: string;
const keys: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];
let published: string[] = [];
let jwksFetches = 0;

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
}

function token(claims: Record<string, unknown>, options: { kid?: string; exp?: number; nbf?: number; iss?: string; aud?: string } = {}): Promise<string> {
  const key = keys.find((k) => k.kid === (options.kid ?? 'k1'))!;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ preferred_username: 'dpo.booking', groups: ['dpo-booking', 'analysts'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setSubject('f3a1c0de').setIssuer(options.iss ?? issuer).setAudience(options.aud ?? 'factory')
    .setIssuedAt(now).setExpirationTime(options.exp ?? now + 300);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(key.privateKey);
}

beforeAll(async () => {
  await newKey('k1');
  await newKey('k2');
  published = ['k1'];
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    jwksFetches++;
    res.end(JSON.stringify({ keys: keys.filter((k) => published.includes(k.kid)).map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  issuer = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const verifier = () => createOidcVerifier({ discoveryUrl: `${issuer}/.well-known/openid-configuration`, audience: 'factory', groupsClaim: 'groups', clockToleranceSeconds: 5, jwksCooldownSeconds: 1 });
const refusal = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => {
  expect(e).toBeInstanceOf(IdentityRefusedError);
  return (e as Error).message;
});

describe('OIDC token verification', () => {
  it('returns the verified user, groups and roles, never the token', async () => {
    const t = await token({ name: 'Marit Solvang' });
    const identity = await verifier().verify(t);
    expect(identity).toMatchObject({ subject: 'f3a1c0de', user: 'dpo.booking', name: 'Marit Solvang', groups: ['dpo-booking', 'analysts'], roles: ['analyst', 'dpo:booking'], issuer });
    expect(JSON.stringify(identity)).not.toContain(t.split('.')[1]);
  });

  it('refuses each wrong claim with its reason', async () => {
    const now = Math.floor(Date.now() / 1000);
    const v = verifier();
    expect(await refusal(v.verify(await token({}, { exp: now - 60 })))).toBe('token refused: it has expired (sign in again)');
    expect(await refusal(v.verify(await token({}, { nbf: now + 600 })))).toBe('token refused: it is not valid yet');
    expect(await refusal(v.verify(await token({}, { iss: 'http://127.0.0.1:1/realms/other' })))).toBe(`token refused: it was not issued by ${issuer}`);
    expect(await refusal(v.verify(await token({}, { aud: 'account' })))).toBe("token refused: it is not meant for audience 'factory'");
    const [head, , sig] = (await token({})).split('.');
    const forged = Buffer.from(JSON.stringify({ preferred_username: 'dpo.booking', groups: ['admins'], sub: 'x', iss: issuer, aud: 'factory', exp: now + 300 })).toString('base64url');
    expect(await refusal(v.verify(`${head}.${forged}.${sig}`))).toBe('token refused: its signature does not verify (altered or forged)');
    expect(await refusal(v.verify('not-a-token'))).toMatch(/^no token, or not a JWT/);
  });

  it('tolerates the configured clock skew and no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier().verify(await token({}, { exp: now - 2 }))).resolves.toMatchObject({ user: 'dpo.booking' });
    expect(await refusal(verifier().verify(await token({}, { exp: now - 20 })))).toMatch(/expired/);
  });

  it('follows a key rotation without a restart, and refuses a key the provider does not publish', async () => {
    const v = verifier();
    await v.verify(await token({}));
    expect(await refusal(v.verify(await token({}, { kid: 'k2' })))).toBe('token refused: it is signed with a key the identity provider does not publish');
    published = ['k1', 'k2'];
    // The JWKS is fetched again for an unknown key id once its cool-down has passed.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const before = jwksFetches;
    await expect(v.verify(await token({}, { kid: 'k2' }))).resolves.toMatchObject({ user: 'dpo.booking' });
    expect(jwksFetches).toBeGreaterThan(before);
  });
});
