import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { describe, SignInError, type Provider } from './provider.js';

/**
 * Authorization code + PKCE (S256) with a loopback redirect (RFC 8252): an HTTP listener on
 * 127.0.0.1 at a port the system picks, redirect URI http://127.0.0.1:<port>/callback (the client
 * allows any port on 127.0.0.1). The sign-in URL is always printed; a browser is started only when
 * one is configured (BROWSER). The redirect must reach this machine's loopback, so the browser has
 * to run here too: on a machine without one, `factory login --device` signs in from any other device.
 */

export interface LoopbackOptions {
  /** A command that opens a URL; unset: only print it. */
  browser?: string;
  /** Gives up after this long without a redirect. */
  timeoutSeconds: number;
  say: (line: string) => void;
}

const page = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

export async function signInWithLoopback(provider: Provider, options: LoopbackOptions): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();

  let settle!: { resolve: (r: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers) => void; reject: (e: Error) => void };
  const result = new Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers>((resolve, reject) => (settle = { resolve, reject }));
  let redirectUri = '';
  let handled = false;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', redirectUri);
    // Browsers also ask for /favicon.ico; and a second hit on the callback after the first must not redo the exchange.
    if (url.pathname !== '/callback' || request.method !== 'GET' || handled) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (url.searchParams.get('state') !== state) {
      // Not our request (a stale tab, or someone else's link): refuse it and keep waiting for ours.
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign-in refused', 'This sign-in response does not belong to the waiting <code>factory login</code>.'));
      return;
    }
    handled = true;
    oidc
      .authorizationCodeGrant(provider.client, url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true })
      .then((tokens) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Signed in', 'You can close this window and go back to the terminal.'));
        settle.resolve(tokens);
      })
      .catch((error: unknown) => {
        response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign-in failed', 'See the terminal for the reason.'));
        settle.reject(new SignInError(`sign-in failed: ${describe(error)}`));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  redirectUri = `http://127.0.0.1:${port}/callback`;

  const authorizationUrl = oidc.buildAuthorizationUrl(provider.client, {
    redirect_uri: redirectUri,
    scope: 'openid',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  options.say('Open this URL in a browser on this machine to sign in:');
  options.say(`  ${authorizationUrl.href}`);
  options.say(`Waiting for the sign-in (${options.timeoutSeconds} s) on ${redirectUri} …`);
  if (options.browser) openBrowser(options.browser, authorizationUrl.href, options.say);

  const timer = setTimeout(
    () => settle.reject(new SignInError(`no sign-in arrived within ${options.timeoutSeconds} s: run \`factory login\` again (or \`factory login --device\` on a machine without a browser)`)),
    options.timeoutSeconds * 1000,
  );
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

/** Best effort: the URL is printed anyway, so a browser that fails to start costs nothing but a note. */
function openBrowser(command: string, url: string, say: (line: string) => void): void {
  // No shell: the URL is one argument, whatever characters it holds. BROWSER may carry options ("firefox --new-window").
  const [program, ...args] = command.trim().split(/\s+/);
  const child = spawn(program!, [...args, url], { stdio: 'ignore', detached: true });
  child.on('error', (error) => say(`(could not start the browser '${command}': ${error.message})`));
  child.unref();
}
