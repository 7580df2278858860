import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { CatalogStore } from '../../connectors/catalog/port.js';
import { approverRole } from '../../core/identity/roles.js';
import type { VerifiedIdentity } from '../../core/identity/roles.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { backfillManyProgress, type BackfillManyProgress } from '../../workflows/api/backfill-many.js';
import { backfillTableProgress, type BackfillTableProgress } from '../../workflows/api/backfill-table.js';
import { cdcStatus, type CdcStatus } from '../../workflows/api/cdc-ingest.js';
import { identityOf } from '../auth.js';
import { routeSchema } from '../schema.js';
import type { ApiRoutes } from './context.js';

/**
 * Pipeline status per domain, as `factory status` and `factory cdc status` read it: running
 * backfills with their progress, change capture's lag, dead letters and freshness (workflow queries,
 * each with a deadline so a missing worker costs seconds, not the page), and each product's last
 * publication. Engineers and admins see every domain, DPOs and deputies their own.
 */

const backfill = z.object({ workflowId: z.string(), type: z.string(), phase: z.string().nullable(), done: z.number().nullable(), total: z.number().nullable(), rows: z.number().nullable() });
const cdc = z.object({
  state: z.string(), lag: z.number().nullable(), eventsPerSecond: z.number().nullable(), deadLettered: z.number().nullable(),
  freshnessP50Ms: z.number().nullable(), freshnessP99Ms: z.number().nullable(), pausedTables: z.array(z.string()), problem: z.string().optional(),
});
const domainStatus = z.object({
  domain: z.string(), backfills: z.array(backfill), cdc,
  products: z.array(z.object({ product: z.string(), lastPublishedAt: z.string().nullable(), lastQualityAt: z.string().nullable(), qualityStatus: z.string().nullable() })),
});

const queryDeadlineMs = 5000;

function visibleDomains(identity: VerifiedIdentity, registry: DomainRegistry): string[] {
  if (identity.roles.includes('admin') || identity.roles.includes('engineer')) return registry.domains.map((d) => d.name);
  return registry.domains.filter((d) => approverRole(identity.groups, d)).map((d) => d.name);
}

async function backfills(client: Client, domain: string): Promise<Array<z.infer<typeof backfill>>> {
  const runs: Array<{ workflowId: string; type: string }> = [];
  const query = `ExecutionStatus = "Running" AND FactoryDomain = "${domain}" AND WorkflowType IN ("backfillTable", "backfillDomain")`;
  for await (const run of client.workflow.list({ query, pageSize: 100 })) runs.push({ workflowId: run.workflowId, type: run.type });
  return Promise.all(runs.map(async ({ workflowId, type }) => {
    const handle = client.workflow.getHandle(workflowId);
    const progress = await client.withDeadline(Date.now() + queryDeadlineMs, () => (type === 'backfillTable' ? handle.query(backfillTableProgress) : handle.query(backfillManyProgress)) as Promise<BackfillTableProgress | BackfillManyProgress>).catch(() => undefined);
    if (!progress) return { workflowId, type, phase: null, done: null, total: null, rows: null };
    return 'chunksTotal' in progress
      ? { workflowId, type, phase: progress.phase, done: progress.chunksDone, total: progress.chunksTotal, rows: progress.rowsDone }
      : { workflowId, type, phase: `${progress.running.length} tables running`, done: progress.tablesDone, total: progress.tablesTotal, rows: progress.rows };
  }));
}

async function capture(client: Client, domain: string): Promise<z.infer<typeof cdc>> {
  const none = { lag: null, eventsPerSecond: null, deadLettered: null, freshnessP50Ms: null, freshnessP99Ms: null, pausedTables: [] };
  const handle = client.workflow.getHandle(`cdc:${domain}`);
  try {
    const described = await handle.describe();
    if (described.status.name !== 'RUNNING') return { state: described.status.name.toLowerCase(), ...none };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: 'not started', ...none };
    throw error;
  }
  const status = await client.withDeadline(Date.now() + queryDeadlineMs, () => handle.query(cdcStatus) as Promise<CdcStatus>).catch((e: unknown) => e as Error);
  if (status instanceof Error) return { state: 'running', ...none, problem: `no worker answered the status query: ${status.message}` };
  return {
    state: status.paused ? 'paused' : status.stopping ? 'stopping' : 'running', lag: status.lag.reduce((n, l) => n + l.lag, 0), eventsPerSecond: status.eventsPerSecond,
    deadLettered: status.totals.deadLettered, freshnessP50Ms: status.freshness?.p50Ms ?? null, freshnessP99Ms: status.freshness?.p99Ms ?? null, pausedTables: status.pausedTables.map((p) => p.table),
  };
}

async function products(catalog: CatalogStore, registry: DomainRegistry, domain: string) {
  return Promise.all(registry.domain(domain).products.map(async (p) => {
    const shown = await catalog.showProduct({ domain, product: p.name });
    return { product: p.name, lastPublishedAt: shown?.freshness.lastPublishedAt ?? null, lastQualityAt: shown?.freshness.lastQualityAt ?? null, qualityStatus: shown?.quality?.status ?? null };
  }));
}

export const pipelineRoutes: ApiRoutes = (app, { temporal, catalog, registry, audit }) => {
  app.get('/api/pipeline', {
    schema: routeSchema({
      summary: 'per domain the caller may see: running backfills and their progress, change capture lag, dead letters and freshness, last publication of each product', tags: ['pipeline'],
      response: { 200: z.object({ domains: z.array(domainStatus) }) },
    }),
  }, async (request) => {
    const identity = identityOf(request);
    const names = visibleDomains(identity, registry);
    const domains = await Promise.all(names.map(async (domain) => ({
      domain, backfills: await backfills(temporal, domain), cdc: await capture(temporal, domain), products: await products(catalog, registry, domain),
    })));
    await audit({
      actor: identity.user, action: 'console.pipeline.read', authorized: true, at: new Date().toISOString(), outcome: 'accepted', verifiedBy: identity.user, via: 'console',
      detail: `pipeline status read: ${names.length ? names.join(', ') : 'no domain (no engineer, admin, DPO or deputy role)'}`,
    });
    return { domains };
  });
};
