import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { decideOnPublication } from '../cli/commands/approvals.js';
import { requestPublication } from '../cli/commands/publish.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { createOidcVerifier } from '../connectors/identity/oidc.js';
import { encryptedEncoding, payloadProtection } from '../connectors/temporal-codec/index.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import { createCodecEndpoint } from '../serving/codec-endpoint.js';
import { DEMO_PASSWORD } from '../stack/identity/people.js';
import { publicationStatus, type PublicationStatus } from '../workflows/api/publish-data-product.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { testCatalogDatabase } from './support/catalog.js';
import { historyFromJson } from './support/history-json.js';
import { identityEnv, signInWithBrowserForm } from './support/identity.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { temporalCliPath, workflowsPath } from './support/time-skipping.js';

// A publication on the real stack with payload encryption on: Temporal's history (read with the
// Temporal CLI, as an operator would) holds ciphertext only; the codec endpoint gives the clear
// payloads back to a signed-in engineer and to nobody else.

const run = promisify(execFile);
const marker = `ENC-MARKER-${randomBytes(6).toString('hex')}`;
const uiOrigin = 'http://127.0.0.1:8233';

const declaration: DomainDeclaration = {
  name: 'enctest',
  description: 'payload encryption test domain',
  dpo: { id: 'dpo.enctest', name: 'Owner' },
  deputies: [{ id: 'deputy.enctest', name: 'Deputy' }],
  tables: [{
    name: 'stay', description: 'stays', source: { system: 'db2', schema: 'ENCTEST', table: 'STAY' }, primaryKey: ['STAY_ID'],
    columns: [{ name: 'STAY_ID', type: 'BIGINT' }, { name: 'NIGHTS', type: 'INTEGER', nullable: true }],
    qualityRules: [{ id: 'stay_unique', kind: 'unique', columns: ['STAY_ID'], severity: 'block' }],
  }],
  products: [{ name: 'stays', description: 'stays', tables: ['stay'] }],
};

interface WirePayload { metadata?: Record<string, string>; data?: string }
const text = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

/** Every payload of a history in the CLI's JSON, except search attributes (indexed in clear by design, ours carry names only). */
function payloadsOf(node: unknown, found: WirePayload[] = []): WirePayload[] {
  if (Array.isArray(node)) node.forEach((n) => payloadsOf(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    // A patch marker holds a patch id of the code (e.g. 'verified-decisions'), written by the SDK's core outside the data converter.
    if (o.markerName === 'core_patch') return found;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object)) found.push(o as WirePayload);
    else for (const [k, v] of Object.entries(o)) if (k !== 'searchAttributes') payloadsOf(v, found);
  }
  return found;
}

describe('Temporal payloads encrypted, decoded through the codec endpoint behind SSO', () => {
  const registry = loadDomains([declaration]);
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  const keys = `it-old:${randomBytes(32).toString('base64')},it-${process.pid}:${randomBytes(32).toString('base64')}`;
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let config: ReturnType<typeof testConfig>;
  let workers: RunningWorkers | undefined;
  let client: Client;
  let closeClient: () => Promise<void>;
  let catalog: PostgresCatalogStore;
  let endpoint: FastifyInstance;
  let endpointUrl: string;
  let history: WirePayload[];

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_payload_enc_${process.pid}`);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "ENCTEST"; CREATE TABLE "ENCTEST"."STAY" ("STAY_ID" int8 PRIMARY KEY, "NIGHTS" int4);
      INSERT INTO "ENCTEST"."STAY" SELECT g, 1 + g % 9 FROM generate_series(1, 20) g; ANALYZE;`);
    await admin.end();
    catalog = await openCatalogStore({ url: catalogDb.url });
    await catalog.syncContracts({ domains: registry.domains });
    dir = await mkdtemp(join(tmpdir(), 'factory-payload-enc-'));
    // Rotation as it happens in production: the second key encrypts, the first still decrypts.
    config = testConfig(isolatedEnv('payload-enc', dir, scratch.url, { FACTORY_CATALOG_URL: catalogDb.url, FACTORY_PAYLOAD_KEYS: keys, FACTORY_PAYLOAD_KEY_ID: `it-${process.pid}` }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));

    const identity = identityEnv();
    endpoint = createCodecEndpoint({
      codec: payloadProtection(config).codec,
      verifier: createOidcVerifier({ discoveryUrl: identity.discoveryUrl, audience: identity.audience, groupsClaim: config.OIDC_GROUPS_CLAIM }),
      corsOrigins: [uiOrigin],
    });
    await endpoint.listen({ port: 0, host: '127.0.0.1' });
    endpointUrl = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await endpoint?.close();
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await catalog?.close();
    await catalogDb.drop();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a publication run leaves only encrypted payloads in the history `temporal workflow show` reads', async () => {
    await client.workflow.execute('backfillTable', {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:enctest.stay:${Date.now()}`,
      args: [{ domain: 'enctest', table: 'stay', chunkRows: 10, concurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    const started = await requestPublication(client, {
      product: 'enctest.stays', by: 'analyst.lucia', reason: `request ${marker}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE,
    }, registry);
    let status: PublicationStatus;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await started.handle.query(publicationStatus);
    } while (status.phase !== 'awaiting-approval');
    const decided = await decideOnPublication(client, { product: 'enctest.stays', version: 1, decision: 'approve', by: 'dpo.enctest', comment: `approved ${marker}` }, { registry, audit: (entry) => catalog.appendAudit(entry) });
    // The client decrypts what the worker encrypted: the decision comes back readable.
    expect(decided).toMatchObject({ version: 1, outcome: 'published', by: 'dpo.enctest' });
    await started.handle.result();

    const { stdout } = await run(temporalCliPath, ['workflow', 'show', '--workflow-id', started.handle.workflowId, '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    history = payloadsOf(JSON.parse(stdout));
    expect(history.length).toBeGreaterThan(10);
    for (const payload of history) {
      expect(text(payload.metadata!.encoding)).toBe(encryptedEncoding);
      expect(text(payload.metadata!['encryption-key-id'])).toBe(`it-${process.pid}`);
      for (const hidden of [marker, 'dpo.enctest', 'analyst.lucia', 'json/plain']) expect(text(payload.data)).not.toContain(hidden);
    }
    expect(stdout).not.toContain(marker);
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${endpointUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: uiOrigin, ...headers }, body: JSON.stringify(body) });
  const bearer = async (user: string): Promise<string> => {
    const signedIn = await signInWithBrowserForm(identityEnv(), user, DEMO_PASSWORD);
    if (!signedIn.ok) throw new Error(`sign-in of ${user} failed: ${signedIn.message}`);
    return signedIn.tokens.access_token;
  };

  it('decodes the history for an engineer: the decision and the request reason are readable again', async () => {
    const response = await post('/decode', { payloads: history }, { authorization: `Bearer ${await bearer('eng.pavel')}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    const decoded = (await response.json()) as { payloads: WirePayload[] };
    expect(decoded.payloads).toHaveLength(history.length);
    expect(decoded.payloads.every((p) => text(p.metadata!.encoding) !== encryptedEncoding)).toBe(true);
    const clear = decoded.payloads.map((p) => text(p.data));
    expect(clear.some((c) => c.includes(`approved ${marker}`))).toBe(true);
    expect(clear.some((c) => c.includes(`request ${marker}`))).toBe(true);
  });

  it('encodes for an engineer (the UI sends signal and query input through it)', async () => {
    const token = await bearer('eng.pavel');
    const original = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ note: marker })).toString('base64') };
    const encoded = (await (await post('/encode', { payloads: [original] }, { authorization: `Bearer ${token}` })).json()) as { payloads: WirePayload[] };
    expect(text(encoded.payloads[0]!.metadata!.encoding)).toBe(encryptedEncoding);
    expect(text(encoded.payloads[0]!.data)).not.toContain(marker);
    const back = (await (await post('/decode', encoded, { authorization: `Bearer ${token}` })).json()) as { payloads: WirePayload[] };
    expect(back.payloads).toEqual([original]);
  });

  it('refuses anonymous calls, tampered tokens and users without the engineer or admin role', async () => {
    const anonymous = await post('/decode', { payloads: history });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toContain(marker);

    const token = await bearer('eng.pavel');
    const [head, claims, signature] = token.split('.');
    const flipped = `${signature!.slice(0, 10)}${signature![10] === 'A' ? 'B' : 'A'}${signature!.slice(11)}`;
    const tampered = await post('/decode', { payloads: history }, { authorization: `Bearer ${head}.${claims}.${flipped}` });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({ error: 'token refused: its signature does not verify (altered or forged)' });

    const analyst = await post('/decode', { payloads: history }, { authorization: `Bearer ${await bearer('analyst.lucia')}` });
    expect(analyst.status).toBe(403);
    expect(await analyst.json()).toEqual({ error: 'analyst.lucia may not read workflow payloads: needs role engineer or admin' });

    const admin = await post('/decode', { payloads: history.slice(0, 1) }, { authorization: `Bearer ${await bearer('admin.ingrid')}` });
    expect(admin.status).toBe(200);
  });

  it('lets any signed-in user encode (it reveals nothing), so a DPO can send an encrypted decision; anonymous encoding is refused', async () => {
    const original = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ note: marker })).toString('base64') };
    const dpo = await post('/encode', { payloads: [original] }, { authorization: `Bearer ${await bearer('dpo.booking')}` });
    expect(dpo.status).toBe(200);
    const encoded = (await dpo.json()) as { payloads: WirePayload[] };
    expect(text(encoded.payloads[0]!.metadata!.encoding)).toBe(encryptedEncoding);
    expect(text(encoded.payloads[0]!.data)).not.toContain(marker);
    expect((await post('/encode', { payloads: [original] })).status).toBe(401);
  });

  it('answers the browser preflight for the Temporal UI origin only', async () => {
    const preflight = (origin: string) => fetch(`${endpointUrl}/decode`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    const ui = await preflight(uiOrigin);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still replays the committed (clear) publication history with the codec configured', async () => {
    const committed = historyFromJson(await readFile(new URL('./histories/publish-data-product.json', import.meta.url), 'utf8'));
    await Worker.runReplayHistory({ workflowsPath, dataConverter: payloadProtection(config).dataConverter }, committed, 'publish:booking.bookings');
  });
});
