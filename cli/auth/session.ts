import * as oidc from 'openid-client';
import { cliConfigDir, type Config } from '../../core/config.js';
import { describe, discoverProvider, toStored } from './provider.js';
import { readToken, writeToken } from './token-store.js';

/**
 * The signed-in user's access token for any command that acts on their behalf. A token about to
 * expire is renewed with the refresh token (and the file replaced); without one, the user is told
 * to sign in again. The token is returned as is: callers hand it to whatever verifies it.
 */

export const NOT_SIGNED_IN = 'not signed in or session expired: run `factory login`';

export class NotSignedInError extends Error {
  constructor(reason?: string) {
    super(reason ? `${NOT_SIGNED_IN} (${reason})` : NOT_SIGNED_IN);
    this.name = 'NotSignedInError';
  }
}

/** A token with less life left than this is renewed first, so it does not expire in the middle of a command. */
const RENEW_MARGIN_MS = 30_000;

export async function currentToken(config: Config, now = Date.now()): Promise<string> {
  const configDir = cliConfigDir(config);
  const read = await readToken(configDir);
  if (read.kind === 'absent') throw new NotSignedInError();
  if (read.kind === 'unreadable') throw new NotSignedInError(read.reason);
  const stored = read.token;
  if (config.OIDC_DISCOVERY_URL && new URL(config.OIDC_DISCOVERY_URL).href !== stored.discoveryUrl) {
    throw new NotSignedInError(`the stored sign-in is for the provider at ${stored.discoveryUrl}, not ${config.OIDC_DISCOVERY_URL}`);
  }
  const expiresAt = Date.parse(stored.expiresAt);
  if (Number.isFinite(expiresAt) && expiresAt - now > RENEW_MARGIN_MS) return stored.accessToken;

  if (!stored.refreshToken) throw new NotSignedInError(`the access token expired at ${stored.expiresAt} and there is no refresh token`);
  if (stored.refreshExpiresAt && Date.parse(stored.refreshExpiresAt) <= now) throw new NotSignedInError(`the session ended at ${stored.refreshExpiresAt}`);
  const provider = await discoverProvider(config);
  let response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    response = await oidc.refreshTokenGrant(provider.client, stored.refreshToken);
  } catch (error) {
    // invalid_grant: the IdP ended the session (logout, expiry, revocation); anything else is worth showing too.
    throw new NotSignedInError(`renewing the token failed: ${describe(error)}`);
  }
  const renewed = toStored(provider, response, stored);
  await writeToken(configDir, renewed);
  return renewed.accessToken;
}
