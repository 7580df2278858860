import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { CatalogStore } from '../../connectors/catalog/port.js';
import type { Config } from '../../core/config.js';
import { openCatalogStore } from '../../connectors/catalog/postgres.js';
import { payloadProtection } from '../../connectors/temporal-codec/index.js';
import { registry } from '../../domains/index.js';
import { groupAudit } from '../../serving/audit-group.js';
import { buildServer } from '../../serving/server.js';
import { createServingReads, type ServingReads } from '../../connectors/serving-store/reads.js';
import { accessContextOf } from '../../domains/products.js';
import { openServing, pseudonymKey } from '../../workers/worker.js';
import { createLogger } from '../../workers/logger.js';
import { config } from '../context.js';

const demoSessionSecret = 'factory-console-local-demo-session-secret';

/** The console server as `factory console` serves it, from the configuration (the serve bench builds the same). */
export function buildConsoleServer(cfg: Config, deps: { catalog: CatalogStore; temporal: Client; serving?: ServingReads; logError: (entry: Record<string, unknown>) => void }): Promise<FastifyInstance> {
  if (!cfg.OIDC_DISCOVERY_URL) throw new Error('console needs OIDC_DISCOVERY_URL (people sign in through the identity provider); locally: eval "$(bash stack/stack.sh env)"');
  return buildServer({
    ...(deps.serving ? { serving: deps.serving } : {}),
    catalog: deps.catalog, registry, authMode: cfg.FACTORY_AUTH, temporal: deps.temporal,
    // Concurrent privileged reads share a commit of the audit log (serving/audit-group.ts).
    audit: groupAudit((entries) => deps.catalog.appendAudits(entries)),
    oidc: {
      discoveryUrl: cfg.OIDC_DISCOVERY_URL, issuer: cfg.OIDC_ISSUER, audience: cfg.OIDC_AUDIENCE, groupsClaim: cfg.OIDC_GROUPS_CLAIM,
      clockToleranceSeconds: cfg.OIDC_CLOCK_SKEW_SECONDS, clientId: cfg.OIDC_CONSOLE_CLIENT_ID, clientSecret: cfg.FACTORY_CONSOLE_CLIENT_SECRET, consoleUrl: cfg.FACTORY_CONSOLE_URL,
    },
    sessionSecret: cfg.FACTORY_CONSOLE_SESSION_SECRET,
    logError: deps.logError,
  });
}

export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description('serve the self-BI web console and its HTTP API (catalog, DPO inbox, pipeline status) with SSO sign-in, on FACTORY_CONSOLE_HOST:FACTORY_CONSOLE_PORT')
    .action(async () => {
      const cfg = config();
      if (!cfg.OIDC_DISCOVERY_URL) program.error('console needs OIDC_DISCOVERY_URL (people sign in through the identity provider); locally: eval "$(bash stack/stack.sh env)"');
      const log = createLogger(cfg.FACTORY_LOG_LEVEL, 'console');
      if (cfg.FACTORY_CONSOLE_SESSION_SECRET === demoSessionSecret) log.warn('FACTORY_CONSOLE_SESSION_SECRET is the public demo default: set your own outside the local stack');
      const { dataConverter, warning } = payloadProtection(cfg);
      if (warning) log.warn(warning);
      const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
      const catalog = await openCatalogStore({ url: cfg.FACTORY_CATALOG_URL });
      // Customer-360 and product data read the serving store the warehouse worker keeps current.
      const store = await openServing(cfg, registry);
      const serving = store ? createServingReads({ store, access: accessContextOf(registry), pseudonymKey: pseudonymKey(cfg) }) : undefined;
      const app = await buildConsoleServer(cfg, {
        catalog, temporal: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter }), ...(serving ? { serving } : {}),
        logError: (entry) => log.error(entry, String(entry.event)),
      });
      await app.listen({ port: cfg.FACTORY_CONSOLE_PORT, host: cfg.FACTORY_CONSOLE_HOST });
      console.error(`console on ${cfg.FACTORY_CONSOLE_URL} (listening on ${cfg.FACTORY_CONSOLE_HOST}:${cfg.FACTORY_CONSOLE_PORT}; sign-in at ${cfg.OIDC_DISCOVERY_URL.replace(/\/\.well-known.*$/, '')}, client ${cfg.OIDC_CONSOLE_CLIENT_ID}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await app.close();
      await store?.close();
      await catalog.close();
      await connection.close();
    });
}
