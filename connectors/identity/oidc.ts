import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { IdentityRefusedError } from '../../core/errors.js';
import { rolesFromGroups, type VerifiedIdentity } from '../../core/identity/roles.js';

/**
 * Verifies OpenID Connect access tokens: signature against the provider's published keys (JWKS,
 * fetched once and refetched when a token names a key it does not hold, so key rotation needs no
 * restart), issuer, audience, expiry and not-before with a small clock skew. Everything comes from
 * the discovery document, so production points at the company's IdP by its URL alone.
 */

export interface OidcSettings {
  discoveryUrl: string;
  /** The issuer tokens must name; default: the discovery document's. */
  issuer?: string;
  audience: string;
  groupsClaim: string;
  /** Seconds of clock difference tolerated on exp and nbf. */
  clockToleranceSeconds?: number;
  /** After a refetch, how long a token naming an unknown key is refused without fetching the keys again (default 30 s). */
  jwksCooldownSeconds?: number;
}

export interface IdentityVerifier {
  /** The verified identity, or IdentityRefusedError with the reason (never the token). */
  verify(token: string): Promise<VerifiedIdentity>;
}

interface Discovery { issuer: string; jwks_uri: string }

export function createOidcVerifier(settings: OidcSettings): IdentityVerifier {
  let keys: Promise<{ issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined;
  const discover = () => {
    keys ??= (async () => {
      const response = await fetch(settings.discoveryUrl).catch((error: unknown) => {
        throw new Error(`OIDC discovery at ${settings.discoveryUrl} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      if (!response.ok) throw new Error(`OIDC discovery at ${settings.discoveryUrl} answered HTTP ${response.status}`);
      const doc = (await response.json()) as Discovery;
      return { issuer: settings.issuer ?? doc.issuer, jwks: createRemoteJWKSet(new URL(doc.jwks_uri), { cooldownDuration: (settings.jwksCooldownSeconds ?? 30) * 1000, cacheMaxAge: 600_000 }) };
    })();
    // A failed discovery (IdP down) is retried at the next call, not remembered.
    keys.catch(() => { keys = undefined; });
    return keys;
  };

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.split('.').length !== 3) throw new IdentityRefusedError('no token, or not a JWT: sign in with `factory login` and pass the access token');
      const { issuer, jwks } = await discover();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, audience: settings.audience, clockTolerance: settings.clockToleranceSeconds ?? 30, requiredClaims: ['exp', 'sub'] }));
      } catch (error) {
        throw new IdentityRefusedError(`token refused: ${refusalReason(error, issuer, settings.audience)}`);
      }
      const claim = payload[settings.groupsClaim];
      const groups = Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
      const user = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub!;
      return {
        subject: payload.sub!,
        user,
        ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
        groups,
        roles: rolesFromGroups(groups),
        issuer,
        expiresAt: new Date(payload.exp! * 1000).toISOString(),
      };
    },
  };
}

/** A reason a person can act on; jose's codes name the failed check without echoing the token. */
function refusalReason(error: unknown, issuer: string, audience: string): string {
  if (error instanceof errors.JWTExpired) return 'it has expired (sign in again)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return `it was not issued by ${issuer}`;
    if (error.claim === 'aud') return `it is not meant for audience '${audience}'`;
    if (error.claim === 'nbf') return 'it is not valid yet';
    return `its claim '${error.claim}' is not valid (${error.reason})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify (altered or forged)';
  if (error instanceof errors.JWKSNoMatchingKey) return 'it is signed with a key the identity provider does not publish';
  if (error instanceof errors.JOSEError) return `${error.code}`;
  return error instanceof Error ? error.message : String(error);
}
