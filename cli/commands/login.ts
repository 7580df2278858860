import type { Command } from 'commander';
import * as oidc from 'openid-client';
import { cliConfigDir } from '../../core/config.js';
import { signInWithDevice } from '../auth/device.js';
import { signInWithLoopback } from '../auth/loopback.js';
import { describe, discoverProvider, toStored } from '../auth/provider.js';
import { deleteToken, readToken, tokenFile, writeToken } from '../auth/token-store.js';
import { currentToken } from '../auth/session.js';
import { verifierFor } from '../auth/verifier.js';
import { openCatalogStore } from '../../connectors/catalog/postgres.js';
import type { Config } from '../../core/config.js';
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
      await auditSignIn(cfg, identity.user, identity.roles);
      console.log(`Signed in as ${identity.user}${identity.name ? ` (${identity.name})` : ''}; roles: ${identity.roles.join(', ') || 'none'}`);
      console.log(`Access token valid until ${stored.expiresAt}${stored.refreshToken ? ', renewed automatically while the session lasts' : ''}; saved in ${tokenFile(configDir)}`);
    });

  program
    .command('token')
    .description('print a valid access token of your session (renewed if needed): the "token" of a decision sent from the Temporal UI or the Temporal CLI')
    .action(async () => {
      console.log(await currentToken(config()));
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

/** Sign-ins are audited (who, with which roles); a catalog out of reach does not undo the sign-in. */
async function auditSignIn(cfg: Config, user: string, roles: string[]): Promise<void> {
  try {
    const catalog = await openCatalogStore({ url: cfg.FACTORY_CATALOG_URL });
    await catalog.appendAudit({
      actor: user, action: 'login', authorized: true, detail: `signed in to the CLI; roles: ${roles.join(', ') || 'none'}`,
      verifiedBy: user, via: 'cli', outcome: 'accepted', at: new Date().toISOString(),
    }).finally(() => catalog.close());
  } catch (error) {
    say(`(sign-in not audited: the catalog is out of reach: ${describe(error)})`);
  }
}
