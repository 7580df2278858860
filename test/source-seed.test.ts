import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../domains/index.js';
import { qualifiedSourceName, quoteIdent } from '../cli/source/ddl.js';
import { seedSource, SeedRefusedError, type SeedResult } from '../cli/source/seed.js';
import { simulate, type SimulatedCommit, type SimulateResult } from '../cli/source/simulate.js';
import { testConfig } from './support/temporal.js';

/** The demo source on the real PostgreSQL of the stack, in a database of its own that is dropped afterwards. */

const adminUrl = testConfig().FACTORY_SOURCE_URL;
const database = `factory_source_test_${process.pid}`;
const url = adminUrl.replace(/\/[^/?]+(\?|$)/, `/${database}$1`);
const scale = 0.005;

async function withAdmin<T>(f: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** For every `references` of the contracts: how many non-null values have no row in the referenced table. */
async function unresolvedReferences(client: pg.Client): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const { domain, table } of registry.allTables()) {
    for (const column of table.columns) {
      if (!column.references) continue;
      const [d, t, target] = column.references.split('.');
      const parent = registry.table(`${d}.${t}`);
      const sql = `SELECT count(*)::int AS n FROM ${qualifiedSourceName(table)} c WHERE c.${quoteIdent(column.name)} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ${qualifiedSourceName(parent)} p WHERE p.${quoteIdent(target!)} = c.${quoteIdent(column.name)})`;
      const n = (await client.query<{ n: number }>(sql)).rows[0]!.n;
      found[`${domain.name}.${table.name}.${column.name}`] = n;
    }
  }
  return found;
}

describe('demo source seed and change simulator on PostgreSQL', () => {
  let client: pg.Client;
  let seeded: SeedResult;

  beforeAll(async () => {
    await withAdmin(async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
      await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
    });
    seeded = await seedSource({ url, registry, scale, seed: 3 });
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
  });

  it('loads every declared table with the row count it reports', async () => {
    expect(seeded.tables.map((t) => t.table).sort()).toEqual(registry.allTables().map((e) => `${e.domain.name}.${e.table.name}`).sort());
    for (const result of seeded.tables) {
      const table = registry.table(result.table);
      const n = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedSourceName(table)}`)).rows[0]!.n;
      expect(n, result.table).toBe(result.rows);
    }
    expect(seeded.tables.find((t) => t.table === 'booking.booking')!.rows).toBe(2_000);
    expect(seeded.bookingRows).toBe(seeded.tables.filter((t) => t.table.startsWith('booking.booking')).filter((t) => /booking(_line)?$/.test(t.table)).reduce((n, t) => n + t.rows, 0));
  });

  it('resolves every reference of the contracts (anti-join finds nothing)', async () => {
    const unresolved = await unresolvedReferences(client);
    expect(Object.keys(unresolved).length).toBeGreaterThan(50);
    expect(Object.entries(unresolved).filter(([, n]) => n > 0)).toEqual([]);
  });

  it('keeps CHAR blank padding and tells NULL from the empty string', async () => {
    const padded = await client.query<{ bytes: number; text: string }>(`SELECT octet_length("TITLE_CODE") AS bytes, "TITLE_CODE" || '|' AS text FROM "CUST"."CUSTOMER" WHERE "TITLE_CODE" = 'MR' LIMIT 1`);
    expect(padded.rows[0]!.bytes).toBe(4);
    const streets = await client.query<{ nulls: number; empties: number }>(
      `SELECT count(*) FILTER (WHERE "STREET_LINE_2" IS NULL)::int AS nulls, count(*) FILTER (WHERE "STREET_LINE_2" = '')::int AS empties FROM "CUST"."CUST_ADDRESS"`,
    );
    expect(streets.rows[0]!.nulls).toBeGreaterThan(0);
    expect(streets.rows[0]!.empties).toBeGreaterThan(0);
  });

  it('gives booking_line a composite primary key and exchange_rate a unique index as replica identity, without primary key', async () => {
    const pk = await client.query<{ columns: string[] }>(
      `SELECT array_agg(a.attname ORDER BY k.ord)::text[] AS columns FROM pg_constraint c
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.conrelid = '"BOOK"."BOOKING_LINE"'::regclass AND c.contype = 'p'`,
    );
    expect(pk.rows[0]!.columns).toEqual(['BOOKING_ID', 'LINE_NO']);
    const rate = await client.query<{ pks: number; unique_replica: number; ident: string }>(
      `SELECT (SELECT count(*)::int FROM pg_constraint WHERE conrelid = t.oid AND contype = 'p') AS pks,
              (SELECT count(*)::int FROM pg_index WHERE indrelid = t.oid AND indisunique AND indisreplident) AS unique_replica,
              t.relreplident::text AS ident
       FROM pg_class t WHERE t.oid = '"REFD"."EXCH_RATE"'::regclass`,
    );
    expect(rate.rows[0]).toEqual({ pks: 0, unique_replica: 1, ident: 'i' });
  });

  it('analyzes the tables, so row estimates are there for the backfill', async () => {
    const estimate = await client.query<{ reltuples: number }>(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = '"BOOK"."BOOKING"'::regclass`);
    expect(estimate.rows[0]!.reltuples).toBe(2_000);
  });

  it('refuses to seed a seeded database without reset, naming the schemas', async () => {
    await expect(seedSource({ url, registry, scale, seed: 3 })).rejects.toThrow(SeedRefusedError);
    await expect(seedSource({ url, registry, scale, seed: 3 })).rejects.toThrow(/already has demo schemas .*BOOK.* — run with --reset/);
  });

  it('simulates inserts, updates and deletes that keep every reference resolved', async () => {
    const count = async (table: string) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedSourceName(registry.table(table))}`)).rows[0]!.n;
    const maxId = async () => Number((await client.query<{ m: string }>('SELECT max("BOOKING_ID")::text AS m FROM "BOOK"."BOOKING"')).rows[0]!.m);
    const [bookingsBefore, maxBefore] = [await count('booking.booking'), await maxId()];
    const result: SimulateResult = await simulate({ url, rate: 200, seconds: 3, seed: 5, registry });
    expect(result.operations.total).toBeGreaterThan(0);
    expect(result.operations.inserts).toBeGreaterThan(0);
    expect(result.operations.deletes).toBeGreaterThan(0);
    const booking = result.tables['booking.booking']!;
    expect(booking.inserts).toBeGreaterThan(0);
    expect(booking.deletes).toBeGreaterThan(0);
    expect(await count('booking.booking')).toBe(bookingsBefore + booking.inserts - booking.deletes);
    expect(await maxId()).toBeGreaterThan(maxBefore);
    const unresolved = await unresolvedReferences(client);
    expect(Object.entries(unresolved).filter(([, n]) => n > 0)).toEqual([]);
  });

  it('paces by rows changed and reports each commit with the bookings it left visible to customer-360', async () => {
    const commits: SimulatedCommit[] = [];
    const result = await simulate({ url, rate: 300, pace: 'rows', seconds: 2, seed: 8, registry, onCommit: (c) => commits.push(c) });
    const perTable = Object.values(result.tables).reduce((n, c) => n + c.inserts + c.updates + c.deletes, 0);
    expect(result.rowsChanged).toBe(perTable);
    expect(commits.reduce((n, c) => n + c.rows, 0)).toBe(result.rowsChanged);
    const visible = commits.flatMap((c) => c.bookings);
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((b) => b.status === 'O' || b.status === 'C')).toBe(true);
    // Each as the source holds it, unless a later operation of the run changed or deleted it.
    const last = new Map(visible.map((b) => [b.bookingId, b]));
    const { rows } = await client.query<{ id: string; customer: string; status: string; amount: string }>(
      'SELECT "BOOKING_ID"::text AS id, "CUSTOMER_ID"::text AS customer, "STATUS_CODE" AS status, "TOTAL_AMOUNT"::text AS amount FROM "BOOK"."BOOKING" WHERE "BOOKING_ID" = ANY($1::int8[])', [[...last.keys()]]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.customer).toBe(last.get(row.id)!.customerId);
    const unchanged = rows.filter((r) => r.status === last.get(r.id)!.status && Number(r.amount) === Number(last.get(r.id)!.totalAmount));
    expect(unchanged.length).toBeGreaterThan(0);
  });
});
