import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { createServingReads } from '../connectors/serving-store/reads.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import type { VerifiedIdentity } from '../core/identity/roles.js';
import { keyedHash } from '../core/keyed-hash.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { dataRouteSchemas, dataRoutes } from '../serving/routes/data.js';
import { useZodValidation } from '../serving/schema.js';
import { testCatalogDatabase } from './support/catalog.js';
import { createScratchDatabase } from './support/postgres.js';
import { writeChunk, type Values } from './support/serving.js';

/**
 * The data routes on a bare Fastify, on the real serving store and catalog audit. The server's
 * authentication hook is stood in for by one that sets `request.identity` (the plugin's contract):
 * a VerifiedIdentity as the verifier returns it, picked by a test header.
 */

const baseUrl = process.env.FACTORY_CATALOG_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_catalog';
const key = new Uint8Array(32).fill(3);

const identity = (user: string, groups: string[]): VerifiedIdentity => ({
  subject: `sub-${user}`, user, groups, roles: [], issuer: 'http://idp.test/realms/factory', expiresAt: '2099-01-01T00:00:00Z',
});
const people: Record<string, VerifiedIdentity> = {
  agent: identity('agent.one', ['/callcentre']),
  agency: identity('agency.alps', ['agency-101']),
  analyst: identity('analyst.one', ['analysts']),
  both: identity('two.hats', ['analysts', 'callcentre']),
  nobody: identity('visitor', ['guests']),
};

const fixtures: Record<string, Values[]> = {
  'customer.customer': [
    { CUSTOMER_ID: '1', FIRST_NAME: 'Anna', LAST_NAME: 'Berg', STATUS_CODE: 'A' },
    { CUSTOMER_ID: '2', FIRST_NAME: 'Bob', LAST_NAME: 'Carr', STATUS_CODE: 'A' },
  ],
  'booking.booking': [
    { BOOKING_ID: '100', CUSTOMER_ID: '1', AGENCY_ID: '101', STATUS_CODE: 'C', TOTAL_AMOUNT: '1200.50' },
    { BOOKING_ID: '102', CUSTOMER_ID: '2', AGENCY_ID: '102', STATUS_CODE: 'O', TOTAL_AMOUNT: '99.99' },
  ],
};

describe('data routes (customer-360, product tables)', () => {
  let dir: string;
  let scratch: { url: string; drop: () => Promise<void> };
  const catalogDb = testCatalogDatabase(baseUrl);
  let store: ServingStore;
  let catalog: PostgresCatalogStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serving-routes-'));
    scratch = await createScratchDatabase(baseUrl, `serving_routes_test_${process.pid}`);
    store = await openServingStore({ url: scratch.url, served: servedTables(registry.domains), maxConnections: 2 });
    catalog = await openCatalogStore({ url: catalogDb.url });
    for (const [qualified, rows] of Object.entries(fixtures)) {
      const table = registry.table(qualified);
      await store.loadChunk({ domain: qualified.split('.')[0]!, table, file: writeChunk(dir, `${qualified}.csv`, table, rows), loadId: 'l1', sourcePosition: 'pg:0000000000000010:0000000000000000:0' });
    }
    app = Fastify();
    useZodValidation(app);
    app.addHook('onRequest', async (request) => {
      const who = request.headers['x-test-identity'];
      if (typeof who === 'string') request.identity = people[who];
    });
    await app.register(dataRoutes, {
      store: createServingReads({ store, access: accessContextOf(registry), pseudonymKey: key }),
      audit: catalog, domains: registry.domains.map((d) => d.name),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await catalog?.close();
    await scratch?.drop();
    await catalogDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, who?: string) => app.inject({ method: 'GET', url, headers: who ? { 'x-test-identity': who } : {} });

  it('refuses every anonymous request', async () => {
    for (const url of ['/api/customers/1/360', '/api/products/booking/bookings/booking']) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(401);
      expect(answer.json()).toEqual({ error: 'Unauthorized', message: 'sign in first: this endpoint needs a verified identity' });
    }
  });

  it('answers customer-360 to the call centre and audits the read', async () => {
    const answer = await get('/api/customers/1/360', 'agent');
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(customer360ResponseOk(body)).toBe(true);
    expect(body).toMatchObject({ customerId: '1', role: 'callcentre', found: true, customer: { rows: [{ FIRST_NAME: 'Anna' }] }, payments: { readable: false } });
    expect(body.bookings.rows.map((r: { BOOKING_ID: string }) => r.BOOKING_ID)).toEqual(['100']);
    const trail = await catalog.auditTrail({ actor: 'agent.one' });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: 'read.customer360', domain: 'customer', verifiedBy: 'agent.one', via: 'api', outcome: 'accepted' });
    // Contacts are readable but the customer has none: only what was returned counts.
    expect(trail[0]!.detail).toBe('as callcentre: customer 1; personal columns in clear: customer.customer.FIRST_NAME, customer.customer.LAST_NAME, customer.customer.BIRTH_DATE_NUM, customer.customer.GENDER_CODE');
  });

  it('shows an agency only its bookings', async () => {
    const answer = await get('/api/products/booking/bookings/booking', 'agency');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ role: 'agency:101', table: 'booking.booking', next: null });
    expect(answer.json().rows.map((r: { BOOKING_ID: string }) => r.BOOKING_ID)).toEqual(['100']);
    // Its own customer, masked: enough to recognise them, not the record (domains/access-policy.ts).
    const own = (await get('/api/customers/1/360', 'agency')).json();
    expect(own).toMatchObject({ found: true, customer: { rows: [{ CUSTOMER_ID: '1', FIRST_NAME: 'A***', LAST_NAME: 'B***' }] } });
    expect(JSON.stringify(own)).not.toContain('Anna');
    expect((await catalog.auditTrail({ actor: 'agency.alps' })).map((e) => e.detail)).toEqual(['as agency:101: customer 1']);
    expect((await get('/api/customers/2/360', 'agency')).json()).toMatchObject({ found: false });
    expect((await get('/api/products/payment/payments/payment', 'agency')).statusCode).toBe(403);
  });

  it('pseudonymises identities for an analyst, refuses filters on them, and audits nothing without personal values in clear', async () => {
    const answer = await get('/api/products/customer/customer_profile/customer?filter=CUSTOMER_ID:1', 'analyst');
    expect(answer.statusCode).toBe(200);
    expect(answer.json().rows).toMatchObject([{ CUSTOMER_ID: '1', FIRST_NAME: keyedHash(key, 'Anna') }]);
    expect(await catalog.auditTrail({ actor: 'analyst.one', kind: 'read.personal' })).toEqual([]);
    const refused = await get('/api/products/customer/customer_profile/customer?filter=LAST_NAME:Berg', 'analyst');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('filters are allowed on columns read in clear only');
  });

  it('makes a caller with several roles name one, among their own', async () => {
    expect((await get('/api/customers/1/360', 'both')).json()).toMatchObject({ message: 'the caller holds several roles (analyst, callcentre): name one with ?as=' });
    expect((await get('/api/customers/1/360?as=callcentre', 'both')).json()).toMatchObject({ role: 'callcentre', found: true });
    expect((await get('/api/customers/1/360?as=admin', 'both')).statusCode).toBe(403);
    expect((await get('/api/customers/1/360', 'nobody')).statusCode).toBe(403);
  });

  it('validates paths and queries, and answers 404 for what is not served', async () => {
    // Refused by the route schemas (validated once, by useZodValidation); the body is the server's error handler's (test/console-api.test.ts).
    expect((await get('/api/customers/abc/360', 'agent')).statusCode).toBe(400);
    expect((await get('/api/products/booking/bookings/booking?limit=0', 'agent')).statusCode).toBe(400);
    expect((await get('/api/products/product/product_catalogue/product', 'agent')).statusCode).toBe(404);
  });
});

function customer360ResponseOk(body: unknown): boolean {
  return dataRouteSchemas['GET /api/customers/{id}/360'].response[200].safeParse(body).success;
}
