import type { IdentityVerifier } from '../../connectors/identity/oidc.js';
import type { Config } from '../../core/config.js';
import { identityVerifierFor } from '../../workers/identity.js';
import { SignInError } from './provider.js';

/** The verifier every service uses: a token it refuses is no sign-in, whatever the token endpoint said. */
export function verifierFor(cfg: Config): IdentityVerifier {
  const verifier = identityVerifierFor(cfg);
  if (!verifier) throw new SignInError('sign-in needs OIDC_DISCOVERY_URL, the identity provider\'s discovery URL (`bash stack/stack.sh env` prints the local one)');
  return verifier;
}
