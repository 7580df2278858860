import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { CatalogStateError, InvalidInputError } from '../core/errors.js';
import type { DomainContract } from '../contracts/contract.js';
import { registry } from '../domains/index.js';
import { qualifiedColumns } from '../core/qualified/columns.js';
import { testCatalogDatabase, wordsOf } from './support/catalog.js';
import { migrateCatalog } from '../connectors/catalog/migrate.js';
import type { AuditEntry, CreateCandidateInput } from '../connectors/catalog/port.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';

/** The catalog store on the stack's PostgreSQL, in a database of this file's own, with the real domain contracts. */

const db = testCatalogDatabase(parseConfig(process.env).FACTORY_CATALOG_URL);
let store: PostgresCatalogStore;
let sql: pg.Client;

beforeAll(async () => {
  const first = await migrateCatalog({ url: db.url });
  expect(first.applied).toEqual(['1751961600000_catalog-schema', '1795919713405_schema-changes', '1796300000000_audit-attempts', '1796320782046_kpi-values']);
  store = await openCatalogStore({ url: db.url });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  await store.syncContracts({ domains: registry.domains });
});

afterAll(async () => {
  await sql?.end();
  await store?.close();
  await db.drop();
});

const candidate = (over: Partial<CreateCandidateInput> = {}): CreateCandidateInput => ({
  domain: 'booking',
  product: 'bookings',
  workflowId: 'publish:booking.bookings',
  runId: 'run-1',
  datasets: [{ table: 'booking.booking', columns: [{ name: 'BOOKING_ID', type: 'BIGINT', nullable: false, pii: 'none' }] }],
  changes: [],
  breaking: false,
  qualityStatus: 'pass',
  lineage: [{ from: 'qualified_booking.booking', to: 'published_booking.booking' }],
  ...over,
});

describe('catalog migrations', () => {
  it('create the schema from nothing (in beforeAll) and apply nothing the second time', async () => {
    expect(await migrateCatalog({ url: db.url })).toEqual({ applied: [] });
    const { rows } = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'catalog' ORDER BY table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'audit_log', 'data_products', 'dataset_columns', 'datasets', 'domains', 'kpi_runs', 'kpi_values', 'lineage_edges', 'people', 'product_tables',
      'product_versions', 'quality_reports', 'schema_changes', 'search_documents', 'version_events',
    ]);
    const applied = await sql.query<{ name: string }>('SELECT name FROM public.catalog_migrations ORDER BY id');
    expect(applied.rows.map((r) => r.name)).toEqual(['1751961600000_catalog-schema', '1795919713405_schema-changes', '1796300000000_audit-attempts', '1796320782046_kpi-values']);
  });
});

describe('contract sync', () => {
  it('holds what the contracts declare and changes nothing the second time', async () => {
    const again = await store.syncContracts({ domains: registry.domains });
    expect(again).toEqual({
      domains: registry.domains.length,
      people: registry.domains.reduce((n, d) => n + 1 + d.deputies.length, 0),
      products: registry.domains.reduce((n, d) => n + d.products.length, 0),
      datasets: registry.allTables().length,
      // Contract columns and the ones business rules derive.
      columns: registry.allTables().reduce((n, e) => n + qualifiedColumns(e.table, (ref) => registry.table(ref)).length, 0),
      lineageEdges: again.lineageEdges,
      changed: 0,
    });
    // source → raw and raw → qualified per table, one edge per product table.
    expect(again.lineageEdges).toBeGreaterThanOrEqual(2 * again.datasets + registry.domains.reduce((n, d) => n + d.products.reduce((m, p) => m + p.tables.length, 0), 0));
  });

  it('mirrors a changed contract (removed table, changed description) and restores the original', async () => {
    const booking = registry.domain('booking');
    const edited: DomainContract = {
      ...booking,
      tables: booking.tables
        .filter((t) => t.name !== 'booking_status_history')
        .map((t) => (t.name === 'booking' ? { ...t, description: 'Edited description.' } : t)),
      products: booking.products.filter((p) => !p.tables.includes('booking_status_history')),
    };
    const changed = await store.syncContracts({ domains: [edited] });
    expect(changed.changed).toBeGreaterThan(0);
    const tables = await sql.query<{ name: string; description: string }>(`SELECT name, description FROM catalog.datasets WHERE domain = 'booking' ORDER BY name`);
    expect(tables.rows).toContainEqual({ name: 'booking', description: 'Edited description.' });
    expect(tables.rows.map((r) => r.name)).not.toContain('booking_status_history');
    const orphans = await sql.query(`SELECT 1 FROM catalog.dataset_columns WHERE domain = 'booking' AND dataset = 'booking_status_history'`);
    expect(orphans.rowCount).toBe(0);

    const restored = await store.syncContracts({ domains: registry.domains });
    expect(restored.changed).toBeGreaterThan(0);
    expect((await store.syncContracts({ domains: registry.domains })).changed).toBe(0);
  });
});

describe('candidates and decisions', () => {
  it('returns the same version to a retry of the same workflow run, a new one to another run', async () => {
    const first = await store.createCandidate(candidate({ product: 'booking_funnel', workflowId: 'publish:booking.booking_funnel', runId: 'a' }));
    const retry = await store.createCandidate(candidate({ product: 'booking_funnel', workflowId: 'publish:booking.booking_funnel', runId: 'a', breaking: true }));
    expect(first).toEqual({ version: 1, alreadyExisted: false, openVersions: [] });
    expect(retry).toEqual({ version: 1, alreadyExisted: true, openVersions: [] });
    expect((await store.productVersion({ domain: 'booking', product: 'booking_funnel', version: 1 }))?.breaking).toBe(false);

    const next = await store.createCandidate(candidate({ product: 'booking_funnel', workflowId: 'publish:booking.booking_funnel', runId: 'b' }));
    expect(next).toEqual({ version: 2, alreadyExisted: false, openVersions: [1] });
    await expect(store.createCandidate(candidate({ product: 'bookingz' }))).rejects.toThrow(
      new InvalidInputError("data product booking.bookingz is not in the catalog: declare it in domains/booking.ts and run 'factory catalog sync'"),
    );
  });

  it('moves a version pending → approved → published, supersedes the previous publication, refuses what the states forbid', async () => {
    const ref = { domain: 'customer', product: registry.domain('customer').products[0]!.name };
    const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const v1 = await store.createCandidate(candidate({ ...ref, workflowId: 'w', runId: 'r1', at: at(0) }));
    await store.recordDecision({ ...ref, version: v1.version, decision: 'approved', by: 'dpo.customer', comment: 'looks right', at: at(1) });
    expect(await store.recordDecision({ ...ref, version: v1.version, decision: 'approved', by: 'dpo.customer', at: at(2) })).toEqual({
      status: 'approved', alreadyRecorded: true, supersededVersion: null,
    });
    await store.recordDecision({ ...ref, version: v1.version, decision: 'published', by: 'system', at: at(3) });
    expect(await store.publishedVersion(ref)).toMatchObject({
      version: 1, status: 'published', decidedBy: 'dpo.customer', comment: 'looks right', decidedAt: at(1), publishedAt: at(3), createdAt: at(0),
      history: [
        { decision: 'approved', by: 'dpo.customer', comment: 'looks right', at: at(1) },
        { decision: 'published', by: 'system', comment: null, at: at(3) },
      ],
    });

    // Auto-approval publishes straight from pending; the old publication is superseded in the same transaction.
    const v2 = await store.createCandidate(candidate({ ...ref, workflowId: 'w', runId: 'r2', at: at(4) }));
    expect(await store.recordDecision({ ...ref, version: v2.version, decision: 'published', by: 'policy', at: at(5) })).toEqual({
      status: 'published', alreadyRecorded: false, supersededVersion: 1,
    });
    expect((await store.publishedVersion(ref))?.version).toBe(2);
    expect((await store.productVersion({ ...ref, version: 1 }))?.status).toBe('superseded');

    const v3 = await store.createCandidate(candidate({ ...ref, workflowId: 'w', runId: 'r3', at: at(6) }));
    await store.recordDecision({ ...ref, version: v3.version, decision: 'expired', at: at(7) });
    await expect(store.recordDecision({ ...ref, version: v3.version, decision: 'approved', by: 'dpo.customer', at: at(8) })).rejects.toThrow(
      new CatalogStateError(`customer.${ref.product} version 3 is expired: cannot record 'approved' (expired is final)`),
    );
    await expect(store.recordDecision({ ...ref, version: 2, decision: 'rejected', by: 'dpo.customer', at: at(8) })).rejects.toThrow(
      `customer.${ref.product} version 2 is published: cannot record 'rejected' (published is final)`,
    );
    const v4 = await store.createCandidate(candidate({ ...ref, workflowId: 'w', runId: 'r4', at: at(9) }));
    await store.recordDecision({ ...ref, version: v4.version, decision: 'approved', by: 'deputy', at: at(10) });
    await expect(store.recordDecision({ ...ref, version: v4.version, decision: 'rejected', by: 'dpo.customer', at: at(11) })).rejects.toThrow(
      `customer.${ref.product} version 4 is approved: cannot record 'rejected' (from approved it can only become published or superseded)`,
    );
    await expect(store.recordDecision({ ...ref, version: 9, decision: 'approved', at: at(11) })).rejects.toThrow(`customer.${ref.product} has no version 9 in the catalog`);
  });

  it('lists pending approvals to the DPO and deputies of the domain only', async () => {
    const booking = registry.domain('booking');
    const ref = { domain: 'booking', product: 'bookings' };
    const pending = await store.createCandidate(candidate({ ...ref, workflowId: 'publish:booking.bookings', runId: 'pending-test', breaking: true }));
    const forDpo = await store.pendingApprovals({ user: booking.dpo.id });
    expect(forDpo).toContainEqual(expect.objectContaining({ ...ref, version: pending.version, role: 'dpo', breaking: true }));
    expect(await store.pendingApprovals({ user: booking.deputies[0]!.id })).toContainEqual(expect.objectContaining({ ...ref, version: pending.version, role: 'deputy' }));
    expect(await store.pendingApprovals({ user: registry.domain('payment').dpo.id })).toEqual([]);
    expect(await store.pendingApprovals({ user: 'someone.else' })).toEqual([]);
    expect(await store.approverRole({ domain: 'booking', user: booking.dpo.id })).toBe('dpo');
    expect(await store.approverRole({ domain: 'booking', user: registry.domain('payment').dpo.id })).toBeNull();

    await store.recordDecision({ ...ref, version: pending.version, decision: 'rejected', by: booking.dpo.id, comment: 'no', at: new Date().toISOString() });
    expect((await store.pendingApprovals({ user: booking.dpo.id })).filter((p) => p.product === 'bookings' && p.version === pending.version)).toEqual([]);
  });
});

describe('audit trail', () => {
  it('appends entries in order and refuses to change them', async () => {
    const at = '2025-03-02T08:00:00.000Z';
    const a = await store.appendAudit({ domain: 'payment', product: 'payments', version: 1, actor: 'dpo.payment', action: 'approve', authorized: true, detail: 'approved version 1', at });
    const b = await store.appendAudit({ domain: 'payment', product: 'payments', actor: 'intruder', action: 'signal.refused', authorized: false, detail: 'intruder is not DPO or deputy of payment', at });
    await store.appendAudit({ domain: 'payment', actor: 'system', action: 'sync', authorized: true, detail: 'domain-level entry', at });
    expect(b.id).toBeGreaterThan(a.id);
    expect(await store.auditTrail({ domain: 'payment', product: 'payments' })).toEqual([
      { id: a.id, domain: 'payment', product: 'payments', version: 1, actor: 'dpo.payment', action: 'approve', authorized: true, detail: 'approved version 1', at, ...noAttempt },
      { id: b.id, domain: 'payment', product: 'payments', version: null, actor: 'intruder', action: 'signal.refused', authorized: false, detail: 'intruder is not DPO or deputy of payment', at, ...noAttempt },
    ]);
    expect(await store.auditTrail({ domain: 'payment' })).toHaveLength(3);
    await expect(sql.query(`UPDATE catalog.audit_log SET authorized = true WHERE id = $1`, [b.id])).rejects.toThrow('catalog.audit_log is append-only: UPDATE refused');
    await expect(sql.query(`DELETE FROM catalog.audit_log`)).rejects.toThrow('catalog.audit_log is append-only: DELETE refused');
  });

  it('records each attempt with its claimed and verified identity, outcome and reason, and filters by time, actor, kind and outcome', async () => {
    const early = '2025-04-01T08:00:00.000Z';
    const late = '2025-04-02T08:00:00.000Z';
    const refused = await store.appendAudit({
      domain: 'loyalty', product: 'members', version: 3, actor: 'eve', action: 'decide.refused', authorized: false, detail: 'decision signal refused', at: early,
      outcome: 'refused', claimedBy: 'dpo.loyalty', via: 'signal', reason: 'token refused: it has expired (sign in again)',
    });
    const accepted = await store.appendAudit({
      domain: 'loyalty', product: 'members', version: 3, actor: 'dpo.loyalty', action: 'approve', authorized: true, detail: 'v3 approved via update', at: late,
      outcome: 'accepted', verifiedBy: 'dpo.loyalty', via: 'update',
    });
    const login = await store.appendAudit({ actor: 'dpo.loyalty', action: 'login', authorized: true, detail: 'signed in to the CLI', at: late, verifiedBy: 'dpo.loyalty', via: 'cli' });
    const ids = (entries: AuditEntry[]) => entries.map((e) => e.id);
    expect((await store.auditTrail({ domain: 'loyalty' }))[0]).toEqual({
      id: refused.id, domain: 'loyalty', product: 'members', version: 3, actor: 'eve', action: 'decide.refused', authorized: false, detail: 'decision signal refused', at: early,
      outcome: 'refused', claimedBy: 'dpo.loyalty', verifiedBy: null, via: 'signal', reason: 'token refused: it has expired (sign in again)',
    });
    expect(ids(await store.auditTrail({ actor: 'dpo.loyalty', since: early }))).toEqual([refused.id, accepted.id, login.id]);
    expect(ids(await store.auditTrail({ actor: 'dpo.loyalty', since: late }))).toEqual([accepted.id, login.id]);
    expect(ids(await store.auditTrail({ actor: 'dpo.loyalty', kind: 'decide' }))).toEqual([refused.id]);
    expect(ids(await store.auditTrail({ actor: 'dpo.loyalty', outcome: 'accepted' }))).toEqual([accepted.id]);
    expect(ids(await store.auditTrail({ actor: 'dpo.loyalty', kind: 'login' }))).toEqual([login.id]);
  });

  it('appends several entries in one statement, each as a single append would', async () => {
    const at = '2025-05-01T08:00:00.000Z';
    const entries = [
      { domain: 'customer', product: 'customer.customer_profile', actor: 'agent.mila', action: 'read.customer360', authorized: true, detail: 'as callcentre: customer 7', at, outcome: 'accepted' as const, verifiedBy: 'agent.mila', via: 'api' },
      { actor: 'agent.tariq', action: 'read.personal', authorized: true, detail: 'as callcentre: 3 rows', at },
    ];
    expect(await store.appendAudits(entries)).toEqual({ appended: 2 });
    expect(await store.appendAudits([])).toEqual({ appended: 0 });
    const trail = await store.auditTrail({ since: at });
    expect(trail.map(({ id: _id, ...e }) => e)).toEqual([
      { ...noAttempt, version: null, ...entries[0] },
      { ...noAttempt, domain: null, product: null, version: null, ...entries[1] },
    ]);
  });
});

const noAttempt = { outcome: null, claimedBy: null, verifiedBy: null, via: null, reason: null };

describe('search', () => {
  // A word the contracts use once: in a column description of customer.customer_preference, nowhere in
  // a domain, product or table name or description. Checked here so an edit of the contracts that
  // breaks the premise fails with a clear message instead of passing for another reason.
  const word = 'allergies';
  const owner = 'customer.customer_preference';

  it('finds a table by a word that only appears in one of its columns\' descriptions', async () => {
    const places = registry.domains.flatMap((d) => [
      ...(wordsOf(`${d.name} ${d.description}`).has(word) ? [`domain ${d.name}`] : []),
      ...d.products.filter((p) => wordsOf(`${p.name} ${p.description}`).has(word)).map((p) => `product ${p.name}`),
      ...d.tables.flatMap((t) => [
        ...(wordsOf(`${t.name} ${t.description}`).has(word) ? [`table ${d.name}.${t.name}`] : []),
        ...t.columns.filter((c) => wordsOf(c.description).has(word)).map((c) => `column ${d.name}.${t.name}.${c.name}`),
      ]),
    ]);
    expect(places).toHaveLength(1);
    expect(places[0]).toMatch(new RegExp(`^column ${owner.replace('.', '\\.')}\\.`));
    const column = places[0]!.split('.').at(-1)!;

    const hits = await store.search({ text: word, limit: 5 });
    const tableHit = hits.find((h) => h.kind === 'table' && h.name === owner);
    expect(tableHit).toMatchObject({ domain: 'customer', matched: [`column ${column} description`] });
    expect(hits.indexOf(tableHit!)).toBeLessThan(3);
    expect(hits).toContainEqual(expect.objectContaining({ kind: 'column', name: `${owner}.${column}`, matched: ['description'] }));
    // English stemming: the singular finds it too.
    expect((await store.search({ text: 'allergy' })).map((h) => h.name)).toContain(owner);
  });

  it('ranks a name above a mention and returns nothing for a word the catalog does not hold', async () => {
    const hits = await store.search({ text: 'booking line' });
    expect(hits[0]).toMatchObject({ kind: 'table', name: 'booking.booking_line' });
    expect(hits[0]!.matched.slice(0, 2)).toEqual(['name', 'description']);
    expect(await store.search({ text: 'xylophone' })).toEqual([]);
  });
});

describe('showProduct', () => {
  it('shows owner, schema with PII, last quality run, freshness, lineage and the published version', async () => {
    const ref = { domain: 'booking', product: 'bookings' };
    await store.recordQualityReport({ reportId: 'q-1', ...ref, status: 'warn', rules: 12, warned: 1, blocked: 0, durationMs: 340, checkedAt: '2025-03-03T09:00:00.000Z' });
    expect(await store.recordQualityReport({ reportId: 'q-1', ...ref, status: 'warn', rules: 12, warned: 1, blocked: 0, durationMs: 340, checkedAt: '2025-03-03T09:00:00.000Z' })).toEqual({ alreadyRecorded: true });
    const v = await store.createCandidate(candidate({ ...ref, runId: 'show', qualityStatus: 'warn', qualityReportId: 'q-1' }));
    await store.recordDecision({ ...ref, version: v.version, decision: 'approved', by: 'dpo.booking', comment: 'warning accepted', at: '2025-03-03T10:00:00.000Z' });
    await store.recordDecision({ ...ref, version: v.version, decision: 'published', by: 'system', at: '2025-03-03T10:00:05.000Z' });

    const shown = await store.showProduct(ref);
    const booking = registry.domain('booking');
    expect(shown).toMatchObject({
      ...ref,
      owner: { dpo: { id: booking.dpo.id, name: booking.dpo.name }, deputies: booking.deputies.map((d) => expect.objectContaining({ id: d.id })) },
      quality: { reportId: 'q-1', status: 'warn', warned: 1 },
      qualityRuns: [expect.objectContaining({ reportId: 'q-1', status: 'warn', rules: 12, durationMs: 340 })],
      freshness: { lastPublishedAt: '2025-03-03T10:00:05.000Z', lastQualityAt: '2025-03-03T09:00:00.000Z' },
      published: { version: v.version, qualityReportId: 'q-1', decidedBy: 'dpo.booking', comment: 'warning accepted' },
    });
    expect(shown!.datasets.map((d) => d.table)).toEqual(booking.products.find((p) => p.name === 'bookings')!.tables.map((t) => `booking.${t}`));
    const guest = booking.tables.find((t) => t.name === 'booking_guest')!;
    expect(shown!.pii).toEqual({
      ...Object.fromEntries(guest.columns.filter((c) => c.pii !== 'none').map((c) => [`booking.booking_guest.${c.name}`, c.pii])),
      // Decoded from the identity-class BIRTH_DATE_NUM: as personal as the number.
      'booking.booking_guest.BIRTH_DATE': 'identity',
    });
    expect(shown!.lineage).toEqual(expect.arrayContaining([
      { from: 'db2:BOOK.BOOKING', to: 'raw_booking.booking' },
      expect.objectContaining({ from: 'raw_booking.booking', to: 'qualified_booking.booking' }),
      { from: 'qualified_booking.booking', to: 'booking.bookings' },
      { from: 'qualified_booking.booking', to: 'published_booking.booking' },
    ]));
    expect(await store.showProduct({ domain: 'booking', product: 'nothing' })).toBeNull();
  });
});

describe('domainHealth', () => {
  it('gives a domain\'s last publication, its products\' last five gate runs each and its pending approvals, in one read', async () => {
    const ref = { domain: 'loyalty', product: 'loyalty_members' };
    expect(await store.domainHealth({ domain: 'loyalty' })).toEqual({ lastPublishedAt: null, gateRuns: 0, gatePassed: 0, pendingApprovals: 0 });
    // Six runs, oldest blocked: the health counts the newest five (as a product page lists them), four passed.
    const statuses = ['block', 'pass', 'pass', 'warn', 'pass', 'pass'] as const;
    for (const [i, status] of statuses.entries()) {
      await store.recordQualityReport({ reportId: `health-${i}`, ...ref, status, rules: 4, warned: status === 'warn' ? 1 : 0, blocked: status === 'block' ? 1 : 0, durationMs: 10, checkedAt: `2025-04-0${i + 1}T09:00:00.000Z` });
    }
    // Another domain's runs do not count.
    await store.recordQualityReport({ reportId: 'health-other', domain: 'marketing', product: 'marketing_permissions', status: 'block', rules: 1, warned: 0, blocked: 1, durationMs: 10, checkedAt: '2025-04-09T09:00:00.000Z' });
    const published = await store.createCandidate(candidate({ ...ref, workflowId: 'publish:loyalty.loyalty_members', runId: 'health-1' }));
    await store.recordDecision({ ...ref, version: published.version, decision: 'published', by: 'policy', at: '2025-04-07T10:00:00.000Z' });
    await store.createCandidate(candidate({ ...ref, workflowId: 'publish:loyalty.loyalty_members', runId: 'health-2' }));
    expect(await store.domainHealth({ domain: 'loyalty' })).toEqual({ lastPublishedAt: '2025-04-07T10:00:00.000Z', gateRuns: 5, gatePassed: 4, pendingApprovals: 1 });
  });
});
