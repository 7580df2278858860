import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { tableKey, type TableContract } from '../contracts/contract.js';
import { parseSourceType } from '../contracts/source-types.js';
import { createServingReads } from '../connectors/serving-store/reads.js';
import { servingTable } from '../connectors/serving-store/sql.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import { parseAccessRole } from '../core/access/policy.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { writeBatch, type TestChange } from '../test/support/serving.js';
import { round, say } from './lib/measure.js';

/**
 * Customer-360 from the serving store (PostgreSQL), as the API serves it.
 *
 * - factory: `customer360()` as the call centre (policy rendered in SQL: treatments, hidden columns,
 *   the payments section refused by the declared policy), `--concurrency` callers for `--seconds`,
 *   over `--customers` synthetic customers (3 bookings, 3 payments, a contact, a case and a consent
 *   each): p50/p95/p99 and requests/s.
 * - baseline: a hand-written query of the same sections (customer, contacts, active bookings,
 *   payments, open cases, consents; every column, no policy) on the same store and pool, same
 *   concurrency and duration; a prepared statement, as customer-360's are.
 * - freshness: changes to bookings applied through the store's change apply (the path change capture
 *   takes) at `--change-rate` per second for `--freshness-seconds`, in 100 ms micro-batches; for one
 *   change of each batch, the time from its creation (the source commit, as the decoder would see it)
 *   until customer-360 shows it. It starts at the batch, not at the database: Debezium and Kafka's
 *   share is measured by the cdc bench.
 *   Not over HTTP yet: the console server signs callers in through a browser session.
 *
 * Run: npm run bench -- serve --concurrency 50 --seconds 60 --json
 */

const baseUrl = process.env.FACTORY_SERVING_URL ?? 'postgres://factory:factory@127.0.0.1:55432/factory_serving';

/** Rows per customer of each table customer-360 reads. */
const perCustomer: Record<string, number> = {
  'customer.customer': 1, 'customer.customer_contact': 1, 'booking.booking': 3, 'payment.payment': 3, 'customer_service.service_case': 1, 'marketing.consent': 1,
};

function valueSql(table: TableContract, column: TableContract['columns'][number], counts: Map<string, number>): string {
  const key = tableKey(table);
  if (column.references) {
    const target = column.references.split('.').slice(0, 2).join('.');
    const rows = counts.get(target);
    if (rows) return `((i % ${rows}) + 1)`;
  }
  if (key[0] === column.name) return 'i';
  if (table.name === 'booking' && column.name === 'STATUS_CODE') return `(ARRAY['C','O','X'])[(i % 3) + 1]`;
  if (table.name === 'service_case' && column.name === 'STATUS') return `(ARRAY['open','closed'])[(i % 2) + 1]`;
  const t = parseSourceType(column.type);
  switch (t.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': return '(i % 30000)';
    case 'DECIMAL': return column.encoding === 'yyyymmdd' ? '19800101' : `((i % 100000) / 100.0)`;
    case 'CHAR': case 'GRAPHIC': return `left('ABCDEFGHIJKL', ${t.length ?? 1})`;
    case 'DATE': return `date '2026-01-01' + (i % 365)`;
    case 'TIMESTAMP': return `timestamp '2026-01-01' + (i % 100000) * interval '1 minute'`;
    case 'BOOLEAN': return 'true';
    case 'VARCHAR': case 'VARGRAPHIC': return `left('v' || i || '@example.org', ${t.length ?? 10})`;
    default: return `'v' || i`;
  }
}

async function populate(store: ServingStore, customers: number): Promise<void> {
  const counts = new Map(Object.entries(perCustomer).map(([t, n]) => [t, n * customers]));
  for (const [qualified, rows] of counts) {
    const table = registry.table(qualified);
    await store.ensureTable({ domain: qualified.split('.')[0]!, table });
    const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
    const values = table.columns.map((c) => valueSql(table, c, counts)).join(', ');
    await store.pool.query(`INSERT INTO ${servingTable(qualified)} (${columns}, "_position", "_load_id")
      SELECT ${values}, 'pg:0000000000000001:0000000000000000:0', 'bench' FROM generate_series(1, ${rows}) AS g(i)`);
    await store.pool.query(`ANALYZE ${servingTable(qualified)}`);
  }
}

/** The baseline: customer-360's sections by hand, every column as stored, no policy. */
const baselineSql = (() => {
  const t = (q: string) => servingTable(q);
  const section = (sql: string) => `(SELECT coalesce(json_agg(s), '[]'::json) FROM (${sql}) AS s)`;
  return `SELECT ${[
    section(`SELECT * FROM ${t('customer.customer')} WHERE "CUSTOMER_ID" = $1 AND NOT "_deleted" LIMIT 1`),
    section(`SELECT * FROM ${t('customer.customer_contact')} WHERE "CUSTOMER_ID" = $1 AND NOT "_deleted" ORDER BY "CONTACT_ID" LIMIT 20`),
    section(`SELECT * FROM ${t('booking.booking')} WHERE "CUSTOMER_ID" = $1 AND "STATUS_CODE" IN ('O', 'C') AND NOT "_deleted" ORDER BY "ARRIVAL_DATE" DESC, "BOOKING_ID" LIMIT 50`),
    section(`SELECT * FROM ${t('payment.payment')} WHERE "BOOKING_ID" IN (SELECT "BOOKING_ID" FROM ${t('booking.booking')} WHERE "CUSTOMER_ID" = $1 AND NOT "_deleted") AND NOT "_deleted" ORDER BY "PAYMENT_ID" DESC LIMIT 50`),
    section(`SELECT * FROM ${t('customer_service.service_case')} WHERE "CUSTOMER_ID" = $1 AND "STATUS" IN ('open', 'waiting') AND NOT "_deleted" ORDER BY "OPENED_TS" DESC LIMIT 50`),
    section(`SELECT * FROM ${t('marketing.consent')} WHERE "CUSTOMER_ID" = $1 AND NOT "_deleted" ORDER BY "PURPOSE_CODE" LIMIT 20`),
  ].join(', ')}`;
})();

interface LoadResult { requests: number; seconds: number; p50: number; p95: number; p99: number }

async function load(concurrency: number, seconds: number, customers: number, call: (id: string) => Promise<unknown>): Promise<LoadResult> {
  // Warm-up, not measured: every pooled connection prepares its statement, caches fill.
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => { for (let n = 0; n < 20; n++) await call(String(1 + ((i * 20 + n) % customers))); }));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const id = String(1 + Math.floor(Math.random() * customers));
      const t0 = performance.now();
      await call(id);
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { requests: sorted.length, seconds: elapsed, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Booking changes through the store's change apply, and the time until customer-360 shows each sampled one. */
async function freshness(store: ServingStore, read: (id: string) => Promise<{ bookings: { readable: boolean; rows?: Array<Record<string, unknown>> } }>,
  customers: number, rate: number, seconds: number, dir: string): Promise<{ changes: number; p50: number; p99: number; max: number }> {
  const booking = registry.table('booking.booking');
  const bookings = customers * perCustomer['booking.booking']!;
  const perBatch = Math.max(1, Math.round(rate / 10));
  const lags: number[] = [];
  const probes: Promise<void>[] = [];
  let changes = 0;
  let commit = 2;
  const started = performance.now();
  for (let batch = 0; performance.now() - started < seconds * 1000; batch++) {
    const due = started + batch * 100;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const createdAt = performance.now();
    const batchChanges: TestChange[] = [];
    let probe: { customer: string; booking: string; amount: string } | undefined;
    for (let n = 0; n < perBatch; n++) {
      // Bookings whose id is 1 mod 3 are confirmed ('C'): they show in customer-360's active bookings.
      const id = 3 * Math.floor(Math.random() * (bookings / 3)) + 1;
      const customer = String(((id % customers) + 1));
      const amount = `${commit}.${String(n % 100).padStart(2, '0')}`;
      const position = `pg:${commit.toString(16).toUpperCase().padStart(16, '0')}:${n.toString(16).toUpperCase().padStart(16, '0')}:1`;
      batchChanges.push({ op: 'u', position, values: { BOOKING_ID: String(id), CUSTOMER_ID: customer, STATUS_CODE: 'C', TOTAL_AMOUNT: amount, ARRIVAL_DATE: '2026-06-01' } });
      probe ??= { customer, booking: String(id), amount };
      changes++;
    }
    commit++;
    const file = writeBatch(dir, `batch-${batch}.csv`, booking, batchChanges);
    await store.applyChanges({ domain: 'booking', table: booking, file });
    const sample = probe!;
    probes.push((async () => {
      for (;;) {
        const view = await read(sample.customer);
        if (view.bookings.rows?.some((r) => r.BOOKING_ID === sample.booking && r.TOTAL_AMOUNT === sample.amount)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      lags.push(performance.now() - createdAt);
    })());
  }
  await Promise.all(probes);
  const sorted = lags.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { changes, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      concurrency: { type: 'string', default: '50' }, seconds: { type: 'string', default: '60' }, customers: { type: 'string', default: '20000' },
      'change-rate': { type: 'string', default: '1000' }, 'freshness-seconds': { type: 'string', default: '10' }, json: { type: 'boolean', default: false },
    },
  });
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  const customers = Number(values.customers);
  const rate = Number(values['change-rate']);
  const name = `factory_bench_serve_${process.pid}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-serve-'));
  // Connections are what PostgreSQL serves in parallel; callers beyond them queue, in both phases alike.
  const store = await openServingStore({ url: url.toString(), served: servedTables(registry.domains), maxConnections: Math.min(concurrency, 16) });
  try {
    say(`populating ${customers} customers…`);
    await populate(store, customers);
    const reads = createServingReads({ store, access: accessContextOf(registry), pseudonymKey: new Uint8Array(32).fill(1) });
    const callcentre = parseAccessRole('callcentre', registry.domains.map((d) => d.name));
    say(`factory: customer360() at ${concurrency} concurrent for ${seconds} s…`);
    const factory = await load(concurrency, seconds, customers, (id) => reads.customer360(id, callcentre));
    say(`baseline: the hand-written query at ${concurrency} concurrent for ${seconds} s…`);
    const baseline = await load(concurrency, seconds, customers, (id) => store.pool.query({ name: 'baseline_customer360', text: baselineSql, values: [id] }));
    say(`freshness: ${rate} changes/s for ${values['freshness-seconds']} s…`);
    const fresh = await freshness(store, (id) => reads.customer360(id, callcentre) as never, customers, rate, Number(values['freshness-seconds']), dir);
    const line = {
      bench: 'serve', customers, concurrency, seconds,
      factory_requests_s: round(factory.requests / factory.seconds, 1), factory_p50_ms: round(factory.p50), factory_p95_ms: round(factory.p95), factory_p99_ms: round(factory.p99),
      baseline_requests_s: round(baseline.requests / baseline.seconds, 1), baseline_p50_ms: round(baseline.p50), baseline_p95_ms: round(baseline.p95), baseline_p99_ms: round(baseline.p99),
      ratio: round((factory.requests / factory.seconds) / (baseline.requests / baseline.seconds), 3),
      freshness_change_rate: rate, freshness_changes: fresh.changes, freshness_p50_ms: round(fresh.p50), freshness_p99_ms: round(fresh.p99), freshness_max_ms: round(fresh.max),
      freshness_scope: 'decoded batch → store apply → visible in customer360 (Debezium and Kafka not included)',
      http: 'not measured: customer-360 is timed through the reads, not through the console server (its sign-in needs a browser session)',
    };
    console.log(JSON.stringify(line));
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: baseUrl.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}
