import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { CatalogStateError } from '../core/errors.js';
import { registry } from '../domains/index.js';
import { testCatalogDatabase } from './support/catalog.js';
import type { CreateSchemaChangeInput } from '../connectors/catalog/port.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';

/** Schema change requests and decisions in a catalog database of this file's own on the stack's PostgreSQL. */

const db = testCatalogDatabase(parseConfig(process.env).FACTORY_CATALOG_URL);
let store: PostgresCatalogStore;

beforeAll(async () => {
  store = await openCatalogStore({ url: db.url });
  await store.syncContracts({ domains: registry.domains });
});

afterAll(async () => {
  await store?.close();
  await db.drop();
});

const request = (over: Partial<CreateSchemaChangeInput> = {}): CreateSchemaChangeInput => ({
  table: 'booking.booking_status_history', workflowId: 'schema-change:booking.booking_status_history', runId: 'run-1',
  topic: 'factory.BOOK.BOOKING_STAT_HIST', offset: '42', reason: 'schema change: column REASON_CODE dropped',
  change: { added: [], dropped: ['REASON_CODE'], retyped: [] }, blockers: [], at: '2025-01-02T03:04:05.000Z', ...over,
});

describe('schema change requests in the catalog', () => {
  it('records a request once per workflow run, lists it for the approvers only, and keeps an approval as what CDC decodes with', async () => {
    const first = await store.createSchemaChange(request());
    expect(first.alreadyExisted).toBe(false);
    expect(await store.createSchemaChange(request())).toEqual({ id: first.id, alreadyExisted: true });
    expect((await store.pendingSchemaChanges({ user: 'dpo.booking' })).map((p) => [p.id, p.table, p.role, p.offset])).toEqual([[first.id, 'booking.booking_status_history', 'dpo', '42']]);
    expect(await store.pendingSchemaChanges({ user: 'dpo.customer' })).toEqual([]);
    expect(await store.acceptedSchemaChanges({ domain: 'booking' })).toEqual([]);

    expect(await store.decideSchemaChange({ id: first.id, decision: 'approved', by: 'dpo.booking', comment: 'column retired', at: '2025-01-02T05:00:00.000Z' }))
      .toEqual({ status: 'approved', alreadyRecorded: false });
    expect(await store.decideSchemaChange({ id: first.id, decision: 'approved', by: 'dpo.booking', comment: 'column retired', at: '2025-01-02T05:00:00.000Z' }))
      .toEqual({ status: 'approved', alreadyRecorded: true });
    await expect(store.decideSchemaChange({ id: first.id, decision: 'rejected', by: 'dpo.booking', comment: 'changed my mind', at: '2025-01-02T06:00:00.000Z' }))
      .rejects.toThrow(new CatalogStateError(`schema change request ${first.id} of booking.booking_status_history is approved (final): cannot record 'rejected'`));
    expect(await store.acceptedSchemaChanges({ domain: 'booking' })).toEqual([{ id: first.id, table: 'booking.booking_status_history', dropped: ['REASON_CODE'], retyped: [] }]);
    expect(await store.schemaChange({ id: first.id })).toMatchObject({ status: 'approved', decidedBy: 'dpo.booking', comment: 'column retired', decidedAt: '2025-01-02T05:00:00.000Z' });
    expect(await store.pendingSchemaChanges({ user: 'dpo.booking' })).toEqual([]);
  });

  it('does not hand out approved changes with blockers, nor rejected ones', async () => {
    const blocked = await store.createSchemaChange(request({ runId: 'run-2', table: 'booking.booking', change: { added: [], dropped: ['STATUS'], retyped: [] }, blockers: ['column STATUS is NOT NULL'] }));
    const rejected = await store.createSchemaChange(request({ runId: 'run-3', table: 'booking.booking_line' }));
    await store.decideSchemaChange({ id: blocked.id, decision: 'approved', by: 'dpo.booking', comment: 'ok', at: '2025-01-03T00:00:00.000Z' });
    await store.decideSchemaChange({ id: rejected.id, decision: 'rejected', by: 'dpo.booking', comment: 'no', at: '2025-01-03T00:00:00.000Z' });
    expect((await store.acceptedSchemaChanges({ domain: 'booking' })).map((a) => a.table)).toEqual(['booking.booking_status_history']);
    await expect(store.decideSchemaChange({ id: 999_999, decision: 'approved', by: 'x', comment: 'y', at: '2025-01-03T00:00:00.000Z' }))
      .rejects.toThrow('schema change request 999999 does not exist');
  });
});
