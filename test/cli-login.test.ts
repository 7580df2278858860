import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_SIGNED_IN } from '../cli/auth/session.js';
import { type StoredToken, writeToken } from '../cli/auth/token-store.js';
import { DEMO_PASSWORD } from '../stack/identity/people.js';
import { completeDeviceVerification, FormBrowser, signInOnLoginForm, visibleText } from './support/browser-forms.js';
import { runFactory, startFactory } from './support/factory-cli.js';
import { identityEnv, signInWithBrowserForm, type IdentityEnv } from './support/identity.js';

/**
 * `factory login`, `whoami` and `logout` against the stack's Keycloak, as subprocesses: both sign-in
 * flows driven through the IdP's real pages (device verification, login form, consent), the token file
 * on disk, and the refusals a user meets (no sign-in, a forged token, an expired one, a revoked session).
 */
let identity: IdentityEnv;
const dirs: string[] = [];

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factory-login-'));
  dirs.push(dir);
  return join(dir, 'factory');
}

function cliEnv(dir: string): Record<string, string> {
  return {
    OIDC_DISCOVERY_URL: identity.discoveryUrl,
    OIDC_ISSUER: identity.issuer,
    OIDC_AUDIENCE: identity.audience,
    OIDC_CLI_CLIENT_ID: identity.cliClientId,
    FACTORY_CONFIG_DIR: dir,
    // The sign-in URL is only printed: the test is the browser.
    BROWSER: '',
  };
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** A real sign-in written as the token file, for the tests about what whoami does with what it finds. */
async function storedSignIn(dir: string, user: string): Promise<StoredToken> {
  const result = await signInWithBrowserForm(identity, user, DEMO_PASSWORD);
  if (!result.ok) throw new Error(`sign-in of ${user} refused: ${result.message}`);
  const tokens = result.tokens as typeof result.tokens & { refresh_token: string; expires_in: number };
  const stored: StoredToken = {
    version: 1,
    discoveryUrl: identity.discoveryUrl,
    issuer: identity.issuer,
    clientId: identity.cliClientId,
    accessToken: tokens.access_token,
    expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
  };
  await writeToken(dir, stored);
  return stored;
}

beforeAll(async () => {
  // Global setup starts the identity services (FACTORY_TEST_STACK_WITH includes identity by default).
  identity = identityEnv();
  const discovery = await fetch(identity.discoveryUrl).catch((error: unknown) => error as Error);
  if (!(discovery instanceof Response) || !discovery.ok) throw new Error(`Keycloak does not answer at ${identity.discoveryUrl}: start it with \`bash stack/stack.sh up --with identity\``);
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('factory whoami without a sign-in', () => {
  it('exits 1 and says to run factory login', async () => {
    const result = await runFactory(['whoami'], cliEnv(configDir()));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(NOT_SIGNED_IN);
    expect(result.stdout).toBe('');
  });
});

describe('factory login --device', () => {
  it('signs in through the verification page on another device; whoami names the DPO and their role', async () => {
    const dir = configDir();
    const login = startFactory(['login', '--device'], cliEnv(dir));
    const [, verificationUri, userCode] = await login.waitFor(/open (http\S+) on any device and enter the code (\S+)/);

    const last = await completeDeviceVerification(verificationUri!, userCode!, 'dpo.booking', DEMO_PASSWORD);
    expect(visibleText(last.html)).toContain('Device Login Successful');

    const result = await login.exited;
    expect(result.code, login.output()).toBe(0);
    expect(result.stdout).toContain('Signed in as dpo.booking');
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'token.json'))).toBe(0o600);
    const stored = JSON.parse(await readFile(join(dir, 'token.json'), 'utf8')) as StoredToken;
    expect(stored.refreshToken).toBeTruthy();
    // Tokens are written to the file, never to the terminal.
    expect(login.output()).not.toContain(stored.accessToken);
    expect(login.output()).not.toContain(stored.refreshToken);

    const whoami = await runFactory(['whoami', '--json'], cliEnv(dir));
    expect(whoami.code, whoami.stderr).toBe(0);
    const me = JSON.parse(whoami.stdout) as { user: string; roles: string[]; groups: string[]; expiresAt: string; issuer: string };
    expect(me.user).toBe('dpo.booking');
    expect(me.roles).toContain('dpo:booking');
    expect(me.groups).toContain('dpo-booking');
    expect(me.issuer).toBe(identity.issuer);
    expect(Date.parse(me.expiresAt)).toBeGreaterThan(Date.now());
  });
});

describe('factory login (browser on this machine)', () => {
  it('authorization code + PKCE: the IdP redirects to the CLI\'s loopback listener, which finishes the sign-in', async () => {
    const dir = configDir();
    const login = startFactory(['login'], cliEnv(dir));
    const [, url] = await login.waitFor(/^\s+(http\S+)$/m);
    const authorization = new URL(url!);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const browser = new FormBrowser();
    const loginPage = await browser.open(authorization.href);
    const last = await signInOnLoginForm(browser, loginPage, 'analyst.lucia', DEMO_PASSWORD);
    // The last redirect went to the CLI itself, which answered the browser.
    expect(last.url.startsWith(authorization.searchParams.get('redirect_uri')!)).toBe(true);
    expect(visibleText(last.html)).toContain('Signed in');

    const result = await login.exited;
    expect(result.code, login.output()).toBe(0);
    expect(await mode(join(dir, 'token.json'))).toBe(0o600);
    const whoami = await runFactory(['whoami'], cliEnv(dir));
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/^user\s+analyst\.lucia$/m);
    expect(whoami.stdout).toMatch(/^roles\s+analyst$/m);
  });

  it('a wrong password never reaches the CLI: nothing is stored, and it gives up at its timeout', async () => {
    const dir = configDir();
    const login = startFactory(['login', '--timeout', '5'], cliEnv(dir));
    const [, url] = await login.waitFor(/^\s+(http\S+)$/m);
    const browser = new FormBrowser();
    const page = await signInOnLoginForm(browser, await browser.open(url!), 'analyst.lucia', 'not-the-password');
    expect(visibleText(page.html)).toContain('Invalid username or password');
    const result = await login.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no sign-in arrived within 5 s');
    await expect(stat(join(dir, 'token.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('factory whoami with the token it finds', () => {
  it('refuses a token whose claims were altered, naming the reason', async () => {
    const dir = configDir();
    const stored = await storedSignIn(dir, 'analyst.lucia');
    const [header, payload, signature] = stored.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, preferred_username: 'admin.ingrid', groups: ['admins'] })).toString('base64url');
    await writeToken(dir, { ...stored, accessToken: `${header}.${forged}.${signature}` });

    const result = await runFactory(['whoami', '--json'], cliEnv(dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(NOT_SIGNED_IN);
    expect(result.stderr).toContain('its signature does not verify (altered or forged)');
    expect(result.stdout).toBe('');
  });

  it('refuses an expired token without a refresh token', async () => {
    const dir = configDir();
    const stored = await storedSignIn(dir, 'analyst.lucia');
    const { refreshToken: _dropped, ...withoutRefresh } = stored;
    await writeToken(dir, { ...withoutRefresh, expiresAt: '2020-01-01T00:00:00.000Z' });

    const result = await runFactory(['whoami'], cliEnv(dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${NOT_SIGNED_IN} (the access token expired at 2020-01-01T00:00:00.000Z and there is no refresh token)`);
  });

  it('renews an expired access token with the refresh token and stores the new one', async () => {
    const dir = configDir();
    const stored = await storedSignIn(dir, 'dpo.booking');
    await writeToken(dir, { ...stored, expiresAt: '2020-01-01T00:00:00.000Z' });

    const result = await runFactory(['whoami', '--json'], cliEnv(dir));
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { user: string }).user).toBe('dpo.booking');
    const renewed = JSON.parse(await readFile(join(dir, 'token.json'), 'utf8')) as StoredToken;
    expect(renewed.accessToken).not.toBe(stored.accessToken);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now());
    expect(await mode(join(dir, 'token.json'))).toBe(0o600);
  });

  it('logout deletes the token and ends the session at the IdP: the old refresh token no longer renews', async () => {
    const dir = configDir();
    const stored = await storedSignIn(dir, 'dpo.booking');
    const logout = await runFactory(['logout'], cliEnv(dir));
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stdout).toContain('Signed out');
    await expect(stat(join(dir, 'token.json'))).rejects.toThrow(/ENOENT/);
    expect((await runFactory(['whoami'], cliEnv(dir))).code).toBe(1);

    // Someone who kept a copy of the file gets nothing from it.
    await writeToken(dir, { ...stored, expiresAt: '2020-01-01T00:00:00.000Z' });
    const reused = await runFactory(['whoami'], cliEnv(dir));
    expect(reused.code).toBe(1);
    expect(reused.stderr).toContain(`${NOT_SIGNED_IN} (renewing the token failed: invalid_grant`);

    const again = await runFactory(['logout'], cliEnv(dir));
    expect(again.code).toBe(0);
    expect((await runFactory(['logout'], cliEnv(dir))).stdout).toContain('Not signed in');
  });
});
