import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import type { AuditEntry } from '../connectors/catalog/port.js';
import { createOidcVerifier } from '../connectors/identity/oidc.js';
import { payloadProtection } from '../connectors/temporal-codec/index.js';
import { registry } from '../domains/index.js';
import { createCodecEndpoint } from '../serving/codec-endpoint.js';
import { DEMO_PASSWORD, DIRECTORY_ADMIN_PASSWORD } from '../stack/identity/people.js';
import {
  decideSchemaChangeSignal, decideSchemaChangeUpdate, schemaChangeApprovalWorkflowType, schemaChangeStatus,
  type DecideInput, type SchemaChangeApprovalStatus, type SchemaChangeApprovalWorkflow,
} from '../workflows/api/schema-change-approval.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { testCatalogDatabase } from './support/catalog.js';
import { identityEnv, ldapModify, signInWithBrowserForm, type IdentityEnv } from './support/identity.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { updateWhenReady } from '../connectors/temporal/update.js';

const run = promisify(execFile);

/**
 * Decisions with FACTORY_AUTH=oidc on the real stack: Keycloak over OpenLDAP issues the tokens, a
 * worker verifies them in the approval workflow (the shared approval component, here on a schema
 * change request), and the catalog's audit trail records every attempt. Each kind of bad token is
 * tried on both paths, the decide Update and the decide Signal (one sent with the Temporal CLI).
 */

const table = 'booking.booking_status_history';
const input = (name: string) => ({
  table, cdcWorkflowId: `cdc:booking-identity-${name}`, topic: 'factory.BOOK.BOOKING_STAT_HIST', offset: '7',
  reason: 'REASON_CODE dropped at the source', change: { added: [], dropped: ['REASON_CODE'], retyped: [] }, blockers: [],
});

describe('decisions carry a verified identity (FACTORY_AUTH=oidc)', () => {
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  let env: IdentityEnv;
  let dir: string;
  let config: ReturnType<typeof testConfig>;
  let workers: RunningWorkers | undefined;
  let client: Client;
  let closeClient: () => Promise<void>;
  let catalog: PostgresCatalogStore;
  let temporalCli: string;
  let codecUrl: string;
  let closeCodec: () => Promise<void>;
  const tokens = {} as Record<'dpo' | 'deputy' | 'analyst' | 'expired' | 'otherAudience' | 'tampered' | 'otherIssuer', string>;

  const signIn = async (user: string, clientId?: string): Promise<string> => {
    const result = await signInWithBrowserForm(clientId ? { ...env, cliClientId: clientId } : env, user, DEMO_PASSWORD);
    if (!result.ok) throw new Error(`sign-in of ${user} failed: ${result.message}`);
    return result.tokens.access_token;
  };

  async function awaitingRequest(name: string): Promise<{ handle: WorkflowHandle<SchemaChangeApprovalWorkflow>; request: number }> {
    const handle = await client.workflow.start<SchemaChangeApprovalWorkflow>(schemaChangeApprovalWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `schema-change:${table}@identity-${name}-${Date.now()}`, args: [input(name)],
    });
    let status: SchemaChangeApprovalStatus;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await handle.query(schemaChangeStatus);
    } while (status.phase !== 'awaiting-approval');
    return { handle, request: status.request! };
  }

  const update = (handle: WorkflowHandle, d: DecideInput) => updateWhenReady(handle, decideSchemaChangeUpdate.name, () => handle.executeUpdate(decideSchemaChangeUpdate, { args: [d] })).then(
    () => 'accepted',
    (e: unknown) => {
      expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
      return `refused: ${(e as WorkflowUpdateFailedError).cause?.message}`;
    },
  );
  /** Sends a signal and waits until the workflow has judged it (its refused count moves, or it decided). */
  async function signal(handle: WorkflowHandle, d: DecideInput, send?: () => Promise<unknown>): Promise<void> {
    const before = (await handle.query(schemaChangeStatus)).refusedSignals;
    await (send ? send() : handle.signal(decideSchemaChangeSignal, d));
    for (;;) {
      const s = await handle.query(schemaChangeStatus);
      if (s.refusedSignals > before || s.decision) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const refusals = async (request: number): Promise<AuditEntry[]> =>
    (await catalog.auditTrail({ domain: 'booking', outcome: 'refused' })).filter((a) => a.detail.includes(`request ${request}:`));

  beforeAll(async () => {
    env = identityEnv();
    const { stdout } = await run('bash', ['stack/stack.sh', 'env']);
    temporalCli = /^export TEMPORAL_CLI=(.*)$/m.exec(stdout)![1]!;
    catalog = await openCatalogStore({ url: catalogDb.url });
    await catalog.syncContracts({ domains: registry.domains });
    dir = await mkdtemp(join(tmpdir(), 'factory-identity-'));
    config = testConfig(isolatedEnv('identity', dir, base.FACTORY_SOURCE_URL, {
      FACTORY_CATALOG_URL: catalogDb.url, FACTORY_AUTH: 'oidc', OIDC_DISCOVERY_URL: env.discoveryUrl, OIDC_AUDIENCE: env.audience,
      // Decisions carry tokens: with FACTORY_AUTH=oidc the payloads must be encrypted (the configuration insists).
      FACTORY_PAYLOAD_KEYS: `id-${process.pid}:${randomBytes(32).toString('base64')}`,
      // The warehouse owner's pseudonym and erasure keys: with oidc no development key stands in.
      FACTORY_PSEUDONYM_KEYS: `ps-${process.pid}:${randomBytes(32).toString('base64')}`,
      FACTORY_ERASURE_KEY: `er-${process.pid}:${randomBytes(32).toString('base64')}`,
      // The expiring test client's tokens live one second; no tolerance, so the test need not wait half a minute.
      OIDC_CLOCK_SKEW_SECONDS: '0',
    }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));
    // The codec endpoint the Temporal CLI encodes a signal through, as a DPO would from a terminal.
    const codec = createCodecEndpoint({
      codec: payloadProtection(config).codec, corsOrigins: [],
      verifier: createOidcVerifier({ discoveryUrl: env.discoveryUrl, audience: env.audience, groupsClaim: config.OIDC_GROUPS_CLAIM }),
    });
    await codec.listen({ port: 0, host: '127.0.0.1' });
    codecUrl = `http://127.0.0.1:${(codec.server.address() as AddressInfo).port}`;
    closeCodec = () => codec.close();
    tokens.dpo = await signIn('dpo.booking');
    tokens.deputy = await signIn('deputy.booking.1');
    tokens.analyst = await signIn('analyst.lucia');
    tokens.expired = await signIn('dpo.booking', 'factory-test-expiring');
    tokens.otherAudience = await signIn('dpo.booking', 'factory-test-other-audience');
    const [head, payload, signature] = tokens.dpo.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    tokens.tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, preferred_username: 'analyst.lucia' })).toString('base64url')}.${signature}`;
    // A real token of this Keycloak's other realm (master): another issuer, signed with keys the factory realm does not publish.
    const master = await fetch(`${new URL(env.issuer).origin}/realms/master/protocol/openid-connect/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'factory-admin-demo' }).toString(),
    });
    tokens.otherIssuer = ((await master.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await closeCodec?.();
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await catalog?.close();
    await catalogDb.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses, on the Update and on the Signal, every decision whose token does not prove an entitled user, and audits each with its reason', async () => {
    const { handle, request } = await awaitingRequest('refusals');
    const d = (token: string | undefined, extra: Partial<DecideInput> = {}): DecideInput => ({ version: request, decision: 'approve', comment: 'reviewed', ...(token ? { token } : {}), ...extra });
    const cases: Array<[name: string, decision: DecideInput, reason: RegExp]> = [
      ['a valid user without the role', d(tokens.analyst), /^analyst\.lucia may not decide for domain booking: only members of the directory groups dpo-booking or deputy-booking may$/],
      ['an expired token', d(tokens.expired), /^token refused: it has expired/],
      ['a token for another audience', d(tokens.otherAudience), /^token refused: it is not meant for audience 'factory'$/],
      ['a token of another issuer', d(tokens.otherIssuer), /^token refused: it is signed with a key the identity provider does not publish$/],
      ['a tampered token', d(tokens.tampered), /^token refused: its signature does not verify/],
      ['a bare "by" naming the DPO', d(undefined, { by: 'dpo.booking' }), /^FACTORY_AUTH=oidc: a decision must carry the decider's access token/],
      ['a token contradicting "by"', d(tokens.deputy, { by: 'dpo.booking' }), /^the token proves deputy\.booking\.1, but the decision names dpo\.booking$/],
      ['the DPO, for a version that is not pending', d(tokens.dpo, { version: request + 5 }), new RegExp(`^${table}: version ${request + 5} is not the schema change request awaiting a decision`)],
    ];
    // The expiring client's token is now older than its one-second life.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const [name, decision, reason] of cases) {
      expect(await update(handle, decision), name).toMatch(new RegExp(`^refused: ${reason.source.slice(1)}`));
      await signal(handle, decision);
    }
    const status = await handle.query(schemaChangeStatus);
    expect(status.phase).toBe('awaiting-approval');
    expect(status.refusedSignals).toBe(cases.length);

    const audited = await refusals(request);
    expect(audited).toHaveLength(cases.length * 2);
    for (const [i, [name, decision, reason]] of cases.entries()) {
      for (const [j, via] of (['update', 'signal'] as const).entries()) {
        const entry = audited[i * 2 + j]!;
        expect(entry, `${name} by ${via}`).toMatchObject({ action: 'schema-change.decide.refused', outcome: 'refused', via, version: decision.version });
        expect(entry.reason, `${name} by ${via}`).toMatch(reason);
        expect(entry.claimedBy).toBe(decision.by ?? null);
      }
    }
    // Who the token proved is recorded when it proved someone; a refused token proves no one.
    expect(audited.filter((a) => a.verifiedBy).map((a) => a.verifiedBy)).toEqual(['analyst.lucia', 'analyst.lucia', 'deputy.booking.1', 'deputy.booking.1', 'dpo.booking', 'dpo.booking']);
    // Refused although entitled: only the DPO's decision on a version that is not pending.
    expect(audited.filter((a) => a.authorized).map((a) => [a.via, a.verifiedBy, a.version])).toEqual([['update', 'dpo.booking', request + 5], ['signal', 'dpo.booking', request + 5]]);
    // No token, in any form, reaches the audit trail.
    expect(JSON.stringify(audited)).not.toContain(tokens.dpo.split('.')[1]);

    expect(await update(handle, d(tokens.dpo))).toBe('accepted');
    expect(await handle.result()).toMatchObject({ phase: 'approved', decision: { by: 'dpo.booking', via: 'update', verified: true } });
    const accepted = (await catalog.auditTrail({ domain: 'booking', outcome: 'accepted' })).filter((a) => a.detail.includes(`request ${request}:`));
    expect(accepted).toEqual([expect.objectContaining({ action: 'schema-change.approve', actor: 'dpo.booking', verifiedBy: 'dpo.booking', via: 'update', version: request })]);
  });

  it('accepts the deputy\'s decision sent as a signal with the Temporal CLI, after refusing one from the analyst the same way; no token is readable in the history', async () => {
    const { handle, request } = await awaitingRequest('temporal-cli');
    // Encoded through the codec endpoint with the sender's own token, so the decision enters the history encrypted.
    const send = (token: string, decision: 'approve' | 'reject') => signal(handle, { version: request, decision, comment: 'x' }, () => run(temporalCli, [
      'workflow', 'signal', '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '--workflow-id', handle.workflowId,
      '--codec-endpoint', codecUrl, '--codec-auth', `Bearer ${token}`,
      '--name', decideSchemaChangeSignal.name, '--input', JSON.stringify({ version: request, decision, token, comment: 'keep REASON_CODE at the source' }),
    ]));
    await send(tokens.analyst, 'approve');
    expect((await refusals(request)).map((a) => [a.via, a.verifiedBy, a.authorized])).toEqual([['signal', 'analyst.lucia', false]]);
    await send(tokens.deputy, 'reject');
    expect(await handle.result()).toMatchObject({ phase: 'rejected', decision: { by: 'deputy.booking.1', via: 'signal', verified: true } });
    const { stdout } = await run(temporalCli, ['workflow', 'show', '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '--workflow-id', handle.workflowId, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    for (const token of [tokens.analyst, tokens.deputy]) {
      expect(stdout).not.toContain(token.split('.')[1]!);
      expect(stdout).not.toContain(Buffer.from(token).toString('base64').slice(0, 40));
    }
  });

  it('stops accepting a DPO removed from the directory group at their next token, with no restart', async () => {
    const peopleDn = `ou=people,${env.ldapBaseDn}`;
    const group = `cn=dpo-booking,ou=groups,${env.ldapBaseDn}`;
    const rootDn = `cn=admin,${env.ldapBaseDn}`;
    // groupOfNames keeps at least one member: the role passes to the first deputy, then back.
    const move = (from: string, to: string) => ldapModify(env.ldapUrl, rootDn, DIRECTORY_ADMIN_PASSWORD,
      `dn: ${group}\nchangetype: modify\nadd: member\nmember: uid=${to},${peopleDn}\n-\ndelete: member\nmember: uid=${from},${peopleDn}\n-\n`);
    const { handle, request } = await awaitingRequest('removed');
    await move('dpo.booking', 'deputy.booking.1');
    try {
      const after = await signIn('dpo.booking');
      expect(await update(handle, { version: request, decision: 'approve', token: after, comment: 'still mine?' }))
        .toBe('refused: dpo.booking may not decide for domain booking: only members of the directory groups dpo-booking or deputy-booking may');
    } finally {
      await move('deputy.booking.1', 'dpo.booking');
    }
    const back = await signIn('dpo.booking');
    expect(await update(handle, { version: request, decision: 'approve', token: back, comment: 'back in the group' })).toBe('accepted');
  });

  it('factory audit --json lists every attempt with actor, decision, outcome and reason', async () => {
    const { stdout } = await run('npx', ['tsx', 'cli/main.ts', 'audit', '--domain', 'booking', '--kind', 'schema-change', '--json'], {
      env: { ...process.env, FACTORY_CATALOG_URL: catalogDb.url },
    });
    const entries = JSON.parse(stdout) as AuditEntry[];
    const refused = entries.filter((e) => e.outcome === 'refused');
    expect(refused.length).toBeGreaterThanOrEqual(8 * 2 + 2);
    expect(refused.every((e) => e.reason && e.via && e.action === 'schema-change.decide.refused')).toBe(true);
    expect(entries.filter((e) => e.outcome === 'accepted').map((e) => [e.action, e.verifiedBy, e.via])).toEqual([
      ['schema-change.approve', 'dpo.booking', 'update'], ['schema-change.reject', 'deputy.booking.1', 'signal'], ['schema-change.approve', 'dpo.booking', 'update'],
    ]);
  });
});
