import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { createServingReads } from '../connectors/serving-store/reads.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { testCatalogDatabase } from './support/catalog.js';
import { testConsole } from './support/console.js';
import { identityEnv } from './support/identity.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, testConfig } from './support/temporal.js';

const run = promisify(execFile);

/**
 * The self-BI server without a browser: its OpenAPI document is valid OpenAPI 3 (checked by the
 * reference validator, openapi-spec-validator) and documents every API route; and every route it
 * registers, enumerated from the server itself, refuses an anonymous request — except the sign-in
 * routes and the console's static files, which must be exactly those.
 */

describe('self-BI API', () => {
  const config = testConfig();
  const catalogDb = testCatalogDatabase(config.FACTORY_CATALOG_URL);
  let catalog: PostgresCatalogStore;
  let closeClient: () => Promise<void>;
  let app: FastifyInstance;
  let dir: string;
  let scratch: { url: string; drop: () => Promise<void> };
  let store: ServingStore;

  beforeAll(async () => {
    catalog = await openCatalogStore({ url: catalogDb.url });
    const connected = await connectClient(config);
    closeClient = connected.close;
    // With a serving store, as `factory console` runs: the data routes are registered, documented and guarded too.
    scratch = await createScratchDatabase(config.FACTORY_CATALOG_URL, `factory_it_console_api_${process.pid}`);
    store = await openServingStore({ url: scratch.url, served: servedTables(registry.domains), maxConnections: 2 });
    const serving = createServingReads({ store, access: accessContextOf(registry), pseudonymKey: new Uint8Array(32) });
    app = await testConsole({ catalog, temporal: connected.client, registry, config, identity: identityEnv(), serving });
    await app.ready();
    dir = await mkdtemp(join(tmpdir(), 'factory-openapi-'));
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await scratch?.drop();
    await closeClient?.();
    await catalog?.close();
    await catalogDb.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves a valid OpenAPI 3 document in which every operation has its responses', async () => {
    const doc = app.swagger() as { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, codes: Object.keys(op.responses ?? {}) })));
    for (const op of operations) expect(op.codes.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
    // Fastify's :param becomes OpenAPI's {param}; static files are hidden from the document.
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/me', '/api/catalog/search', '/api/catalog/products/{domain}/{product}', '/api/inbox',
      '/api/inbox/publications/{domain}/{product}/{version}/decision', '/api/inbox/schema-changes/{table}/{request}/decision', '/api/pipeline', '/api/kpis/{domain}', '/api/customers/{id}/360', '/api/products/{domain}/{product}/{table}',
      '/auth/login', '/auth/callback', '/auth/logout']));
    expect(Object.keys(doc.paths)).not.toContain('/');

    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const checked = await run('python3.11', ['-m', 'openapi_spec_validator', '--errors', 'all', file]).then((r) => r.stdout, (e: { stdout?: string; stderr?: string }) => `${e.stdout}${e.stderr}`);
    expect(checked.trim()).toMatch(/: OK$/);
  });

  it('refuses an anonymous request on every route but the sign-in routes and static files', async () => {
    const routes = app.registeredRoutes.flatMap((r) => [r.method].flat().map((method) => ({ method: String(method), url: r.url!, public: r.config?.public === true })));
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /', 'GET /assets/:file', 'GET /auth/callback', 'GET /auth/login', 'HEAD /', 'HEAD /assets/:file', 'HEAD /auth/callback', 'HEAD /auth/login', 'POST /auth/logout',
    ]);
    const guarded = routes.filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThanOrEqual(11);
    for (const route of guarded) {
      const url = route.url.replace(/:[A-Za-z]+/g, 'booking').replace('*', 'x');
      const response = await app.inject({ method: route.method as 'GET', url, ...(route.method === 'POST' ? { payload: { decision: 'approve', comment: 'looks fine' } } : {}) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      if (route.method !== 'HEAD') expect(response.json(), `${route.method} ${route.url}`).toEqual({ error: 'sign-in required: open /auth/login' });
    }
    // A logout without a session (and so without a CSRF secret) is refused too, not a silent success.
    expect((await app.inject({ method: 'POST', url: '/auth/logout' })).statusCode).toBe(403);
    // The public pages send the console, and only its assets.
    expect((await app.inject({ url: '/' })).body).toContain('<main id="main"');
    expect((await app.inject({ url: '/assets/app.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/assets/..%2f..%2fserver.ts' })).statusCode).toBe(404);
  });
});
