import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Addresses of the identity services, as `stack.sh env` prints them (one source of truth). */
export interface IdentityEnv {
  ldapUrl: string;
  ldapBaseDn: string;
  issuer: string;
  discoveryUrl: string;
  audience: string;
  cliClientId: string;
}

export function identityEnv(): IdentityEnv {
  const vars = new Map<string, string>();
  for (const line of execFileSync('bash', ['stack/stack.sh', 'env'], { encoding: 'utf8' }).split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  const get = (name: string): string => {
    const value = vars.get(name);
    if (!value) throw new Error(`stack.sh env prints no ${name}`);
    return value;
  };
  return {
    ldapUrl: get('LDAP_URL'),
    ldapBaseDn: get('LDAP_BASE_DN'),
    issuer: get('OIDC_ISSUER'),
    discoveryUrl: get('OIDC_DISCOVERY_URL'),
    audience: get('OIDC_AUDIENCE'),
    cliClientId: get('OIDC_CLI_CLIENT_ID'),
  };
}

/**
 * LDAP through the OpenLDAP client tools (ldap-utils, installed with slapd by the stack): a simple
 * bind as `bindDn` for every call, so a wrong password fails the call with "Invalid credentials".
 */
export async function ldapSearch(url: string, bindDn: string, password: string, base: string, filter: string, attrs: string[]): Promise<Array<Record<string, string[]>>> {
  const { stdout } = await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, '-D', bindDn, '-w', password, '-b', base, filter, ...attrs]);
  return stdout
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      const entry: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([A-Za-z]+): (.*)$/.exec(line);
        if (m) (entry[m[1]!] ??= []).push(m[2]!);
      }
      return entry;
    });
}

export async function ldapModify(url: string, bindDn: string, password: string, ldif: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('ldapmodify', ['-x', '-H', url, '-D', bindDn, '-w', password], (error) => (error ? reject(error) : resolve()));
    child.stdin!.end(ldif);
  });
}

/** A browser's cookie jar, reduced to what one sign-in needs: name=value per host, no expiry. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface Tokens {
  access_token: string;
  id_token: string;
  token_type: string;
}

export type SignInResult = { ok: true; tokens: Tokens } | { ok: false; status: number; message: string };

const htmlDecode = (s: string): string => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * Signs in the way a browser does for the CLI: authorization code + PKCE (S256), the IdP's login form
 * posted with the cookies it set, the code taken from the redirect and exchanged at the token endpoint.
 */
export async function signInWithBrowserForm(env: IdentityEnv, username: string, password: string, redirectUri = 'http://127.0.0.1:8765/callback'): Promise<SignInResult> {
  const discovery = (await (await fetch(env.discoveryUrl)).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(12).toString('base64url');
  const jar = new CookieJar();

  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: env.cliClientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const page = await fetch(auth, { redirect: 'manual' });
  jar.store(page);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorization endpoint answered ${page.status}: ${html.slice(0, 300)}`);
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(html) ?? /<form[^>]*action="([^"]+)"[^>]*id="kc-form-login"/.exec(html);
  if (!action) throw new Error(`no login form on the sign-in page: ${html.slice(0, 300)}`);

  const posted = await fetch(htmlDecode(action[1]!), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ username, password, credentialId: '' }).toString(),
  });
  jar.store(posted);
  const location = posted.headers.get('location');
  if (posted.status !== 302 || !location?.startsWith(redirectUri)) {
    const body = await posted.text();
    // The login page again, with the reason in Keycloak's feedback text (or a bare error page).
    const message = /class="[^"]*kc-feedback-text[^"]*"[^>]*>\s*([^<]+?)\s*</.exec(body)?.[1] ?? `no redirect and no feedback text (HTTP ${posted.status})`;
    return { ok: false, status: posted.status, message: htmlDecode(message) };
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch on the redirect');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code on the redirect: ${location}`);

  const token = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: env.cliClientId, code_verifier: verifier }).toString(),
  });
  const tokens = (await token.json()) as Tokens & { error?: string; error_description?: string };
  if (!token.ok) throw new Error(`token endpoint answered ${token.status}: ${tokens.error} ${tokens.error_description ?? ''}`);
  return { ok: true, tokens };
}
