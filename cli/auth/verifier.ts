import { createOidcVerifier, type IdentityVerifier } from '../../connectors/identity/oidc.js';
import type { Config } from '../../core/config.js';
import { SignInError } from './provider.js';

/** The verifier every service uses: a token it refuses is no sign-in, whatever the token endpoint said. */
export function verifierFor(cfg: Config): IdentityVerifier {
  if (!cfg.OIDC_DISCOVERY_URL) throw new SignInError('sign-in needs OIDC_DISCOVERY_URL, the identity provider\'s discovery URL (`bash stack/stack.sh env` prints the local one)');
  return createOidcVerifier({ discoveryUrl: cfg.OIDC_DISCOVERY_URL, ...(cfg.OIDC_ISSUER ? { issuer: cfg.OIDC_ISSUER } : {}), audience: cfg.OIDC_AUDIENCE, groupsClaim: cfg.OIDC_GROUPS_CLAIM });
}
