/**
 * Generates the identity stack's inputs from the repository (run by stack/lib/identity.sh):
 *
 *   seed.ldif          the directory: people, role groups (groupOfNames), Keycloak's bind account
 *   realm-factory.json the Keycloak realm: LDAP federation, clients, audience and groups mappers
 *   rootpw             the slapd rootdn password hash, for slapd.conf
 *
 *   tsx stack/identity/generate.ts --out DIR --ldap-url ldap://127.0.0.1:3890
 *
 * DPOs and deputies are read from the domain declarations (domains/*.ts), so their directory uid is
 * the id the contracts name (`dpo.booking`, `deputy.booking.1`). Everyone else is in people.ts.
 * The output is deterministic (hash salts derive from the uid): same inputs, same bytes, so the
 * stack re-seeds only when something changed. DEMO ONLY passwords, see people.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { declarations } from '../../domains/index.js';
import { approverGroups } from '../../core/identity/roles.js';
import {
  CONSOLE_CLIENT_SECRET,
  DEMO_PASSWORD,
  DIRECTORY_ADMIN_PASSWORD,
  KEYCLOAK_BIND_PASSWORD,
  agencies,
  people,
  type Person,
} from './people.js';

export const BASE_DN = 'dc=factory,dc=local';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
export const ROOT_DN = `cn=admin,${BASE_DN}`;
export const KEYCLOAK_BIND_DN = `cn=keycloak,ou=services,${BASE_DN}`;
export const REALM = 'factory';
export const AUDIENCE = 'factory';

/** `{SSHA}` as slapd checks it: base64(sha1(password + salt) + salt); salt fixed per account. */
export function ssha(password: string, saltSeed: string): string {
  const salt = createHash('sha256').update(`factory-demo-salt:${saltSeed}`).digest().subarray(0, 8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function splitName(name: string): { givenName: string; sn: string } {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? { givenName: parts[0]!, sn: parts.slice(1).join(' ') } : { givenName: name, sn: name };
}

/** Every account with its role groups: the domains' DPOs and deputies, then people.ts. */
export function directoryPeople(): Person[] {
  const byUid = new Map<string, Person>();
  const add = (uid: string, name: string, group: string): void => {
    const existing = byUid.get(uid);
    if (existing) {
      if (!existing.groups.includes(group)) existing.groups.push(group);
      return;
    }
    byUid.set(uid, { uid, ...splitName(name), groups: [group] });
  };
  for (const domain of declarations) {
    const groups = approverGroups(domain);
    add(domain.dpo.id, domain.dpo.name, groups.dpo);
    for (const deputy of domain.deputies ?? []) add(deputy.id, deputy.name, groups.deputies);
  }
  for (const person of people) {
    if (byUid.has(person.uid)) throw new Error(`people.ts: ${person.uid} is already a DPO or deputy`);
    byUid.set(person.uid, { ...person, groups: [...person.groups] });
  }
  return [...byUid.values()];
}

/** Group name → member uids, in a stable order. Every group has at least one member (groupOfNames needs one). */
export function directoryGroups(all: Person[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const person of all) {
    for (const group of person.groups) groups.set(group, [...(groups.get(group) ?? []), person.uid]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function ldif(all: Person[]): string {
  const out: string[] = [];
  const entry = (lines: string[]): void => void out.push(lines.join('\n'));
  entry([`dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: factory', 'o: Data Factory (local demo directory)']);
  for (const ou of ['people', 'groups', 'services']) {
    entry([`dn: ou=${ou},${BASE_DN}`, 'objectClass: organizationalUnit', `ou: ${ou}`]);
  }
  entry([
    `dn: ${KEYCLOAK_BIND_DN}`,
    'objectClass: applicationProcess',
    'objectClass: simpleSecurityObject',
    'cn: keycloak',
    'description: Keycloak user federation (read-only bind). Demo only.',
    `userPassword: ${ssha(KEYCLOAK_BIND_PASSWORD, 'keycloak')}`,
  ]);
  for (const p of all) {
    entry([
      `dn: uid=${p.uid},${PEOPLE_DN}`,
      'objectClass: inetOrgPerson',
      `uid: ${p.uid}`,
      `cn: ${p.givenName} ${p.sn}`,
      `givenName: ${p.givenName}`,
      `sn: ${p.sn}`,
      `displayName: ${p.givenName} ${p.sn}`,
      `mail: ${p.uid}@example.org`,
      `userPassword: ${ssha(DEMO_PASSWORD, p.uid)}`,
    ]);
  }
  const agencyNames = new Map<string, string>(agencies.map((a) => [`agency-${a.id}`, a.name]));
  for (const [group, members] of directoryGroups(all)) {
    entry([
      `dn: cn=${group},${GROUPS_DN}`,
      'objectClass: groupOfNames',
      `cn: ${group}`,
      ...(agencyNames.has(group) ? [`description: Users of ${agencyNames.get(group)}`] : []),
      ...members.map((uid) => `member: uid=${uid},${PEOPLE_DN}`),
    ]);
  }
  return `# Generated by stack/identity/generate.ts. DEMO ONLY: every person's password is people.ts DEMO_PASSWORD.\n\n${out.join('\n\n')}\n`;
}

const one = (value: string): string[] => [value];

/**
 * The realm Keycloak imports at start. Users are not in it: they stay in LDAP (federation, read-only,
 * no cache, so a group change in the directory shows in the next token).
 */
export function realm(ldapUrl: string): unknown {
  const audienceMapper = {
    name: 'audience factory',
    protocol: 'openid-connect',
    protocolMapper: 'oidc-audience-mapper',
    config: { 'included.custom.audience': AUDIENCE, 'access.token.claim': 'true', 'id.token.claim': 'true', 'introspection.token.claim': 'true' },
  };
  const groupsMapper = {
    name: 'groups',
    protocol: 'openid-connect',
    protocolMapper: 'oidc-group-membership-mapper',
    config: {
      'claim.name': 'groups',
      'full.path': 'false',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'userinfo.token.claim': 'true',
      'introspection.token.claim': 'true',
    },
  };
  const attributeMapper = (name: string, userModelAttribute: string, ldapAttribute: string, mandatory: boolean) => ({
    name,
    providerId: 'user-attribute-ldap-mapper',
    subComponents: {},
    config: {
      'ldap.attribute': one(ldapAttribute),
      'user.model.attribute': one(userModelAttribute),
      'read.only': one('true'),
      'always.read.value.from.ldap': one('true'),
      'is.mandatory.in.ldap': one(String(mandatory)),
    },
  });
  const cliClient = {
    clientId: 'factory-cli',
    name: 'factory CLI',
    enabled: true,
    publicClient: true,
    protocol: 'openid-connect',
    standardFlowEnabled: true,
    implicitFlowEnabled: false,
    // No resource-owner password grant: people sign in through the login page (or the device flow).
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: ['http://127.0.0.1/*', 'http://127.0.0.1:8765/callback', 'http://localhost/*'],
    webOrigins: ['+'],
    attributes: { 'pkce.code.challenge.method': 'S256', 'oauth2.device.authorization.grant.enabled': 'true' },
    protocolMappers: [audienceMapper, groupsMapper],
  };
  return {
    realm: REALM,
    displayName: 'Data Factory (local demo)',
    enabled: true,
    sslRequired: 'external',
    registrationAllowed: false,
    resetPasswordAllowed: false,
    rememberMe: false,
    loginWithEmailAllowed: false,
    bruteForceProtected: false,
    accessTokenLifespan: 300,
    clients: [
      cliClient,
      // For the sign-in tests only: real tokens that the verifier must refuse — one expires a second
      // after it is issued, the other is not meant for the factory audience.
      { ...cliClient, clientId: 'factory-test-expiring', name: 'sign-in tests: expiring token', attributes: { ...cliClient.attributes, 'access.token.lifespan': '1' } },
      { ...cliClient, clientId: 'factory-test-other-audience', name: 'sign-in tests: another audience', protocolMappers: [groupsMapper] },
      {
        clientId: 'factory-console',
        name: 'factory console',
        enabled: true,
        publicClient: false,
        clientAuthenticatorType: 'client-secret',
        secret: CONSOLE_CLIENT_SECRET,
        protocol: 'openid-connect',
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        redirectUris: ['http://127.0.0.1:3000/*', 'http://localhost:3000/*'],
        webOrigins: ['+'],
        attributes: { 'pkce.code.challenge.method': 'S256', 'oauth2.device.authorization.grant.enabled': 'false' },
        protocolMappers: [audienceMapper, groupsMapper],
      },
    ],
    components: {
      'org.keycloak.storage.UserStorageProvider': [
        {
          name: 'factory-directory',
          providerId: 'ldap',
          subComponents: {
            'org.keycloak.storage.ldap.mappers.LDAPStorageMapper': [
              attributeMapper('username', 'username', 'uid', true),
              attributeMapper('first name', 'firstName', 'givenName', true),
              attributeMapper('last name', 'lastName', 'sn', true),
              attributeMapper('email', 'email', 'mail', false),
              {
                name: 'groups',
                providerId: 'group-ldap-mapper',
                subComponents: {},
                config: {
                  'groups.dn': one(GROUPS_DN),
                  'group.name.ldap.attribute': one('cn'),
                  'group.object.classes': one('groupOfNames'),
                  'preserve.group.inheritance': one('false'),
                  'ignore.missing.groups': one('false'),
                  'membership.ldap.attribute': one('member'),
                  'membership.attribute.type': one('DN'),
                  'membership.user.ldap.attribute': one('uid'),
                  'mode': one('READ_ONLY'),
                  'user.roles.retrieve.strategy': one('LOAD_GROUPS_BY_MEMBER_ATTRIBUTE'),
                  'memberof.ldap.attribute': one('memberOf'),
                  'mapped.group.attributes': [],
                  'drop.non.existing.groups.during.sync': one('false'),
                  'groups.path': one('/'),
                },
              },
            ],
          },
          config: {
            enabled: one('true'),
            priority: one('0'),
            vendor: one('other'),
            connectionUrl: one(ldapUrl),
            authType: one('simple'),
            bindDn: one(KEYCLOAK_BIND_DN),
            bindCredential: one(KEYCLOAK_BIND_PASSWORD),
            usersDn: one(PEOPLE_DN),
            searchScope: one('1'),
            usernameLDAPAttribute: one('uid'),
            rdnLDAPAttribute: one('uid'),
            uuidLDAPAttribute: one('entryUUID'),
            userObjectClasses: one('inetOrgPerson'),
            editMode: one('READ_ONLY'),
            importEnabled: one('true'),
            syncRegistrations: one('false'),
            // Every login reads the user and their groups from the directory again.
            cachePolicy: one('NO_CACHE'),
            pagination: one('false'),
            connectionPooling: one('true'),
            useTruststoreSpi: one('never'),
            trustEmail: one('true'),
            validatePasswordPolicy: one('false'),
            allowKerberosAuthentication: one('false'),
            useKerberosForPasswordAuthentication: one('false'),
            fullSyncPeriod: one('-1'),
            changedSyncPeriod: one('-1'),
            batchSizeForSync: one('1000'),
          },
        },
      ],
    },
  };
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'ldap-url': { type: 'string' } } });
  if (!values.out || !values['ldap-url']) throw new Error('usage: generate.ts --out DIR --ldap-url ldap://HOST:PORT');
  mkdirSync(values.out, { recursive: true });
  const all = directoryPeople();
  writeFileSync(join(values.out, 'seed.ldif'), ldif(all));
  writeFileSync(join(values.out, 'realm-factory.json'), `${JSON.stringify(realm(values['ldap-url']), null, 2)}\n`);
  writeFileSync(join(values.out, 'rootpw'), `${ssha(DIRECTORY_ADMIN_PASSWORD, 'rootdn')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
