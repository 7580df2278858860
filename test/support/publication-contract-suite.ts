import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeAccessViews, type AccessViews } from '../../connectors/warehouse/access-port.js';
import type { ProductVersionTables, Publication } from '../../connectors/warehouse/publish-port.js';
import type { Retention } from '../../connectors/warehouse/retention-port.js';
import { parseAccessRole } from '../../core/access/policy.js';
import { planProductAccess } from '../../core/access/plan.js';
import { keyedHash } from '../../core/keyed-hash.js';
import type { SqlDialect } from '../../core/sql/dialect.js';
import { registry } from '../../domains/index.js';
import { accessContextOf, resolveProduct } from '../../domains/products.js';

/**
 * The publication contract suite: snapshots, one-step promotion, snapshot clean-up and retention
 * (capabilities 'publication' and 'retention'), and the secured views over what was published
 * ('accessViews'), run unchanged against every adapter (connectors/<adapter>/publication-contract.test.ts).
 * Raw and qualified tables are written with the harness's SQL (standing in for a backfill and the
 * qualified layer); every assertion goes through the port or reads what a reader reads.
 */

export type Row = Record<string, unknown>;

export interface PublicationHarness {
  publication: Publication;
  retention: Retention;
  access: AccessViews;
  dialect: SqlDialect;
  /** Creates a schema (DuckDB) or dataset (BigQuery). */
  createSchema(name: string): Promise<void>;
  exec(sql: string): Promise<void>;
  /** A reader's query: column names upper-cased, numbers as numbers. */
  read(sql: string): Promise<Row[]>;
  /** Dates the promotion of `version` (and, for the served version, its serving) at `iso`: ages for retention. */
  backdate(domain: string, product: string, version: number, iso: string): Promise<void>;
  close(): Promise<void>;
}

export type PublicationCase = 'snapshot' | 'promote' | 'table-leaves' | 'drop-snapshot' | 'retention' | 'access-treatments' | 'access-agency' | 'access-stale';

export interface PublicationContractTarget {
  name: string;
  open(): Promise<PublicationHarness>;
  cleanup?(): Promise<void>;
  unavailable?: string;
}

const dayMs = 86_400_000;
const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) % 256);

type Fixture = Record<string, Array<Record<string, string | number | null>>>;
/** Registry tables the access cases publish (raw rows only: snapshots then read raw's live rows). */
const accessFixture: Fixture = {
  'distribution.agency': [{ AGENCY_ID: 101, AGENCY_NAME: 'Alpine Travel' }, { AGENCY_ID: 102, AGENCY_NAME: 'Sunseekers' }],
  'customer.customer': [
    { CUSTOMER_ID: 1, FIRST_NAME: 'Alice', LAST_NAME: 'Smith', BIRTH_DATE_NUM: 19800506, STATUS_CODE: 'A' },
    { CUSTOMER_ID: 2, FIRST_NAME: 'Bob', LAST_NAME: 'Jones', BIRTH_DATE_NUM: 19751224, STATUS_CODE: 'A' },
  ],
  'customer.customer_contact': [
    { CONTACT_ID: 10, CUSTOMER_ID: 1, CONTACT_TYPE: 'E', CONTACT_VALUE: 'alice@example.org' },
    { CONTACT_ID: 11, CUSTOMER_ID: 1, CONTACT_TYPE: 'M', CONTACT_VALUE: '+41791234542' },
    { CONTACT_ID: 12, CUSTOMER_ID: 2, CONTACT_TYPE: 'E', CONTACT_VALUE: 'bob@example.net' },
  ],
  'customer.customer_address': [],
  'customer.customer_preference': [{ CUSTOMER_ID: 1, PREFERENCE_CODE: 'DIET', DIETARY_NOTE: 'no gluten' }],
  'booking.booking': [
    { BOOKING_ID: 1000, CUSTOMER_ID: 1, AGENCY_ID: 101, CHANNEL_CODE: 'AGY' },
    { BOOKING_ID: 1001, CUSTOMER_ID: 2, AGENCY_ID: 102, CHANNEL_CODE: 'AGY' },
  ],
  'booking.booking_line': [{ BOOKING_ID: 1000, LINE_NO: 1 }, { BOOKING_ID: 1001, LINE_NO: 1 }],
  'booking.booking_guest': [],
};
const accessProducts = ['customer.customer_profile', 'booking.bookings'];
/** A few roles, not every steward: each role is a schema of views, and the emulator is slow to make them. */
const accessRoleNames = ['analyst', 'callcentre', 'engineer', 'agency:101', 'agency:102'];

export function publicationContractSuite(target: PublicationContractTarget): void {
  const title = `publication contract: ${target.name}${target.unavailable ? ` — skipped: ${target.unavailable}` : ''}`;
  describe.skipIf(target.unavailable !== undefined)(title, () => {
    let h: PublicationHarness;
    const rel = (schema: string, name: string) => `${h.dialect.ident(schema)}.${h.dialect.ident(name)}`;
    const id = (name: string) => h.dialect.ident(name);
    const count = async (schema: string, name: string) => Number((await h.read(`SELECT COUNT(*) AS N FROM ${rel(schema, name)}`))[0]!.N);
    // Every adapter keeps every case; the name ties each test to its PublicationCase.
    const caseIt = (_name: PublicationCase, text: string, body: () => Promise<void>) => it(text, body);

    /** A raw table with `_source_position` and `_deleted` lineage columns; rows given as SQL values. */
    async function rawTable(schema: string, name: string, columns: Array<[string, string]>, rows: string[]): Promise<void> {
      const bool = h.dialect.columnType({ name: '_deleted', type: 'BOOLEAN' });
      const text = h.dialect.columnType({ name: '_source_position', type: 'VARCHAR(20)' });
      const defs = [...columns.map(([c, type]) => `${id(c)} ${h.dialect.columnType({ name: c, type })}`), `${id('_source_position')} ${text}`, `${id('_deleted')} ${bool}`];
      await h.exec(`CREATE TABLE ${rel(schema, name)} (${defs.join(', ')})`);
      if (rows.length) await h.exec(`INSERT INTO ${rel(schema, name)} VALUES ${rows.join(', ')}`);
    }

    beforeAll(async () => {
      h = await target.open();
      for (const schema of ['raw_pubc', 'qualified_pubc']) await h.createSchema(schema);
      // stay: raw with a tombstone, and a qualified view leaving it out and upper-casing the note.
      await rawTable('raw_pubc', 'stay', [['STAY_ID', 'BIGINT'], ['NOTE', 'VARCHAR(10)']],
        [`(1, 'a', '0/1', FALSE)`, `(2, 'b', '0/2', FALSE)`, `(3, 'c', '0/3', TRUE)`]);
      await h.exec(`CREATE VIEW ${rel('qualified_pubc', 'stay')} AS SELECT ${id('STAY_ID')}, UPPER(${id('NOTE')}) AS ${id('NOTE')}, ${id('_source_position')}
        FROM ${rel('raw_pubc', 'stay')} WHERE NOT ${id('_deleted')}`);
      // guest: raw only, a tombstone and a NULL flag (live).
      await rawTable('raw_pubc', 'guest', [['GUEST_ID', 'BIGINT'], ['NAME', 'VARCHAR(10)']],
        [`(10, 'x', '0/1', FALSE)`, `(11, 'y', '0/2', TRUE)`, `(12, NULL, '0/3', NULL)`]);
    });
    afterAll(async () => {
      await h?.close();
      await target.cleanup?.();
    });

    const both = [{ domain: 'pubc', table: 'stay' }, { domain: 'pubc', table: 'guest' }];
    const version = (v: number, tables = both, product = 'stays'): ProductVersionTables => ({ domain: 'pubc', product, version: v, tables });

    caseIt('snapshot', 'snapshots from the qualified view when there is one, else raw live rows, without lineage columns; a retry copies nothing', async () => {
      const snap = await h.publication.snapshotProduct(version(1));
      expect(snap.alreadyTaken).toBe(false);
      expect(snap.tables.map(({ table, snapshot, from, rows }) => ({ table, snapshot, from, rows }))).toEqual([
        { table: 'pubc.stay', snapshot: 'published_pubc.stays__stay__v1', from: 'qualified_pubc.stay', rows: 2 },
        { table: 'pubc.guest', snapshot: 'published_pubc.stays__guest__v1', from: 'raw_pubc.guest', rows: 2 },
      ]);
      expect(await h.read(`SELECT * FROM ${rel('published_pubc', 'stays__stay__v1')} ORDER BY 1`)).toEqual([{ STAY_ID: 1, NOTE: 'A' }, { STAY_ID: 2, NOTE: 'B' }]);
      expect(await h.read(`SELECT * FROM ${rel('published_pubc', 'stays__guest__v1')} ORDER BY 1`)).toEqual([{ GUEST_ID: 10, NAME: 'x' }, { GUEST_ID: 12, NAME: null }]);
      expect(await h.publication.snapshotProduct(version(1))).toEqual({ tables: snap.tables, alreadyTaken: true });
      await expect(h.publication.snapshotProduct(version(5, [{ domain: 'pubc', table: 'missing' }]))).rejects.toThrow(
        'product pubc.stays: cannot snapshot pubc.missing: neither qualified_pubc.missing nor raw_pubc.missing exists (backfill the table first)');
    });

    caseIt('promote', 'promotes v1 then v2: readers see exactly the approved snapshot, v2 only once promoted', async () => {
      const snap = await h.publication.snapshotProduct(version(1));
      const first = await h.publication.promoteProduct(version(1));
      expect(first.previousVersion).toBeNull();
      expect(first.views).toEqual(snap.tables.map((t) => ({ table: t.table, view: t.snapshot.replace(/__v1$/, ''), rows: t.rows, checksum: t.checksum })));
      // The source moves on; v2 is snapshotted while readers keep seeing v1.
      await h.exec(`INSERT INTO ${rel('raw_pubc', 'stay')} VALUES (4, 'd', '0/4', FALSE)`);
      const snap2 = await h.publication.snapshotProduct(version(2));
      expect(await count('published_pubc', 'stays__stay')).toBe(2);
      const second = await h.publication.promoteProduct(version(2));
      expect(second.previousVersion).toBe(1);
      expect(second.views.map((v) => v.rows)).toEqual([3, 2]);
      expect(second.views.map((v) => v.checksum)).toEqual(snap2.tables.map((t) => t.checksum));
      expect(second.views[0]!.checksum).not.toBe(first.views[0]!.checksum);
      expect(await count('published_pubc', 'stays__stay')).toBe(3);
      // Listed by table.
      const byTable = [...second.views].sort((a, b) => a.table.localeCompare(b.table));
      expect(await h.publication.publishedProduct({ domain: 'pubc', product: 'stays' })).toEqual({ version: 2, views: byTable });
      // A retried promotion changes nothing readers see.
      expect((await h.publication.promoteProduct(version(2))).views).toEqual(second.views);
      expect(await h.publication.publishedProduct({ domain: 'pubc', product: 'never' })).toEqual({ version: null, views: [] });
    });

    caseIt('table-leaves', 'drops the view of a table that left the product, and refuses a version without snapshots', async () => {
      const stayOnly = [{ domain: 'pubc', table: 'stay' }];
      await h.publication.snapshotProduct(version(3, stayOnly));
      const third = await h.publication.promoteProduct(version(3, stayOnly));
      expect(third.droppedViews).toEqual(['published_pubc.stays__guest']);
      await expect(h.read(`SELECT COUNT(*) AS N FROM ${rel('published_pubc', 'stays__guest')}`)).rejects.toThrow();
      await expect(h.publication.promoteProduct(version(9, stayOnly))).rejects.toThrow(
        'product pubc.stays v9: no snapshot of pubc.stay (expected published_pubc.stays__stay__v9); build the candidate again');
      expect((await h.publication.publishedProduct({ domain: 'pubc', product: 'stays' })).version).toBe(3);
    });

    caseIt('drop-snapshot', 'drops the snapshots of a version that was not published, never those of the served one', async () => {
      const stayOnly = [{ domain: 'pubc', table: 'stay' }];
      await h.publication.snapshotProduct(version(4, stayOnly));
      expect(await h.publication.dropSnapshot(version(4, stayOnly))).toEqual({ dropped: ['published_pubc.stays__stay__v4'] });
      expect(await h.publication.dropSnapshot(version(3, stayOnly))).toEqual({ dropped: [] });
      expect(await count('published_pubc', 'stays__stay')).toBe(3);
    });

    caseIt('retention', 'drops superseded snapshots past their age, never the served version or a newer candidate', async () => {
      const now = Date.now();
      const ago = (days: number) => new Date(now - days * dayMs).toISOString();
      const stayOnly = [{ domain: 'pubc', table: 'stay' }];
      const v = (n: number) => version(n, stayOnly, 'olds');
      for (const n of [1, 2, 3]) {
        await h.publication.snapshotProduct(v(n));
        await h.publication.promoteProduct(v(n));
      }
      await h.publication.snapshotProduct(v(4));
      // v2 replaced v1 100 days ago, v3 replaced v2 10 days ago.
      await h.backdate('pubc', 'olds', 1, ago(200));
      await h.backdate('pubc', 'olds', 2, ago(100));
      await h.backdate('pubc', 'olds', 3, ago(10));
      const input = { domain: 'pubc', product: 'olds', cutoff: ago(30) };
      const v1 = { version: 1, supersededAt: ago(100), snapshots: ['published_pubc.olds__stay__v1'] };
      expect(await h.retention.pruneSnapshots({ ...input, dryRun: true })).toEqual({ servedVersion: 3, dropped: [v1], kept: [2] });
      expect(await count('published_pubc', 'olds__stay__v1')).toBe(3);
      expect(await h.retention.pruneSnapshots(input)).toEqual({ servedVersion: 3, dropped: [v1], kept: [2] });
      await expect(h.read(`SELECT COUNT(*) AS N FROM ${rel('published_pubc', 'olds__stay__v1')}`)).rejects.toThrow();
      expect(await h.retention.pruneSnapshots(input)).toEqual({ servedVersion: 3, dropped: [], kept: [2] });
      // Even an age of one day keeps the served version and the candidate.
      expect((await h.retention.pruneSnapshots({ ...input, cutoff: ago(1) })).dropped.map((d) => d.version)).toEqual([2]);
      expect(await count('published_pubc', 'olds__stay__v4')).toBe(3);
      expect((await h.publication.publishedProduct({ domain: 'pubc', product: 'olds' })).views).toEqual([expect.objectContaining({ rows: 3 })]);
      expect(await h.retention.pruneSnapshots({ ...input, product: 'never' })).toEqual({ servedVersion: null, dropped: [], kept: [] });
    });

    describe('secured views over published products', () => {
      const ctx = accessContextOf(registry);
      const view = (role: string, name: string) => rel(`access_${role.replace(/[:-]/g, '_')}`, name);
      const ids = async (role: string, name: string, column: string) =>
        (await h.read(`SELECT DISTINCT ${id(column)} AS ID FROM ${view(role, name)} ORDER BY 1`)).map((r) => Number(r.ID));
      async function build(product: string, roleNames: string[]) {
        const roles = roleNames.map((r) => parseAccessRole(r, registry.domains.map((d) => d.name)));
        const plan = planProductAccess(ctx, product, roles);
        return h.access.buildAccessViews({ domain: plan.domain, product: plan.product, views: plan.views, sources: plan.sources, key });
      }
      let built: Awaited<ReturnType<typeof build>>;

      beforeAll(async () => {
        if (target.unavailable) return;
        for (const [name, rows] of Object.entries(accessFixture)) {
          const [domain, table] = name.split('.') as [string, string];
          const contract = registry.table(name);
          await h.createSchema(`raw_${domain}`);
          const values = rows.map((row) => `(${contract.columns.map((c) => {
            const value = row[c.name];
            return value === undefined || value === null ? 'NULL' : typeof value === 'number' ? String(value) : h.dialect.literal(value);
          }).join(', ')}, '0', FALSE)`);
          await rawTable(`raw_${domain}`, table, contract.columns.map((c) => [c.name, c.type]), values);
        }
        for (const name of accessProducts) {
          const p = resolveProduct(registry, name);
          const v = { domain: p.domain.name, product: p.product.name, version: 1, tables: p.tables.map((t) => ({ domain: t.split('.')[0]!, table: t.split('.')[1]! })) };
          await h.publication.snapshotProduct(v);
          await h.publication.promoteProduct(v);
        }
        await build('booking.bookings', accessRoleNames);
        built = await build('customer.customer_profile', accessRoleNames);
      });

      caseIt('access-treatments', 'shows each class per role: clear, masked, pseudonymised, hidden; the activity result is a summary', async () => {
        expect(await h.access.agencyIds()).toEqual(['101', '102']);
        const customer = 'customer__customer_profile__customer';
        expect(await h.read(`SELECT ${id('FIRST_NAME')} AS F FROM ${view('callcentre', customer)} WHERE ${id('CUSTOMER_ID')} = 1`)).toEqual([{ F: 'Alice' }]);
        expect(await h.read(`SELECT ${id('FIRST_NAME')} AS F, ${id('LAST_NAME')} AS L FROM ${view('analyst', customer)} WHERE ${id('CUSTOMER_ID')} = 1`))
          .toEqual([{ F: keyedHash(key, 'Alice'), L: keyedHash(key, 'Smith') }]);
        expect(await h.read(`SELECT ${id('FIRST_NAME')} AS F, ${id('BIRTH_DATE_NUM')} AS B FROM ${view('engineer', customer)} WHERE ${id('CUSTOMER_ID')} = 1`))
          .toEqual([{ F: 'A***', B: 1980 }]);
        const contacts = await h.read(`SELECT ${id('CONTACT_VALUE')} AS V FROM ${view('analyst', 'customer__customer_profile__customer_contact')} WHERE ${id('CUSTOMER_ID')} = 1 ORDER BY ${id('CONTACT_ID')}`);
        expect(contacts.map((c) => c.V)).toEqual(['a***@example.org', '**********42']);
        // Sensitive columns are not in the view at all.
        const preference = built.views.find((o) => o.role === 'callcentre' && o.view.endsWith('__customer_preference'))!;
        expect(preference.hidden).toContain('DIETARY_NOTE');
        expect(Object.keys((await h.read(`SELECT * FROM ${view('callcentre', 'customer__customer_profile__customer_preference')}`))[0]!)).not.toContain('DIETARY_NOTE');
        // What the activity returns: agencies counted, not listed.
        const summary = summarizeAccessViews(built);
        expect(summary.agencyViews).toMatchObject({ count: built.views.filter((o) => o.role.startsWith('agency:')).length, agencies: 2 });
        expect(summary.agencyViews.count).toBeGreaterThan(0);
        expect(summary.views.every((o) => !o.role.startsWith('agency:'))).toBe(true);
      });

      caseIt('access-agency', 'shows an agency only the bookings it sold, their lines, and those bookings\' customers', async () => {
        expect(await ids('agency:101', 'booking__bookings__booking', 'BOOKING_ID')).toEqual([1000]);
        expect(await ids('agency:101', 'booking__bookings__booking_line', 'BOOKING_ID')).toEqual([1000]);
        expect(await ids('agency:101', 'customer__customer_profile__customer', 'CUSTOMER_ID')).toEqual([1]);
        expect(await ids('agency:101', 'customer__customer_profile__customer_contact', 'CONTACT_ID')).toEqual([10, 11]);
        expect(await ids('agency:102', 'booking__bookings__booking', 'BOOKING_ID')).toEqual([1001]);
        expect(await ids('agency:102', 'customer__customer_profile__customer', 'CUSTOMER_ID')).toEqual([2]);
      });

      caseIt('access-stale', 'a rebuild drops the views of a role that no longer reads the product', async () => {
        const rebuilt = await build('customer.customer_profile', accessRoleNames.filter((r) => r !== 'engineer'));
        expect(rebuilt.dropped.sort()).toEqual(['customer', 'customer_address', 'customer_contact', 'customer_preference']
          .map((t) => `access_engineer.customer__customer_profile__${t}`));
        await expect(h.read(`SELECT COUNT(*) AS N FROM ${view('engineer', 'customer__customer_profile__customer')}`)).rejects.toThrow();
        expect(await ids('analyst', 'customer__customer_profile__customer', 'CUSTOMER_ID')).toEqual([1, 2]);
        // Not published yet: nothing is built, and the reason says so.
        expect((await build('payment.payments', ['analyst'])).skipped).toMatch(/^not published yet: no published view of payment\.payment/);
      });
    });
  });
}

