/**
 * The people of the local directory, other than the data protection officers and their deputies
 * (those come from the domain declarations, domains/*.ts, so the directory and the contracts name the
 * same ids). stack/identity/generate.ts turns this list into the LDAP seed and the Keycloak realm.
 *
 * DEMO ONLY: every account of this directory has the same well-known password, written here in the
 * clear. Nothing of this file may ever be used outside the local stack.
 */

/** The password of every demo account (stored in the LDIF as a salted SHA-1 hash, `{SSHA}`). */
export const DEMO_PASSWORD = 'factory-demo';

/** The directory manager (slapd rootdn) and Keycloak's read-only bind account. Demo only. */
export const DIRECTORY_ADMIN_PASSWORD = 'factory-directory-admin';
export const KEYCLOAK_BIND_PASSWORD = 'factory-keycloak-bind';

/** The confidential console client's secret. Demo only. */
export const CONSOLE_CLIENT_SECRET = 'factory-console-demo-secret';

/** Travel agencies with users of their own; ids are distribution.agency.AGENCY_ID values. */
export const agencies = [
  { id: 101, name: 'Alpenblick Reisen' },
  { id: 102, name: 'Sunward Travel' },
] as const;

export interface Person {
  uid: string;
  givenName: string;
  sn: string;
  /** Role groups other than dpo-<domain>/deputy-<domain>, which come from the domains. */
  groups: string[];
}

export const people: Person[] = [
  { uid: 'admin.ingrid', givenName: 'Ingrid', sn: 'Halvorsen', groups: ['admins'] },
  { uid: 'eng.pavel', givenName: 'Pavel', sn: 'Novotny', groups: ['engineers'] },
  { uid: 'eng.amara', givenName: 'Amara', sn: 'Okafor', groups: ['engineers'] },
  { uid: 'analyst.lucia', givenName: 'Lucia', sn: 'Ferreira', groups: ['analysts'] },
  { uid: 'analyst.jonas', givenName: 'Jonas', sn: 'Lindqvist', groups: ['analysts'] },
  { uid: 'agent.mila', givenName: 'Mila', sn: 'Kovac', groups: ['callcentre'] },
  { uid: 'agent.tariq', givenName: 'Tariq', sn: 'Haddad', groups: ['callcentre'] },
  { uid: 'agent.noemi', givenName: 'Noemi', sn: 'Bernasconi', groups: ['callcentre'] },
  { uid: 'agency101.clara', givenName: 'Clara', sn: 'Moser', groups: ['agency-101'] },
  { uid: 'agency101.felix', givenName: 'Felix', sn: 'Gruber', groups: ['agency-101'] },
  { uid: 'agency102.rosa', givenName: 'Rosa', sn: 'Delgado', groups: ['agency-102'] },
  { uid: 'agency102.owen', givenName: 'Owen', sn: 'Pritchard', groups: ['agency-102'] },
];
