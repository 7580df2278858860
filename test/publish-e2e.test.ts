import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DecisionRefusedError, decideOnPublication } from '../cli/commands/approvals.js';
import { requestPublication } from '../cli/commands/publish.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import type { AccessPolicyDeclaration } from '../contracts/access-policy.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import { buildAccessViewsWorkflowId, buildAccessViewsWorkflowType, type BuildAccessViewsWorkflowResult } from '../workflows/api/access-views.js';
import { decideSignal, publicationStatus, type PublicationStatus, type PublishDataProductResult } from '../workflows/api/publish-data-product.js';
import { openWarehouse, startWorkers, type RunningWorkers } from '../workers/worker.js';
import { warehouseCapabilities, workflowCapabilities } from '../workers/capabilities.js';
import { testCatalogDatabase } from './support/catalog.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { readWarehouse, variantTitle, warehouseVariants } from './support/warehouses.js';

// The whole path on the real stack, once per warehouse: PostgreSQL source → backfill → quality gate
// (child workflow) → candidate in the PostgreSQL catalog and its snapshot → a refused and an accepted
// DPO decision through the Update → the published view serves exactly the approved snapshot, and keeps
// serving it after the source and raw move on. A warehouse lacking a capability the workflow needs is
// skipped, naming it.

const declaration: DomainDeclaration = {
  name: 'pubtest',
  description: 'publication test domain',
  dpo: { id: 'dpo.pubtest', name: 'Owner' },
  deputies: [{ id: 'deputy.pubtest', name: 'Deputy' }],
  tables: [{
    name: 'stay', description: 'stays', source: { system: 'db2', schema: 'PUBTEST', table: 'STAY' }, primaryKey: ['STAY_ID'],
    columns: [
      { name: 'STAY_ID', type: 'BIGINT' }, { name: 'RESORT', type: 'CHAR(3)' }, { name: 'NIGHTS', type: 'INTEGER', nullable: true },
      { name: 'GUEST_BIRTH_NUM', type: 'DECIMAL(8,0)', nullable: true, pii: 'identity', encoding: 'yyyymmdd' },
    ],
    businessRules: [{ id: 'guest_birth_date', kind: 'yyyymmdd_date', column: 'GUEST_BIRTH_NUM', output: 'GUEST_BIRTH_DATE' }],
    qualityRules: [
      { id: 'stay_unique', kind: 'unique', columns: ['STAY_ID'], severity: 'block' },
      { id: 'nights_positive', kind: 'range', column: 'NIGHTS', min: 1, severity: 'block' },
    ],
  }],
  products: [{ name: 'stays', description: 'stays for analysts', tables: ['stay'] }],
};

const sourceSql = `
  CREATE SCHEMA "PUBTEST";
  CREATE TABLE "PUBTEST"."STAY" ("STAY_ID" int8 PRIMARY KEY, "RESORT" character(3) NOT NULL, "NIGHTS" int4, "GUEST_BIRTH_NUM" numeric(8,0));
  INSERT INTO "PUBTEST"."STAY" SELECT g, (ARRAY['ALP','SEA'])[1 + g % 2], 1 + g % 9, 19800100 + g % 28 + 1 FROM generate_series(1, 40) g;
  ANALYZE;`;

const clear = { none: 'clear', contact: 'clear', identity: 'clear', financial: 'clear', sensitive: 'clear' } as const;
const accessPolicy: AccessPolicyDeclaration = {
  roles: {
    admin: { description: 'everything clear', products: 'all', classes: clear },
    engineer: { description: 'identities masked', products: 'all', classes: { ...clear, identity: 'masked' } },
    callcentre: { description: 'nothing of this domain', products: [], classes: clear },
    analyst: { description: 'identities pseudonymised', products: 'all', classes: { ...clear, identity: 'pseudonymised' } },
    agency: { description: 'nothing of this domain', products: [], classes: clear },
  },
  stewards: { elsewhere: 'analyst' },
};

for (const variant of warehouseVariants()) {
  const lacking = workflowCapabilities.publishDataProduct.filter((c) => !warehouseCapabilities[variant.kind].includes(c));
  const unavailable = variant.unavailable ?? (lacking.length ? `${variant.kind} lacks capability ${lacking.join(', ')} (publishDataProduct needs it)` : undefined);
  describe.skipIf(unavailable !== undefined)(variantTitle('publication on the real stack', { ...variant, unavailable }), () => {
    const registry = loadDomains([declaration], { accessPolicy });
    const base = testConfig();
    const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
    let scratch: { url: string; drop: () => Promise<void> };
    let dir: string;
    let config: ReturnType<typeof testConfig>;
    let workers: RunningWorkers | undefined;
    let client: Client;
    let closeClient: () => Promise<void>;
    let catalog: PostgresCatalogStore;

    const backfill = () => client.workflow.execute('backfillTable', {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:pubtest.stay:${Date.now()}`,
      args: [{ domain: 'pubtest', table: 'stay', chunkRows: 15, concurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_publish_${variant.kind}_${process.pid}`);
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      await admin.query(sourceSql);
      await admin.end();
      catalog = await openCatalogStore({ url: catalogDb.url });
      await catalog.syncContracts({ domains: registry.domains });
      dir = await mkdtemp(join(tmpdir(), 'factory-publish-'));
      config = testConfig(isolatedEnv('publish', dir, scratch.url, { FACTORY_CATALOG_URL: catalogDb.url, ...variant.env('publish') }));
      workers = await startWorkers({ config, role: 'all', registry });
      ({ client, close: closeClient } = await connectClient(config));
    });

    afterAll(async () => {
      workers?.shutdown();
      await workers?.done;
      await closeClient?.();
      await catalog?.close();
      await catalogDb.drop();
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('backfill → gate → candidate → DPO approval → the published view serves exactly the approved version', async () => {
      await backfill();
      const started = await requestPublication(client, {
        product: 'pubtest.stays', by: 'analyst.anna', reason: 'first publication',
        taskQueue: config.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE,
      }, registry);
      expect(started).toMatchObject({ product: 'pubtest.stays', workflowId: 'publish:pubtest.stays', supersedes: null });
      let status: PublicationStatus;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await started.handle.query(publicationStatus);
      } while (status.phase !== 'awaiting-approval');
      expect(status).toMatchObject({ version: 1, gate: 'pass', breaking: false, approvers: { dpo: 'dpo.pubtest', deputies: ['deputy.pubtest'] } });
      expect(await catalog.pendingApprovals({ user: 'deputy.pubtest' })).toEqual([expect.objectContaining({ domain: 'pubtest', product: 'stays', version: 1, role: 'deputy' })]);

      const decision = { product: 'pubtest.stays', version: 1, decision: 'approve' as const, comment: 'first version reviewed' };
      const refused = await decideOnPublication(client, { ...decision, by: 'dpo.booking' }, { registry, audit: (entry) => catalog.appendAudit(entry) }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DecisionRefusedError);
      const notEntitled = 'dpo.booking may not decide for domain pubtest: only its DPO (dpo.pubtest) or deputies (deputy.pubtest) may';
      expect((refused as Error).message).toBe(notEntitled);
      await started.handle.signal(decideSignal, { ...decision, by: 'intruder' });
      expect(await decideOnPublication(client, { ...decision, by: 'dpo.pubtest' }, { registry, audit: (entry) => catalog.appendAudit(entry) })).toMatchObject({ version: 1, outcome: 'published', by: 'dpo.pubtest' });
      const result = await started.handle.result() as PublishDataProductResult;
      expect(result).toMatchObject({ outcome: 'published', version: 1, gate: 'pass' });
      expect(result.views).toEqual([{ table: 'pubtest.stay', view: 'published_pubtest.stays__stay', rows: 40, checksum: expect.stringMatching(/^\d+$/) }]);

      // Who, when and why in the catalog; the ignored signal in the audit trail.
      const published = await catalog.productVersion({ domain: 'pubtest', product: 'stays', version: 1 });
      expect(published).toMatchObject({ status: 'published', decidedBy: 'dpo.pubtest', comment: 'first version reviewed', qualityStatus: 'pass' });
      // The DPO reviewed what the snapshot holds: the derived date too, as personal as the number it decodes.
      expect(published!.datasets[0]!.columns.map((c) => [c.name, c.type, c.pii])).toEqual([
        ['STAY_ID', 'BIGINT', 'none'], ['RESORT', 'CHAR(3)', 'none'], ['NIGHTS', 'INTEGER', 'none'],
        ['GUEST_BIRTH_NUM', 'DECIMAL(8,0)', 'identity'], ['GUEST_BIRTH_DATE', 'DATE', 'identity'],
      ]);
      const audit = await catalog.auditTrail({ domain: 'pubtest', product: 'stays' });
      // The workflow audits every refused attempt, Update and Signal alike (once: the CLI does not add its own).
      expect(audit.filter((a) => !a.authorized).map((a) => [a.actor, a.action, a.via, a.outcome, a.reason])).toEqual([
        ['dpo.booking', 'decide.refused', 'update', 'refused', notEntitled],
        ['intruder', 'decide.refused', 'signal', 'refused', expect.stringContaining('intruder may not decide for domain pubtest')],
      ]);
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['candidate.created', 'approval.requested', 'approve', 'published', 'access.views.built']));
      // The gate run that qualified the candidate is the catalog's quality evidence (`factory catalog show`).
      const shown = await catalog.showProduct({ domain: 'pubtest', product: 'stays' });
      expect(shown?.qualityRuns).toEqual([expect.objectContaining({ reportId: published!.qualityReportId, status: 'pass', blocked: 0 })]);
      expect(shown?.freshness.lastQualityAt).toBe(shown?.qualityRuns[0]?.checkedAt);

      // `factory access build` runs the same build on demand: a view per role that may read the product.
      const rebuilt = await client.workflow.execute(buildAccessViewsWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: buildAccessViewsWorkflowId('pubtest.stays', Date.now()),
        args: [{ products: ['pubtest.stays'], warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      }) as BuildAccessViewsWorkflowResult;
      expect(rebuilt.products[0]!.views.map((v) => v.view).sort()).toEqual([
        'access_admin.pubtest__stays__stay', 'access_analyst.pubtest__stays__stay', 'access_deputy_pubtest.pubtest__stays__stay',
        'access_dpo_pubtest.pubtest__stays__stay', 'access_engineer.pubtest__stays__stay',
      ]);

      // The source moves on and raw follows it; the published view keeps serving the approved snapshot.
      const source = new pg.Client({ connectionString: scratch.url });
      await source.connect();
      await source.query(`INSERT INTO "PUBTEST"."STAY" SELECT g, 'SEA', 2 FROM generate_series(41, 45) g`);
      await source.end();
      await backfill();
      workers!.shutdown();
      await workers!.done;
      workers = undefined;

      const warehouse = await openWarehouse(config);
      try {
        const read = (sql: string) => readWarehouse(warehouse, sql);
        const count = async (relation: string) => Number((await read(`SELECT COUNT(*) AS N FROM ${relation}`))[0]!.N);
        expect(await warehouse.provides.publication!.publishedProduct({ domain: 'pubtest', product: 'stays' })).toEqual({ version: 1, views: result.views });
        expect(await count('published_pubtest.stays__stay__v1')).toBe(40);
        expect(await count('raw_pubtest.stay')).toBe(45);
        // Each role's secured view over the published version (a table backfill builds no qualified view: raw's columns).
        const birth = async (dataset: string) => (await read(`SELECT GUEST_BIRTH_NUM AS B FROM ${dataset}.pubtest__stays__stay WHERE STAY_ID = 1`))[0]!.B;
        expect(Number(await birth('access_engineer'))).toBe(1980);
        expect(await birth('access_analyst')).toMatch(/^[0-9a-f]{64}$/);
        expect(String(await birth('access_dpo_pubtest'))).toMatch(/^19800102/);
        expect(await count('access_analyst.pubtest__stays__stay')).toBe(40);
      } finally {
        await warehouse.close();
      }
    });
  });
}
