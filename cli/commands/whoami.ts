import type { Command } from 'commander';
import { IdentityRefusedError } from '../../core/errors.js';
import { currentToken, NotSignedInError } from '../auth/session.js';
import { verifierFor } from '../auth/verifier.js';
import { config } from '../context.js';

export function registerWhoamiCommand(program: Command): void {
  program
    .command('whoami')
    .description('who the stored sign-in says you are, verified against the identity provider: user, name, roles, groups, expiry (exit 1 when not signed in)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const token = await currentToken(cfg);
      let identity;
      try {
        identity = await verifierFor(cfg).verify(token);
      } catch (error) {
        // A stored token the services would refuse is no sign-in: say why, and what to do.
        if (error instanceof IdentityRefusedError) throw new NotSignedInError(error.message);
        throw error;
      }
      if (opts.json) {
        const { user, name, roles, groups, expiresAt, issuer, subject } = identity;
        console.log(JSON.stringify({ user, name: name ?? null, roles, groups, expiresAt, issuer, subject }, null, 2));
        return;
      }
      const rows: Array<[string, string]> = [
        ['user', identity.user],
        ['name', identity.name ?? '-'],
        ['roles', identity.roles.join(', ') || 'none'],
        ['groups', identity.groups.join(', ') || 'none'],
        ['expires', identity.expiresAt],
        ['issuer', identity.issuer],
      ];
      for (const [k, v] of rows) console.log(`${k.padEnd(8)} ${v}`);
    });
}
