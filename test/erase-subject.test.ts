import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { ConfigResourceTypes } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionRefusedError, decideOnPublication } from '../cli/commands/approvals.js';
import { decideOnErasure, requestErasure } from '../cli/commands/erase.js';
import { requestPublication } from '../cli/commands/publish.js';
import { seedSource } from '../cli/source/seed.js';
import type { PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { createKafka } from '../connectors/kafka/client.js';
import { registerCapture, removeCapture } from '../connectors/kafka-connect/capture.js';
import { erasurePlan, type ErasurePlan } from '../core/erasure/plan.js';
import { dataSubjects, registry } from '../domains/index.js';
import { warehouseCapabilities } from '../workers/capabilities.js';
import { backfillAllWorkflowType, backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, cdcStatus, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { eraseSubjectStatus } from '../workflows/api/erase-subject.js';
import { publicationStatus } from '../workflows/api/publish-data-product.js';
import { historyToJson } from './support/history-json.js';
import { createScratchDatabase } from './support/postgres.js';
import { drainCdc, testConfig } from './support/temporal.js';
import { openTestWorkers, type TestWorkers } from './support/test-workers.js';
import { inspectWarehouse } from './support/warehouse-inspect.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

// GDPR erasure end to end on the real stack: a customer with bookings, guests, payments, cases and
// consents, changed at the source so Kafka holds their change events, published in a product; erased
// after a refused and an accepted DPO decision (another customer's request is rejected and keeps
// everything); then a full re-backfill and a change-capture replay from the earliest offsets. Every
// layer is searched for the subject; payments stay, anonymised in every layer that holds them; the
// ledger and the workflow history hold no identifier. Once per warehouse, with the product published
// on each. Quarantined rows of a subject are covered by the erasure contract suite, which plants them.

const plan: ErasurePlan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
const reachedDomains = [...new Set(plan.tables.map((t) => t.domain))];
const changedDomains = ['customer', 'booking', 'payment', 'customer_service', 'marketing'];
const src = (ref: string) => {
  const { source } = registry.table(ref);
  return `"${source.schema}"."${source.table}"`;
};

/** The subject's reaching values at the source, per key ('<domain>.<table>.<COLUMN>'), as the plan walks them. */
async function reachingValues(source: pg.Client, id: string): Promise<Map<string, string[]>> {
  const values = new Map<string, string[]>([[plan.key, [id]]]);
  for (const t of plan.tables) {
    if (!t.collects) continue;
    const where = t.vias.map((v) => `"${v.column}"::text = ANY($${t.vias.indexOf(v) + 1})`).join(' OR ');
    const found = await source.query<{ k: string }>(`SELECT DISTINCT "${t.collects}"::text AS k FROM ${src(`${t.domain}.${t.table}`)} WHERE ${where}`, t.vias.map((v) => values.get(v.from) ?? []));
    values.set(`${t.domain}.${t.table}.${t.collects}`, found.rows.map((r) => r.k));
  }
  return values;
}

for (const variant of warehouseVariants()) describe.skipIf(variant.unavailable !== undefined)(variantTitle('subject erasure on the real stack', variant), () => {
  const base = testConfig();
  const topicPrefix = `iterase${variant.kind[0]}${process.pid}`;
  const variantRegistry = registry;
  const publishes = warehouseCapabilities[variant.kind].includes('publication');
  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'erase-test' });
  let scratch: { url: string; drop: () => Promise<void> };
  let source: pg.Client;
  let config: ReturnType<typeof testConfig>;
  let t: TestWorkers | undefined;
  let client: Client;
  let catalog: PostgresCatalogStore;
  let erased: string;
  let kept: string;
  const tasks = () => ({ taskQueue: config.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE });

  const backfillAll = async (tag: string) => {
    const result = await client.workflow.execute<BackfillManyWorkflow>(backfillAllWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:all-erase-${variant.kind}-${tag}-${Date.now()}`,
      args: [{ tableConcurrency: 4, chunkRows: 5000, chunkConcurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    expect(result.tables.filter((t) => t.error)).toEqual([]);
  };

  /** Change capture of the changed domains under fresh consumers (no stored offsets: from the earliest retained offset), until `events` were read. */
  const captureChanges = async (tag: string, events: number) => {
    const runs = await Promise.all(changedDomains.map((domain) => client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `cdc:${domain}-erase-${variant.kind}-${tag}-${Date.now()}`,
      args: [{ domain, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE, consumer: `cdc.${domain}.${variant.kind}.${tag}`, runSeconds: 2 }],
    })));
    const read = async () => (await Promise.all(runs.map((r) => r.query(cdcStatus).catch(() => ({ totals: { events: 0 } }))))).reduce((n, s) => n + s.totals.events, 0);
    for (let attempt = 0; attempt < 60 && (await read()) < events; attempt++) await new Promise((r) => setTimeout(r, 1000));
    const final = await Promise.all(runs.map((r) => drainCdc(r)));
    expect(final.reduce((n, s) => n + s.totals.events, 0)).toBeGreaterThanOrEqual(events);
    expect(final.flatMap((s) => s.pausedTables)).toEqual([]);
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_erase_${variant.kind}_${process.pid}`);
    await seedSource({ url: scratch.url, registry: variantRegistry, scale: 0.005, seed: 5 });
    source = new pg.Client({ connectionString: scratch.url });
    await source.connect();
    // Customers with everything the issue names: bookings with guests and card payments, cases, consents.
    const found = await source.query<{ id: string }>(`SELECT c."CUSTOMER_ID"::text AS id FROM ${src('customer.customer')} c
      WHERE EXISTS (SELECT 1 FROM ${src('booking.booking')} b JOIN ${src('payment.payment')} p USING ("BOOKING_ID") JOIN ${src('booking.booking_guest')} g USING ("BOOKING_ID")
                    WHERE b."CUSTOMER_ID" = c."CUSTOMER_ID" AND p."CARD_TOKEN" IS NOT NULL)
        AND EXISTS (SELECT 1 FROM ${src('customer_service.service_case')} s WHERE s."CUSTOMER_ID" = c."CUSTOMER_ID")
        AND EXISTS (SELECT 1 FROM ${src('marketing.consent')} k WHERE k."CUSTOMER_ID" = c."CUSTOMER_ID")
      ORDER BY 1 LIMIT 2`);
    expect(found.rows).toHaveLength(2);
    [erased, kept] = found.rows.map((r) => r.id) as [string, string];
    const tables = variantRegistry.allTables().filter((e) => reachedDomains.includes(e.domain.name)).map((e) => e.table);
    await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, tables, retentionHours: 48 });
    t = await openTestWorkers('erase', variantRegistry, {
      sourceUrl: scratch.url,
      env: {
        FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CDC_TOPIC_RETENTION_HOURS: '48',
        // The identifier travels in the workflow input: encrypted, it is nowhere readable in the history.
        FACTORY_PAYLOAD_KEYS: `erase-${process.pid}:${randomBytes(32).toString('base64')}`,
        FACTORY_ERASURE_KEY: `ledger-${process.pid}:${randomBytes(32).toString('base64')}`,
        ...variant.env('erase'),
      },
    });
    ({ config, client, catalog } = t);
    await catalog.syncContracts({ domains: variantRegistry.domains });
    await t.startWorkers();
    await backfillAll('first');
  }, 600_000);

  afterAll(async () => {
    await t?.stopWorkers();
    if (scratch) await removeCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, kafka });
    await source?.end();
    await t?.close();
    await scratch?.drop();
    await variant.cleanup();
  });

  it('erases a customer everywhere, for good, with evidence; a rejected request erases nothing', async () => {
    // Change events of both customers in Kafka, applied by change capture; a published product holding them.
    for (const id of [erased, kept]) {
      await source.query(`UPDATE ${src('customer.customer')} SET "CUSTOMER_ID" = "CUSTOMER_ID" WHERE "CUSTOMER_ID" = $1`, [id]);
      await source.query(`UPDATE ${src('booking.booking')} SET "CUSTOMER_ID" = "CUSTOMER_ID" WHERE "CUSTOMER_ID" = $1`, [id]);
      await source.query(`UPDATE ${src('payment.payment')} SET "BOOKING_ID" = "BOOKING_ID" WHERE "BOOKING_ID" IN (SELECT "BOOKING_ID" FROM ${src('booking.booking')} WHERE "CUSTOMER_ID" = $1)`, [id]);
      await source.query(`UPDATE ${src('customer_service.service_case')} SET "CUSTOMER_ID" = "CUSTOMER_ID" WHERE "CUSTOMER_ID" = $1`, [id]);
      await source.query(`UPDATE ${src('marketing.consent')} SET "CUSTOMER_ID" = "CUSTOMER_ID" WHERE "CUSTOMER_ID" = $1`, [id]);
    }
    await captureChanges('live', 10);
    // The change topics keep events for the configured window (FACTORY_CDC_TOPIC_RETENTION_HOURS=48).
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: `${topicPrefix}.CUST.CUSTOMER` }], includeSynonyms: false });
      expect(described.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe(String(48 * 3_600_000));
    } finally {
      await admin.disconnect();
    }
    if (publishes) {
      const publication = await requestPublication(client, { product: 'marketing.marketing_permissions', by: 'analyst.anna', reason: 'erasure test', ...tasks() });
      await waitFor(async () => (await publication.handle.query(publicationStatus)).phase === 'awaiting-approval');
      await decideOnPublication(client, { product: 'marketing.marketing_permissions', version: 1, decision: 'approve', comment: 'ok', by: 'dpo.marketing' });
    }

    // Another customer's request is rejected: nothing of theirs is touched.
    const rejected = await requestErasure(client, config, { subject: 'customer', id: kept, reason: 'request REQ-2', by: 'agent.kim', ...tasks() });
    await waitFor(async () => (await client.workflow.getHandle(rejected.workflowId).query(eraseSubjectStatus)).phase === 'awaiting-approval');
    expect(await decideOnErasure(client, { subjectHash: rejected.subjectHash, decision: 'reject', comment: 'contract still running', by: 'deputy.customer.1' }))
      .toEqual({ outcome: 'rejected', subjectHash: rejected.subjectHash });

    const request = await requestErasure(client, config, { subject: 'customer', id: ` 000${erased}`, reason: 'request REQ-1', by: 'agent.kim', ...tasks() });
    expect(request.workflowId).toBe(`erase:${request.subjectHash}`);
    const handle = client.workflow.getHandle(request.workflowId);
    await waitFor(async () => (await handle.query(eraseSubjectStatus)).phase === 'awaiting-approval');
    const refused = await decideOnErasure(client, { subjectHash: request.subjectHash, decision: 'approve', comment: 'ok', by: 'dpo.booking' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DecisionRefusedError);
    expect((await handle.query(eraseSubjectStatus)).erased).toBe(0);
    const result = await decideOnErasure(client, { subjectHash: request.subjectHash, decision: 'approve', comment: 'request verified', by: 'dpo.customer' });
    expect(result.outcome).toBe('erased');
    const evidence = result.evidence!;
    expect(evidence.tables.map((t) => t.table)).toEqual(plan.tables.map((t) => `${t.domain}.${t.table}`));
    const rowsIn = (table: string, layer: string) => evidence.tables.find((t) => t.table === table)!.relations.filter((r) => r.layer === layer).reduce((n, r) => n + r.rows, 0);
    expect(rowsIn('customer.customer', 'current')).toBe(1);
    expect(rowsIn('customer.customer', 'changes')).toBeGreaterThanOrEqual(1);
    if (publishes) expect(rowsIn('marketing.consent', 'published')).toBeGreaterThan(0);
    expect(rowsIn('booking.booking_guest', 'current')).toBeGreaterThan(0);
    expect(evidence.tables.find((t) => t.table === 'payment.payment')).toMatchObject({ action: 'anonymise', reason: 'kept ten years for accounting' });
    expect(evidence.ledger.find((l) => l.table === 'booking.booking_line')!.values).toBeGreaterThan(0);
    expect(evidence.positions.backfills.length).toBeGreaterThan(0);
    expect(evidence.positions.offsets.length).toBeGreaterThan(0);
    expect(evidence.kafkaWindow).toContain('48 h');
    expect(await handle.result()).toEqual(result);
    const audit = await catalog.auditTrail({ domain: 'customer' });
    expect(audit.filter((a) => a.action.startsWith('erase.')).map((a) => a.action)).toEqual(expect.arrayContaining([
      'erase.requested', 'erase.decide.refused', 'erase.reject', 'erase.approve', 'erase.ledger', 'erase.delete', 'erase.anonymise', 'erase.staged', 'erase.completed',
    ]));

    // Neither a full re-backfill nor a replay of every retained change event brings the subject back.
    // The affected domains, all at once.
    const again = await Promise.all(reachedDomains.map((domain) => client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:${domain}-erase-again-${Date.now()}`,
      args: [{ domain, tableConcurrency: 3, chunkRows: 5000, chunkConcurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    })));
    expect(again.flatMap((r) => r.tables.filter((t) => t.error))).toEqual([]);
    await captureChanges('replay', 10);
    const history = historyToJson(await handle.fetchHistory());
    await t!.stopWorkers();

    const values = await reachingValues(source, erased);
    const keptValues = await reachingValues(source, kept);
    const wh = await inspectWarehouse(config);
    try {
      const { ident, textType } = wh.dialect;
      const q = (sql: string) => wh.rows(sql);
      const count = async (sql: string) => Number((await q(sql))[0]![0]);
      const among = (t: ErasurePlan['tables'][number], of: Map<string, string[]>) =>
        t.vias.map((v) => `CAST(${ident(v.column)} AS ${textType}) IN (${(of.get(v.from) ?? []).map((x) => `'${x}'`).join(', ') || 'NULL'})`).join(' OR ');
      /** Rows of every layer of a table matching the values. */
      const layersOf = async (t: ErasurePlan['tables'][number], of: Map<string, string[]>, also = 'true') => {
        const relations = [`raw_${t.domain}.${t.table}`, `raw_${t.domain}.${t.table}__changes`, `raw_${t.domain}.${t.table}__quarantine`, `qualified_${t.domain}.${t.table}`, ...await wh.snapshots(`${t.domain}.${t.table}`)];
        const counts: Record<string, number> = {};
        for (const r of relations) {
          const [schema, name] = r.split('.') as [string, string];
          if (await wh.exists(schema, name)) counts[r] = await count(`SELECT count(*) FROM ${schema}.${name} WHERE (${among(t, of)}) AND (${also})`);
        }
        return counts;
      };
      for (const t of plan.tables) {
        const found = await layersOf(t, values);
        if (t.action === 'delete') {
          expect(Object.entries(found).filter(([, n]) => n > 0), `${t.domain}.${t.table}`).toEqual([]);
        } else {
          // Kept rows, in every layer that holds them (the change log too), with their personal columns nulled.
          const identifying = t.nulled.map((c) => `${ident(c)} IS NOT NULL`).join(' OR ') || 'false';
          const left = await layersOf(t, values, identifying);
          expect(Object.entries(left).filter(([, n]) => n > 0), `${t.domain}.${t.table}`).toEqual([]);
          // The payments were changed at the source above: their change log is among the layers searched.
          if (t.domain === 'payment' && t.table === 'payment') expect(Object.keys(left)).toContain('raw_payment.payment__changes');
        }
      }
      // Kept by policy, anonymised: every payment of the subject's bookings is still there, CARD_TOKEN nulled.
      const bookings = values.get('booking.booking.BOOKING_ID')!;
      expect(bookings.length).toBeGreaterThan(0);
      const payments = Number((await source.query(`SELECT count(*) AS n FROM ${src('payment.payment')} WHERE "BOOKING_ID"::text = ANY($1)`, [bookings])).rows[0].n);
      expect(payments).toBeGreaterThan(0);
      const ofBookings = `CAST(${ident('BOOKING_ID')} AS ${textType}) IN (${bookings.map((b) => `'${b}'`).join(', ')})`;
      expect(await count(`SELECT count(*) FROM raw_payment.payment WHERE ${ofBookings}`)).toBe(payments);
      expect(await count(`SELECT count(${ident('CARD_TOKEN')}) FROM raw_payment.payment WHERE ${ofBookings}`)).toBe(0);
      // The rejected request erased nothing: the other customer is everywhere it was.
      const keptNow = await layersOf(plan.tables.find((t) => t.table === 'booking')!, keptValues);
      expect(keptNow[`raw_booking.booking`]).toBe(keptValues.get('booking.booking.BOOKING_ID')!.length);
      expect((await layersOf(plan.tables[0]!, keptValues))['raw_customer.customer']).toBe(1);
      // The guard worked, it did not merely find nothing: the re-backfill and the replay were filtered, and counted.
      const suppressed = new Set((await q('SELECT origin FROM _factory.erasure_suppressed')).map((r) => String(r[0]).split(' ')[0]));
      expect([...suppressed].sort()).toEqual(['backfill', 'cdc']);
      // The ledger holds keyed hashes only.
      const ledger = await q('SELECT subject_hash, value_hash, key_id FROM _factory.erasure_ledger');
      expect(ledger.length).toBe(evidence.ledgerEntries);
      expect(ledger.every((r) => /^[0-9a-f]{64}$/.test(String(r[0])) && /^[0-9a-f]{64}$/.test(String(r[1])) && r[2] === `ledger-${process.pid}`)).toBe(true);
      const clear = [...values.values()].flat();
      expect((await q('SELECT * FROM _factory.erasure_ledger')).flat().filter((v) => clear.includes(String(v)))).toEqual([]);
      expect(await count('SELECT count(*) FROM _factory.erasure_work')).toBe(0);
      expect(JSON.parse(String((await q('SELECT report FROM _factory.erasure_evidence'))[0]![0]))).toEqual(evidence);
    } finally {
      await wh.close();
    }
    // Staged files: everything loaded was removed; nothing of a reached table is left behind.
    const leftovers = (await readdir(config.FACTORY_STAGING_DIR, { recursive: true })).filter((f) => String(f).endsWith('.csv'));
    expect(leftovers).toEqual([]);
    // The history: every payload decoded as it is stored (encrypted) holds no identifier; the id is the hash.
    const payloads = [...history.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('latin1'));
    expect(payloads.length).toBeGreaterThan(10);
    expect(payloads.filter((p) => p.includes(`"${erased}"`) || p.includes(`:${erased},`) || p.includes(`:${erased}}`))).toEqual([]);
    // Decoded with the codec they would be readable; stored, the workflow's payloads are ciphertext.
    const encodings = [...history.matchAll(/"encoding": "([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString());
    expect(encodings).toContain('binary/encrypted');
  }, 600_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('condition not reached within 60 s');
}
