import type { Command } from 'commander';
import * as oidc from 'openid-client';
import { cliConfigDir } from '../../core/config.js';
import { signInWithDevice } from '../auth/device.js';
import { signInWithLoopback } from '../auth/loopback.js';
import { describe, discoverProvider, toStored } from '../auth/provider.js';
import { deleteToken, readToken, tokenFile, writeToken } from '../auth/token-store.js';
import { verifierFor } from '../auth/verifier.js';
import { config } from '../context.js';

// Prompts go to stderr, so stdout carries only the result.
const say = (line: string): void => console.error(line);

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('sign in with the identity provider (OIDC_DISCOVERY_URL): a browser on this machine, or --device from any device')
    .option('--device', 'device authorization: print a URL and a code to enter on any device (no browser needed here)')
    .option('--timeout <seconds>', 'give up waiting for the browser after this long', '300')
    .action(async (opts: { device?: boolean; timeout: string }) => {
      const cfg = config();
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new Error(`--timeout: expected whole seconds above 0, got '${opts.timeout}'`);
      const provider = await discoverProvider(cfg);
      const response = opts.device
        ? await signInWithDevice(provider, say)
        : await signInWithLoopback(provider, { ...(cfg.BROWSER ? { browser: cfg.BROWSER } : {}), timeoutSeconds, say });
      const identity = await verifierFor(cfg).verify(response.access_token);
      const stored = toStored(provider, response);
      const configDir = cliConfigDir(cfg);
      await writeToken(configDir, stored);
      console.log(`Signed in as ${identity.user}${identity.name ? ` (${identity.name})` : ''}; roles: ${identity.roles.join(', ') || 'none'}`);
      console.log(`Access token valid until ${stored.expiresAt}${stored.refreshToken ? ', renewed automatically while the session lasts' : ''}; saved in ${tokenFile(configDir)}`);
    });

  program
    .command('logout')
    .description('sign out: revoke the session\'s refresh token at the identity provider and delete the stored token')
    .action(async () => {
      const cfg = config();
      const configDir = cliConfigDir(cfg);
      const read = await readToken(configDir);
      if (read.kind === 'ok' && read.token.refreshToken && cfg.OIDC_DISCOVERY_URL) {
        // Best effort: a provider out of reach must not keep the token on disk.
        try {
          const provider = await discoverProvider(cfg);
          if (provider.client.serverMetadata().revocation_endpoint) {
            await oidc.tokenRevocation(provider.client, read.token.refreshToken, { token_type_hint: 'refresh_token' });
          }
        } catch (error) {
          say(`(could not revoke the session at the identity provider: ${describe(error)}; it ends when it expires)`);
        }
      }
      const deleted = await deleteToken(configDir);
      console.log(deleted ? `Signed out; removed ${tokenFile(configDir)}` : 'Not signed in; nothing to remove');
    });
}
