import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { createOidcVerifier, type IdentityVerifier, type OidcSettings } from '../connectors/identity/oidc.js';
import { IdentityRefusedError } from '../core/errors.js';
import type { VerifiedIdentity } from '../core/identity/roles.js';
import './request-identity.js';
import { errorBody, routeSchema } from './schema.js';

/**
 * Sign-in to the console: authorization code + PKCE (S256) with the console's confidential client.
 * After the code exchange the access token is verified like every other token of the factory (JWKS,
 * issuer, audience, expiry: connectors/identity/oidc.ts), and only the verified claims become the
 * session's identity. The tokens stay in the server-side session, never in the browser or a log: the
 * access token is what a DPO's decision carries to the approval workflow (FACTORY_AUTH=oidc), and the
 * refresh token renews it, so a session outlives the IdP's five-minute access tokens.
 */

export interface ConsoleOidcSettings extends OidcSettings {
  clientId: string;
  clientSecret: string;
  /** The console's address as browsers reach it; the IdP redirects to <consoleUrl>/auth/callback. */
  consoleUrl: string;
  /** Renew the access token when it has less than this left (default 30 s). */
  renewBeforeSeconds?: number;
}

declare module 'fastify' {
  interface Session {
    login?: { state: string; nonce: string; codeVerifier: string; returnTo: string };
    identity?: VerifiedIdentity;
    credentials?: { accessToken: string; refreshToken?: string };
  }
}

const returnTo = z.string().regex(/^\/(?!\/)[^\s\\]*$/, 'expected a path of this console, e.g. /#/inbox').max(512).default('/');

export function registerAuth(app: FastifyInstance, settings: ConsoleOidcSettings): { verifier: IdentityVerifier } {
  const verifier = createOidcVerifier(settings);
  let configuration: Promise<oidc.Configuration> | undefined;
  const provider = () => {
    configuration ??= oidc.discovery(new URL(settings.discoveryUrl), settings.clientId, undefined, oidc.ClientSecretPost(settings.clientSecret), {
      // The local IdP speaks plain HTTP on loopback; anything else must be HTTPS.
      ...(new URL(settings.discoveryUrl).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    configuration.catch(() => { configuration = undefined; });
    return configuration;
  };
  const redirectUri = new URL('/auth/callback', settings.consoleUrl).href;

  app.get('/auth/login', {
    config: { public: true },
    schema: routeSchema({ summary: 'start signing in at the identity provider', tags: ['auth'], querystring: z.object({ returnTo }), response: { 302: z.null(), 503: errorBody } }),
  }, async (request, reply) => {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const login = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, returnTo: (request.query as { returnTo: string }).returnTo };
    const url = oidc.buildAuthorizationUrl(await provider(), {
      redirect_uri: redirectUri, scope: 'openid profile', state: login.state, nonce: login.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    });
    request.session.login = login;
    return reply.redirect(url.href);
  });

  app.get('/auth/callback', {
    config: { public: true },
    schema: routeSchema({
      summary: 'the identity provider sends the browser back here with the authorization code', tags: ['auth'],
      querystring: z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional(), error_description: z.string().optional(), session_state: z.string().optional(), iss: z.string().optional() }),
      response: { 302: z.null(), 400: errorBody, 401: errorBody },
    }),
  }, async (request, reply) => {
    const login = request.session.login;
    const query = request.query as { error?: string; error_description?: string };
    if (query.error) return reply.code(401).send({ error: `the identity provider refused the sign-in: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}` });
    if (!login) return reply.code(400).send({ error: 'no sign-in in progress in this browser session (cookies blocked, or the sign-in page was opened twice): start again at /auth/login' });
    let tokens: oidc.TokenEndpointResponse;
    try {
      tokens = await oidc.authorizationCodeGrant(await provider(), new URL(request.url, settings.consoleUrl), {
        pkceCodeVerifier: login.codeVerifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true,
      });
    } catch (error) {
      // openid-client's messages name the failed check (state, nonce, code), never a token.
      return reply.code(401).send({ error: `sign-in failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    let identity: VerifiedIdentity;
    try {
      identity = await verifier.verify(tokens.access_token);
    } catch (error) {
      if (error instanceof IdentityRefusedError) return reply.code(401).send({ error: `sign-in refused: ${error.message}` });
      throw error;
    }
    // A new session id at sign-in, so an id planted before it (session fixation) signs no one in.
    await request.session.regenerate();
    request.session.identity = identity;
    request.session.credentials = { accessToken: tokens.access_token, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
    return reply.redirect(login.returnTo);
  });

  app.post('/auth/logout', {
    config: { public: true },
    schema: routeSchema({ summary: 'sign out of the console (CSRF token required)', tags: ['auth'], response: { 200: z.object({ signedOut: z.literal(true) }) } }),
  }, async (request, reply) => {
    await request.session.destroy();
    return reply.send({ signedOut: true });
  });

  /** Renews the access token shortly before it expires; false when the session can no longer prove who it is. */
  async function current(request: FastifyRequest): Promise<boolean> {
    const { identity, credentials } = request.session;
    if (!identity || !credentials) return false;
    if (Date.parse(identity.expiresAt) - Date.now() > (settings.renewBeforeSeconds ?? 30) * 1000) return true;
    if (!credentials.refreshToken) return false;
    try {
      const tokens = await oidc.refreshTokenGrant(await provider(), credentials.refreshToken);
      const renewed = await verifier.verify(tokens.access_token);
      if (renewed.subject !== identity.subject) return false;
      request.session.identity = renewed;
      request.session.credentials = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? credentials.refreshToken };
      return true;
    } catch {
      // The IdP ended the session (signed out, idle too long, user disabled): sign in again.
      return false;
    }
  }

  /** Every route refuses anonymous callers unless it is declared public (sign-in routes, static files). */
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const isPublic = (request.routeOptions.config as { public?: boolean } | undefined)?.public === true;
    if (!isPublic && !(await current(request))) {
      if (request.session.identity) await request.session.destroy();
      return reply.code(401).header('www-authenticate', 'Session realm="factory-console"').send({ error: 'sign-in required: open /auth/login' });
    }
    // Data routes read the caller from the request (serving/request-identity.ts): the session's verified identity.
    if (!isPublic) request.identity = request.session.identity;
  });
  // A state-changing request must carry the session's CSRF token (header csrf-token, from /api/me);
  // on a bad or missing one the plugin answers 403 itself.
  app.addHook('onRequest', (request, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  return { verifier };
}

/** The verified identity of a request that passed the sign-in hook. */
export function identityOf(request: FastifyRequest): VerifiedIdentity {
  const identity = request.session.identity;
  if (!identity) throw new Error(`${request.method} ${request.url}: no signed-in identity (the route is public?)`);
  return identity;
}
