import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { CatalogStore } from '../../connectors/catalog/port.js';
import type { ServingReads } from '../../connectors/serving-store/reads.js';
import type { Config } from '../../core/config.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { buildServer } from '../../serving/server.js';
import { CONSOLE_CLIENT_SECRET } from '../../stack/identity/people.js';
import type { IdentityEnv } from './identity.js';

/**
 * The console as `factory console` builds it, on the test's catalog, Temporal client and registry, at
 * the address the stack's IdP knows for the console client (http://127.0.0.1:3000: the realm registers
 * that redirect URI only), so a real browser can sign in through it.
 */
export const consoleUrl = 'http://127.0.0.1:3000';

export function testConsole(deps: {
  catalog: CatalogStore; temporal: Client; registry: DomainRegistry; config: Config; identity: IdentityEnv; errors?: Array<Record<string, unknown>>;
  /** The serving store's reads: with them the console serves customer-360 and product data. */
  serving?: ServingReads;
}): Promise<FastifyInstance> {
  return buildServer({
    ...(deps.serving ? { serving: deps.serving } : {}),
    catalog: deps.catalog, temporal: deps.temporal, registry: deps.registry, authMode: deps.config.FACTORY_AUTH,
    audit: (entry) => deps.catalog.appendAudit(entry),
    oidc: {
      discoveryUrl: deps.identity.discoveryUrl, audience: deps.identity.audience, groupsClaim: deps.config.OIDC_GROUPS_CLAIM,
      clientId: 'factory-console', clientSecret: CONSOLE_CLIENT_SECRET, consoleUrl,
      // Renew on every request (the IdP's tokens live 300 s): the tests then run on renewed tokens, so
      // a broken renewal fails them instead of waiting for a token to age.
      renewBeforeSeconds: 300,
    },
    sessionSecret: `test-session-secret-${process.pid}-0123456789abcdef`,
    logError: (entry) => deps.errors?.push(entry),
  });
}
