import { createOidcVerifier, type IdentityVerifier } from '../connectors/identity/oidc.js';
import type { Config } from '../core/config.js';

/** The token verifier of the configured identity provider, or undefined when none is configured. */
export function identityVerifierFor(config: Config): IdentityVerifier | undefined {
  if (!config.OIDC_DISCOVERY_URL) return undefined;
  return createOidcVerifier({
    discoveryUrl: config.OIDC_DISCOVERY_URL,
    ...(config.OIDC_ISSUER ? { issuer: config.OIDC_ISSUER } : {}),
    audience: config.OIDC_AUDIENCE,
    groupsClaim: config.OIDC_GROUPS_CLAIM,
    clockToleranceSeconds: config.OIDC_CLOCK_SKEW_SECONDS,
  });
}
