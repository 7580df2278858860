import type { CatalogStore } from '../connectors/catalog/port.js';
import { openCatalogStore } from '../connectors/catalog/postgres.js';
import { createLogNotifier } from '../connectors/notify/log.js';
import { combineNotifiers, type Notifier } from '../connectors/notify/port.js';
import { createWebhookNotifier } from '../connectors/notify/webhook.js';
import { createPublicationCatalogActivities, type PublicationCatalog } from '../activities/catalog/publish.js';
import { createSchemaChangeCatalogActivities, type SchemaChangeCatalog } from '../activities/catalog/schema-change.js';
import { createKpiCatalogActivities } from '../activities/catalog/kpis.js';
import { createIdentityActivities } from '../activities/identity/index.js';
import { createNotifyActivities } from '../activities/notify/index.js';
import type { Config } from '../core/config.js';
import type { DomainRegistry } from '../domains/registry.js';
import { identityVerifierFor } from './identity.js';
import { createLogger } from './logger.js';

/** Notifications are always logged; with FACTORY_NOTIFY_WEBHOOK_URL set they are also POSTed there. */
export function notifierFor(config: Config): Notifier {
  const log = createLogNotifier(createLogger(config.FACTORY_LOG_LEVEL, 'notify'));
  return config.FACTORY_NOTIFY_WEBHOOK_URL ? combineNotifiers([log, createWebhookNotifier({ url: config.FACTORY_NOTIFY_WEBHOOK_URL })]) : log;
}

/**
 * The publication and schema change approval workflows' activities of the general task queue
 * (catalog writes, notifications); change capture reads the accepted schema changes through them.
 * The catalog is opened on first use, not at start: a worker that never publishes needs no catalog,
 * and a catalog that is down fails (and retries) the activity instead of the worker.
 */
export function createPublicationActivities(config: Config, registry: DomainRegistry) {
  let opening: Promise<CatalogStore> | undefined;
  const store = () => (opening ??= openCatalogStore({ url: config.FACTORY_CATALOG_URL }).catch((error: unknown) => {
    opening = undefined;
    throw error;
  }));
  const lazy: PublicationCatalog = {
    publishedVersion: async (input) => (await store()).publishedVersion(input),
    createCandidate: async (input) => (await store()).createCandidate(input),
    recordDecision: async (input) => (await store()).recordDecision(input),
    appendAudit: async (input) => (await store()).appendAudit(input),
    recordQualityReport: async (input) => (await store()).recordQualityReport(input),
  };
  const schemaChanges: SchemaChangeCatalog = {
    createSchemaChange: async (input) => (await store()).createSchemaChange(input),
    decideSchemaChange: async (input) => (await store()).decideSchemaChange(input),
    acceptedSchemaChanges: async (input) => (await store()).acceptedSchemaChanges(input),
  };
  return {
    activities: {
      ...createPublicationCatalogActivities({ registry, catalog: lazy }),
      ...createSchemaChangeCatalogActivities({ registry, catalog: schemaChanges }),
      ...createKpiCatalogActivities({ catalog: { writeKpiValues: async (input) => (await store()).writeKpiValues(input) } }),
      ...createNotifyActivities({ notifier: notifierFor(config) }),
      ...createIdentityActivities({ mode: config.FACTORY_AUTH, registry, ...withVerifier(identityVerifierFor(config)) }),
    },
    close: async () => {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

const withVerifier = <T>(verifier: T | undefined) => (verifier ? { verifier } : {});
