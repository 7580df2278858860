import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { requestPublication } from '../cli/commands/publish.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { registry as declared } from '../domains/index.js';
import { loadDomains } from '../domains/load.js';
import { publicationStatus, type PublicationStatus, type PublishDataProductResult } from '../workflows/api/publish-data-product.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { accessible, hasChromium, launchChromium, noChromiumReason, shoot, signedIn as signInAs } from './support/browser.js';
import { testCatalogDatabase } from './support/catalog.js';
import { consoleUrl, testConsole } from './support/console.js';
import { consoleAccessPolicy, consoleDomain, consoleSourceSql } from './support/console-fixture.js';
import { identityEnv } from './support/identity.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * The console in a real Chromium (Debian's, driven by playwright-core) against the real stack: people
 * sign in on Keycloak's own login page, search the catalog, open a product page; the booking DPO
 * approves a pending publication in the inbox and the publication workflow (real workers, FACTORY_AUTH=oidc,
 * so the workflow verifies the session's token) completes. axe-core checks every console page; each
 * page is saved as a screenshot under test-artifacts/console/.
 */

describe.skipIf(!hasChromium)(`console in Chromium${noChromiumReason}`, () => {
  const registry = loadDomains([consoleDomain], { accessPolicy: consoleAccessPolicy });
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let config: ReturnType<typeof testConfig>;
  let workers: RunningWorkers | undefined;
  let client: Client;
  let closeClient: () => Promise<void>;
  let catalog: PostgresCatalogStore;
  let app: FastifyInstance;
  let browser: Browser;
  const serverErrors: Array<Record<string, unknown>> = [];

  const signedIn = (user: string, startAt?: string) => signInAs(browser, user, startAt);

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_console_${process.pid}`);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await admin.query(consoleSourceSql);
    await admin.end();
    catalog = await openCatalogStore({ url: catalogDb.url });
    // The demo's domains make the catalog worth searching; the test domain is the one with a publication.
    await catalog.syncContracts({ domains: [...declared.domains, ...registry.domains] });
    dir = await mkdtemp(join(tmpdir(), 'factory-console-'));
    const identity = identityEnv();
    config = testConfig(isolatedEnv('console', dir, scratch.url, {
      FACTORY_CATALOG_URL: catalogDb.url, FACTORY_AUTH: 'oidc', OIDC_DISCOVERY_URL: identity.discoveryUrl, OIDC_AUDIENCE: identity.audience,
      FACTORY_PAYLOAD_KEYS: `console-${process.pid}:${randomBytes(32).toString('base64')}`,
      FACTORY_PSEUDONYM_KEYS: `ps-${process.pid}:${randomBytes(32).toString('base64')}`,
      FACTORY_ERASURE_KEY: `er-${process.pid}:${randomBytes(32).toString('base64')}`,
    }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));
    // A run left by an interrupted earlier test would take this test's publication request.
    await client.workflow.getHandle('publish:consoletest.stays').terminate('a new console test run').catch(() => undefined);
    app = await testConsole({ catalog, temporal: client, registry, config, identity, errors: serverErrors });
    await app.listen({ port: Number(new URL(consoleUrl).port), host: '127.0.0.1' }).catch((error: unknown) => {
      throw new Error(`the console must listen on ${consoleUrl} (the only redirect URI the stack's IdP registers for it): ${(error as Error).message}`);
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await catalog?.close();
    await catalogDb.drop();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(serverErrors).toEqual([]);
  });

  it('an analyst signs in on the IdP\'s page, searches the catalog and reads a product page', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const anonymous = await context.newPage();
    await anonymous.goto(`${consoleUrl}/#/catalog`);
    await expect.poll(() => anonymous.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await accessible(anonymous, 'sign-in');
    await shoot(anonymous, 'sign-in');
    await anonymous.getByRole('link', { name: 'Sign in with company SSO' }).click();
    await anonymous.locator('#username').waitFor();
    await shoot(anonymous, 'idp-login');
    await context.close();

    const page = await signedIn('analyst.lucia');
    expect(await page.locator('#who').textContent()).toContain('analyst');
    // Signed in, the API document is served (anonymous callers get 401: test/console-api.test.ts).
    expect(await page.evaluate(async () => ((await (await fetch('/openapi.json')).json()) as { openapi: string }).openapi)).toBe('3.0.3');
    await page.getByLabel('Search the catalog').fill('booking');
    await page.getByLabel('Search the catalog').press('Enter');
    await page.getByRole('heading', { name: /results for "booking"/ }).waitFor();
    const products = page.locator('table a[href^="#/product/booking/"]');
    expect(await products.count()).toBeGreaterThan(0);
    await accessible(page, 'catalog search');
    await shoot(page, 'catalog-search');

    await page.goto(`${consoleUrl}/#/product/booking/${(await products.first().getAttribute('href'))!.split('/').at(-1)}`);
    await page.getByRole('heading', { name: 'Schema' }).waitFor();
    await shoot(page, 'product');
    expect(await page.locator('.badge.pii-identity, .badge.pii-contact').count()).toBeGreaterThan(0);
    await accessible(page, 'product page');
    await shoot(page, 'product');
    // Roles the analyst lacks: no pipeline of any domain, an empty inbox.
    await page.goto(`${consoleUrl}/#/pipeline`);
    await page.getByText('your roles give you none').waitFor();
    await page.goto(`${consoleUrl}/#/customer-360`);
    // Its search form (customer-360 on a serving store: test/console-data-browser.test.ts).
    await page.getByLabel('Customer id', { exact: true }).waitFor();
    await accessible(page, 'customer-360');

    // KPIs as the KPI workflow stores them (computeKpis end to end: test/kpis-e2e.test.ts): a trend per KPI.
    const days = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'];
    const stays = [[31, 12], [28, 9], [35, 14], [22, 25], [40, 18]];
    await catalog.writeKpiValues({
      domain: 'consoletest', kpi: 'stays_per_resort_day', target: { value: 20, direction: 'at_least' }, runId: `console-${process.pid}`, computedAt: new Date().toISOString(),
      values: days.flatMap((period, d) => ['ALP', 'SEA'].map((dimension, r) => {
        const n = stays[d]![r]!;
        return { period, dimension, numerator: n, denominator: null, value: n, meets: n >= 20 };
      })),
    });
    await page.goto(`${consoleUrl}/#/kpis/consoletest`);
    const card = page.getByRole('region', { name: 'stays_per_resort_day' });
    await card.locator('svg polyline').waitFor();
    // The trend adds the resorts per day; the latest day's table lists the resort below target first.
    expect(await card.getByRole('img').getAttribute('aria-label')).toBe('stays_per_resort_day, oldest first: 2026-11-28 43; 2026-11-29 37; 2026-11-30 49; 2026-12-01 47; 2026-12-02 58');
    expect(await card.locator('tbody tr').allTextContents()).toEqual(['SEA18missed', 'ALP40met']);
    expect(await page.getByRole('region', { name: 'operational health' }).textContent()).toContain('Pending approvals');
    // A KPI over a column the analyst sees only masked (a guest's e-mail) is refused, naming the column.
    expect(await page.getByRole('region', { name: 'guests_per_day' }).textContent()).toMatch(/Not shown to you: .*GUEST_EMAIL/);
    await accessible(page, 'kpis');
    await shoot(page, 'kpis');
    await page.context().close();
  });

  it('the booking DPO approves a pending publication in the inbox, and the publication workflow completes', async () => {
    await client.workflow.execute('backfillTable', {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:consoletest.stay:${Date.now()}`,
      args: [{ domain: 'consoletest', table: 'stay', chunkRows: 20, concurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    const started = await requestPublication(client, {
      product: 'consoletest.stays', by: 'eng.pavel', reason: 'first publication', taskQueue: config.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE,
    }, registry);
    let status: PublicationStatus;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = await started.handle.query(publicationStatus);
    } while (!['awaiting-approval', 'blocked'].includes(status.phase));
    expect(status).toMatchObject({ phase: 'awaiting-approval', version: 1, gate: 'warn' });

    // Someone signed in without the role is refused by the workflow, with its reason, and audited.
    const analyst = await signedIn('analyst.lucia', '/#/inbox');
    await analyst.getByText('No publication waits for your decision.').waitFor();
    const attempt = await analyst.evaluate(async () => {
      const me = await (await fetch('/api/me')).json() as { csrfToken: string };
      const response = await fetch('/api/inbox/publications/consoletest/stays/1/decision', {
        method: 'POST', headers: { 'content-type': 'application/json', 'csrf-token': me.csrfToken }, body: JSON.stringify({ decision: 'approve', comment: 'not mine to approve' }),
      });
      const terse = await fetch('/api/inbox/publications/consoletest/stays/1/decision', {
        method: 'POST', headers: { 'content-type': 'application/json', 'csrf-token': me.csrfToken }, body: JSON.stringify({ decision: 'approve', comment: 'ok' }),
      });
      return { status: response.status, body: await response.json() as unknown, terse: { status: terse.status, body: await terse.json() as unknown } };
    });
    expect(attempt).toEqual({
      status: 403, body: { error: 'analyst.lucia may not decide for domain consoletest: only members of the directory groups dpo-booking or deputy-booking may' },
      // The zod schema refuses a request before it reaches the workflow, naming the field.
      terse: { status: 400, body: { error: 'body.comment: say why (at least 3 characters): it goes into the approval history' } },
    });
    await analyst.context().close();
    expect(await catalog.auditTrail({ domain: 'consoletest', outcome: 'refused' })).toEqual([expect.objectContaining({ verifiedBy: 'analyst.lucia', via: 'update', authorized: false })]);

    const page = await signedIn('dpo.booking', '/#/inbox');
    const card = page.getByRole('article', { name: /consoletest\.stays version 1/ });
    await page.getByRole('heading', { name: 'DPO inbox' }).waitFor();
    await shoot(page, 'inbox');
    await card.waitFor();
    expect(await card.textContent()).toContain('Quality gate: warn');
    await accessible(page, 'inbox');
    await shoot(page, 'inbox');
    // A state-changing request without the session's CSRF token is refused, signed in or not.
    const forged = await page.evaluate(async () => (await fetch('/api/inbox/publications/consoletest/stays/1/decision', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', comment: 'forged' }),
    })).status);
    expect(forged).toBe(403);

    await card.getByLabel('Comment (why)').fill('schema, PII and quality reviewed in the console');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByText('consoletest.stays version 1: published by dpo.booking.').waitFor({ timeout: 90_000 });
    await shoot(page, 'inbox-approved');
    const result = await started.handle.result() as PublishDataProductResult;
    expect(result).toMatchObject({ outcome: 'published', version: 1, decision: { by: 'dpo.booking', via: 'update', verified: true, comment: 'schema, PII and quality reviewed in the console' } });
    const audit = await catalog.auditTrail({ domain: 'consoletest', product: 'stays', kind: 'approve' });
    expect(audit).toEqual([expect.objectContaining({ actor: 'dpo.booking', verifiedBy: 'dpo.booking', outcome: 'accepted', via: 'update' })]);
    expect((await catalog.auditTrail({ actor: 'dpo.booking', kind: 'console.inbox.read' })).length).toBeGreaterThan(0);

    // The product page now shows the published version and its gate run; the pipeline page the DPO's domain.
    await page.goto(`${consoleUrl}/#/product/consoletest/stays`);
    await page.getByText('Published version 1, approved by dpo.booking').waitFor();
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.lineage-graph line').count()).toBe(4);
    await accessible(page, 'published product');
    await shoot(page, 'product-published');
    await page.goto(`${consoleUrl}/#/pipeline`);
    await page.getByRole('heading', { name: 'consoletest', exact: true }).waitFor();
    await accessible(page, 'pipeline');
    await shoot(page, 'pipeline');
    await page.context().close();
  });
});
