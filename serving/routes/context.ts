import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AppendAuditInput, CatalogStore } from '../../connectors/catalog/port.js';
import type { DomainRegistry } from '../../domains/registry.js';

/** What every group of API routes works with, injected by buildServer (nothing here reads configuration). */
export interface RouteContext {
  catalog: CatalogStore;
  temporal: Client;
  registry: DomainRegistry;
  /** How decisions prove who decides, as the workers are configured (FACTORY_AUTH). */
  authMode: 'dev' | 'oidc';
  /** Appends to the catalog's audit log: privileged reads and decisions. */
  audit: (entry: AppendAuditInput) => Promise<unknown>;
}

/** A group of API routes: registered under the sign-in hook, so each refuses anonymous callers. */
export type ApiRoutes = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
