import * as oidc from 'openid-client';
import { describe, SignInError, type Provider } from './provider.js';

/**
 * The device authorization grant (RFC 8628), for a terminal without a browser: the user opens the
 * verification URI on any device and types the code; the CLI polls the token endpoint at the
 * interval the provider gives. openid-client waits out `authorization_pending`, adds 5 s on
 * `slow_down` and stops at the code's expiry; what ends the wait is turned into a sentence here.
 * PKCE rides along (Keycloak demands it of a client configured for S256, and it binds the polling
 * to this process).
 */

export async function signInWithDevice(provider: Provider, say: (line: string) => void): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  if (!provider.client.serverMetadata().device_authorization_endpoint) {
    throw new SignInError(`the identity provider at ${provider.discoveryUrl} offers no device authorization: use \`factory login\` (browser on this machine)`);
  }
  const verifier = oidc.randomPKCECodeVerifier();
  let authorization: oidc.DeviceAuthorizationResponse;
  try {
    authorization = await oidc.initiateDeviceAuthorization(provider.client, {
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  } catch (error) {
    throw new SignInError(`the identity provider refused to start a device sign-in: ${describe(error)}`);
  }
  say(`To sign in, open ${authorization.verification_uri} on any device and enter the code ${authorization.user_code}`);
  if (authorization.verification_uri_complete) say(`  (or open ${authorization.verification_uri_complete})`);
  say(`The code expires in ${Math.round(authorization.expires_in / 60)} min. Waiting …`);

  // Our own deadline (openid-client's default is the same), so its expiry can be told from a request timing out.
  const deadline = AbortSignal.timeout(authorization.expires_in * 1000);
  try {
    return await oidc.pollDeviceAuthorizationGrant(provider.client, authorization, { code_verifier: verifier }, { signal: deadline });
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) {
      if (error.error === 'expired_token') throw new SignInError('the code expired before the sign-in was completed: run `factory login --device` again');
      if (error.error === 'access_denied') throw new SignInError('the sign-in was declined in the browser');
    }
    if (deadline.aborted) {
      throw new SignInError('the code expired before the sign-in was completed: run `factory login --device` again');
    }
    throw new SignInError(`device sign-in failed: ${describe(error)}`);
  }
}
