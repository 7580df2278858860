import * as oidc from 'openid-client';
import type { Config } from '../../core/config.js';
import type { StoredToken } from './token-store.js';

/**
 * The identity provider as the CLI sees it: openid-client's configuration from the discovery
 * document, for the public client OIDC_CLI_CLIENT_ID (no secret: a CLI cannot keep one; PKCE
 * protects the code instead).
 */

export interface Provider {
  discoveryUrl: string;
  clientId: string;
  client: oidc.Configuration;
  issuer: string;
}

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/** Plain HTTP only to a provider on this machine (the local stack); anywhere else openid-client's HTTPS rule holds. */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export async function discoverProvider(config: Config): Promise<Provider> {
  if (!config.OIDC_DISCOVERY_URL) {
    throw new SignInError('sign-in needs OIDC_DISCOVERY_URL, the identity provider\'s discovery URL (`bash stack/stack.sh env` prints the local one)');
  }
  const url = new URL(config.OIDC_DISCOVERY_URL);
  let client: oidc.Configuration;
  try {
    // A discovery URL (not an issuer) is what the configuration names; the issuer is checked below instead.
    client = await oidc.discovery(url, config.OIDC_CLI_CLIENT_ID, undefined, oidc.None(), isLoopback(url) ? { execute: [oidc.allowInsecureRequests] } : {});
  } catch (error) {
    throw new SignInError(`identity provider discovery at ${url.href} failed: ${describe(error)}`);
  }
  const issuer = client.serverMetadata().issuer;
  if (config.OIDC_ISSUER && config.OIDC_ISSUER !== issuer) {
    throw new SignInError(`the provider at ${url.href} names issuer ${issuer}, but OIDC_ISSUER is ${config.OIDC_ISSUER}`);
  }
  return { discoveryUrl: url.href, clientId: config.OIDC_CLI_CLIENT_ID, client, issuer };
}

/** The token endpoint's answer as the token file keeps it. */
export function toStored(provider: Provider, response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, previous?: StoredToken): StoredToken {
  const now = Date.now();
  const expiresIn = response.expiresIn();
  const refreshExpiresIn = typeof response.refresh_expires_in === 'number' ? response.refresh_expires_in : undefined;
  // A renewal may omit what did not change: the refresh token (and its expiry) and the ID token carry over.
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  const refreshExpiresAt = refreshExpiresIn ? new Date(now + refreshExpiresIn * 1000).toISOString() : response.refresh_token ? undefined : previous?.refreshExpiresAt;
  const idToken = response.id_token ?? previous?.idToken;
  return {
    version: 1,
    discoveryUrl: provider.discoveryUrl,
    issuer: provider.issuer,
    clientId: provider.clientId,
    accessToken: response.access_token,
    // No expires_in: assume the shortest common lifetime, so a refresh is tried rather than a stale token sent.
    expiresAt: new Date(now + (expiresIn ?? 60) * 1000).toISOString(),
    ...(refreshToken ? { refreshToken } : {}),
    ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
    ...(idToken ? { idToken } : {}),
    ...(response.scope ? { scope: response.scope } : {}),
  };
}

/** The provider's error code and description, or the error's message; never a token (openid-client does not put them in errors). */
export function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
