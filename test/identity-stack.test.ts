import { execFileSync } from 'node:child_process';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryGroups, directoryPeople } from '../stack/identity/generate.js';
import { DEMO_PASSWORD, DIRECTORY_ADMIN_PASSWORD } from '../stack/identity/people.js';
import { declarations } from '../domains/index.js';
import { identityEnv, ldapModify, ldapSearch, signInWithBrowserForm, type IdentityEnv, type Tokens } from './support/identity.js';

/**
 * The identity services of the local stack, end to end: the OpenLDAP directory seeded from the domains'
 * DPOs and deputies, and Keycloak federating it as the OpenID Connect provider (stack/lib/identity.sh).
 * Nothing is faked: LDAP binds, the IdP's real login form, real tokens checked against the JWKS.
 */
let env: IdentityEnv;
let peopleDn: string;
let groupsDn: string;
let rootDn: string;
const dnOf = (uid: string): string => `uid=${uid},${peopleDn}`;

async function tokensFor(username: string, password = DEMO_PASSWORD): Promise<Tokens> {
  const result = await signInWithBrowserForm(env, username, password);
  if (!result.ok) throw new Error(`sign-in of ${username} refused (${result.status}): ${result.message}`);
  return result.tokens;
}

async function verify(token: string): Promise<JWTPayload & { groups?: string[] }> {
  const discovery = (await (await fetch(env.discoveryUrl)).json()) as { jwks_uri: string; issuer: string };
  expect(discovery.issuer).toBe(env.issuer);
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify<{ groups?: string[] }>(token, jwks, { issuer: env.issuer, audience: env.audience });
  expect(protectedHeader.alg).toBe('RS256');
  return payload;
}

beforeAll(() => {
  // Idempotent: returns at once when global setup (FACTORY_TEST_STACK_WITH includes identity) started them.
  // --only: the identity services alone, so this file also runs beside another checkout's core stack.
  execFileSync('bash', ['stack/stack.sh', 'up', '--only', 'identity'], { stdio: 'inherit' });
  env = identityEnv();
  peopleDn = `ou=people,${env.ldapBaseDn}`;
  groupsDn = `ou=groups,${env.ldapBaseDn}`;
  rootDn = `cn=admin,${env.ldapBaseDn}`;
});

const handDpoRoleTo = (from: string, to: string): string =>
  `dn: cn=dpo-booking,${groupsDn}\nchangetype: modify\nadd: member\nmember: ${dnOf(to)}\n-\ndelete: member\nmember: ${dnOf(from)}\n-\n`;

afterAll(async () => {
  // Leave the directory as seeded, whatever the last test did.
  const [group] = await ldapSearch(env.ldapUrl, rootDn, DIRECTORY_ADMIN_PASSWORD, groupsDn, '(cn=dpo-booking)', ['member']);
  if (group && !group.member?.includes(dnOf('dpo.booking'))) {
    await ldapModify(env.ldapUrl, rootDn, DIRECTORY_ADMIN_PASSWORD, handDpoRoleTo('deputy.booking.1', 'dpo.booking'));
  }
});

describe('identity stack', () => {
  it('the generated directory names every domain\'s DPO and deputies by their contract ids', () => {
    const groups = directoryGroups(directoryPeople());
    expect(declarations).toHaveLength(12);
    for (const domain of declarations) {
      expect(groups.get(`dpo-${domain.name}`)).toEqual([domain.dpo.id]);
      expect(groups.get(`deputy-${domain.name}`)).toEqual((domain.deputies ?? []).map((d) => d.id));
    }
  });

  it('a DPO binds to the directory and reads their groups', async () => {
    const groups = await ldapSearch(env.ldapUrl, dnOf('dpo.booking'), DEMO_PASSWORD, groupsDn, `(member=${dnOf('dpo.booking')})`, ['cn']);
    expect(groups.map((g) => g.cn?.[0])).toEqual(['dpo-booking']);
    const deputyGroups = await ldapSearch(env.ldapUrl, dnOf('deputy.booking.1'), DEMO_PASSWORD, groupsDn, `(member=${dnOf('deputy.booking.1')})`, ['cn']);
    expect(deputyGroups.map((g) => g.cn?.[0])).toEqual(['deputy-booking']);
    // Every domain has its DPO group; the roles exist.
    const all = await ldapSearch(env.ldapUrl, dnOf('dpo.booking'), DEMO_PASSWORD, groupsDn, '(objectClass=groupOfNames)', ['cn']);
    const names = all.map((g) => g.cn?.[0]);
    for (const role of ['admins', 'engineers', 'analysts', 'callcentre', 'agency-101', 'agency-102', 'dpo-customer_service', 'deputy-transport']) {
      expect(names).toContain(role);
    }
    expect(names.filter((n) => n?.startsWith('dpo-'))).toHaveLength(12);
    // A password is never readable, not even one's own.
    const self = await ldapSearch(env.ldapUrl, dnOf('dpo.booking'), DEMO_PASSWORD, dnOf('dpo.booking'), '(objectClass=*)', ['userPassword', 'mail']);
    expect(self[0]?.userPassword).toBeUndefined();
    expect(self[0]?.mail).toEqual(['dpo.booking@example.org']);
    await expect(ldapSearch(env.ldapUrl, dnOf('dpo.booking'), 'wrong-password', groupsDn, '(cn=*)', ['cn'])).rejects.toThrow(/Invalid credentials/);
  });

  it('dpo.booking signs in through the login form (code + PKCE) and gets RS256 tokens with groups and audience', async () => {
    const tokens = await tokensFor('dpo.booking');
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('RS256');
    const access = await verify(tokens.access_token);
    expect(access.groups).toContain('dpo-booking');
    expect(access.groups).not.toContain('dpo-payment');
    expect([access.aud].flat()).toContain(env.audience);
    expect(access.preferred_username).toBe('dpo.booking');
    const id = await verify(tokens.id_token);
    expect(id.groups).toContain('dpo-booking');
    expect([id.aud].flat()).toEqual(expect.arrayContaining([env.cliClientId, env.audience]));
  });

  it('refuses a wrong password, and the password grant altogether', async () => {
    const refused = await signInWithBrowserForm(env, 'dpo.booking', 'not-the-password');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/invalid username or password/i);

    const discovery = (await (await fetch(env.discoveryUrl)).json()) as { token_endpoint: string };
    const grant = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: env.cliClientId, username: 'dpo.booking', password: DEMO_PASSWORD, scope: 'openid' }).toString(),
    });
    expect(grant.ok).toBe(false);
    expect(((await grant.json()) as { error: string }).error).toBe('unauthorized_client');
  });

  it('a user removed from a group in the directory no longer has it in the next token', async () => {
    expect((await verify((await tokensFor('dpo.booking')).access_token)).groups).toContain('dpo-booking');
    // groupOfNames needs a member: the role passes to the deputy in the same modification.
    await ldapModify(env.ldapUrl, rootDn, DIRECTORY_ADMIN_PASSWORD, handDpoRoleTo('dpo.booking', 'deputy.booking.1'));

    const after = await verify((await tokensFor('dpo.booking')).access_token);
    expect(after.groups ?? []).not.toContain('dpo-booking');
    const deputy = await verify((await tokensFor('deputy.booking.1')).access_token);
    expect(deputy.groups).toEqual(expect.arrayContaining(['deputy-booking', 'dpo-booking']));

    await ldapModify(env.ldapUrl, rootDn, DIRECTORY_ADMIN_PASSWORD, handDpoRoleTo('deputy.booking.1', 'dpo.booking'));
    expect((await verify((await tokensFor('dpo.booking')).access_token)).groups).toContain('dpo-booking');
  });
});
