import type { DomainContract } from '../../contracts/contract.js';

/**
 * Roles come from directory groups, never from code or from a name the caller types: the IdP puts
 * the user's groups in a token claim, and these rules turn group names into roles. Moving someone
 * out of a group takes effect at their next token.
 */

export type Role =
  | 'admin'
  | 'engineer'
  | 'callcentre'
  | 'analyst'
  | `dpo:${string}`
  | `deputy:${string}`
  | `agency:${string}`;

/** A verified identity: what a history, an audit entry or a policy decision may carry (never the token). */
export interface VerifiedIdentity {
  /** The IdP's stable subject id. */
  subject: string;
  /** The directory user id (preferred_username), what people and audits name. */
  user: string;
  name?: string;
  groups: string[];
  roles: Role[];
  issuer: string;
  /** ISO-8601 UTC expiry of the token it was read from. */
  expiresAt: string;
}

const fixed: Record<string, Role> = { admins: 'admin', engineers: 'engineer', callcentre: 'callcentre', analysts: 'analyst' };
const prefixed: Array<[prefix: string, role: 'dpo' | 'deputy' | 'agency']> = [['dpo-', 'dpo'], ['deputy-', 'deputy'], ['agency-', 'agency']];

/** The roles a set of directory groups grants; unknown groups grant nothing. Group paths ('/a/b') count by their last name. */
export function rolesFromGroups(groups: readonly string[]): Role[] {
  const roles = new Set<Role>();
  for (const raw of groups) {
    const group = raw.slice(raw.lastIndexOf('/') + 1);
    const role = fixed[group];
    if (role) roles.add(role);
    for (const [prefix, kind] of prefixed) {
      const rest = group.startsWith(prefix) ? group.slice(prefix.length) : '';
      if (/^[a-z0-9_]+$/.test(rest)) roles.add(`${kind}:${rest}`);
    }
  }
  return [...roles].sort();
}

/** The directory groups that hold a domain's DPO and deputies: the contract's, else dpo-<domain> and deputy-<domain>. */
export function approverGroups(domain: Pick<DomainContract, 'name' | 'directoryGroups'>): { dpo: string; deputies: string } {
  return domain.directoryGroups ?? { dpo: `dpo-${domain.name}`, deputies: `deputy-${domain.name}` };
}

/** 'dpo' or 'deputy' when the verified groups hold one of the domain's approver groups, else undefined. */
export function approverRole(groups: readonly string[], domain: Pick<DomainContract, 'name' | 'directoryGroups'>): 'dpo' | 'deputy' | undefined {
  const names = new Set(groups.map((g) => g.slice(g.lastIndexOf('/') + 1)));
  const { dpo, deputies } = approverGroups(domain);
  if (names.has(dpo)) return 'dpo';
  return names.has(deputies) ? 'deputy' : undefined;
}
