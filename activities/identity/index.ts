import type { IdentityVerifier } from '../../connectors/identity/oidc.js';
import { IdentityRefusedError } from '../../core/errors.js';
import { approverGroups, approverRole } from '../../core/identity/roles.js';
import type { DomainRegistry } from '../../domains/registry.js';

/**
 * Who is deciding, proved: with FACTORY_AUTH=oidc the decision's access token is verified (JWKS,
 * issuer, audience, expiry) and the verified groups must hold one of the domain's approver groups;
 * with FACTORY_AUTH=dev (the local demo) the named user is taken at their word and checked against
 * the contract's DPO and deputies. Only the verified claims leave this activity, never the token.
 */

export type AuthMode = 'dev' | 'oidc';

export interface AuthorizeDecisionInput {
  domain: string;
  /** The decider's access token (FACTORY_AUTH=oidc). */
  token?: string;
  /** The user id the decision names: a claim, trusted only with FACTORY_AUTH=dev. */
  by?: string;
}

export interface AuthorizeDecisionResult {
  mode: AuthMode;
  /** Whose decision it is: the verified user, else the claimed one, else 'unknown'. */
  user: string;
  /** True when a token proved `user`. */
  verified: boolean;
  /** Set when the decider may decide for the domain. */
  role?: 'dpo' | 'deputy';
  /** Why the decider may not decide (no or bad token, not in the approver groups, a claim the token contradicts). */
  refused?: string;
}

export function createIdentityActivities(deps: { mode: AuthMode; verifier?: IdentityVerifier; registry: DomainRegistry }) {
  const { mode, verifier, registry } = deps;
  if (mode === 'oidc' && !verifier) throw new Error('FACTORY_AUTH=oidc needs an identity verifier (OIDC_DISCOVERY_URL)');
  return {
    async authorizeDecision(input: AuthorizeDecisionInput): Promise<AuthorizeDecisionResult> {
      const domain = registry.domain(input.domain);
      const claimed = typeof input.by === 'string' && input.by.trim() ? input.by.trim() : undefined;
      if (mode === 'dev') {
        if (!claimed) return { mode, user: 'unknown', verified: false, refused: 'a decision must name who decides (by: a user id)' };
        const role = claimed === domain.dpo.id ? 'dpo' : domain.deputies.some((d) => d.id === claimed) ? 'deputy' : undefined;
        if (role) return { mode, user: claimed, verified: false, role };
        return { mode, user: claimed, verified: false, refused: `${claimed} may not decide for domain ${domain.name}: only its DPO (${domain.dpo.id}) or deputies (${domain.deputies.map((d) => d.id).join(', ') || 'none'}) may` };
      }
      if (!input.token) {
        return { mode, user: claimed ?? 'unknown', verified: false, refused: 'FACTORY_AUTH=oidc: a decision must carry the decider\'s access token (field "token"; `factory login`, then `factory token`); a bare "by" is not trusted' };
      }
      let identity;
      try {
        identity = await verifier!.verify(input.token);
      } catch (error) {
        // A token that proves nothing is a refusal; an identity provider that cannot be reached is retried.
        if (error instanceof IdentityRefusedError) return { mode, user: claimed ?? 'unknown', verified: false, refused: error.message };
        throw error;
      }
      if (claimed && claimed !== identity.user) {
        return { mode, user: identity.user, verified: true, refused: `the token proves ${identity.user}, but the decision names ${claimed}` };
      }
      const role = approverRole(identity.groups, domain);
      if (role) return { mode, user: identity.user, verified: true, role };
      const groups = approverGroups(domain);
      return { mode, user: identity.user, verified: true, refused: `${identity.user} may not decide for domain ${domain.name}: only members of the directory groups ${groups.dpo} or ${groups.deputies} may` };
    },
  };
}
