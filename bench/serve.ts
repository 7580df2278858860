import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServingReads } from '../connectors/serving-store/reads.js';
import { servingTable } from '../connectors/serving-store/sql.js';
import { openServingStore } from '../connectors/serving-store/store.js';
import { createKafka } from '../connectors/kafka/client.js';
import { parseAccessRole } from '../core/access/policy.js';
import { parseConfig, type Config } from '../core/config.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { identityEnv } from '../test/support/identity.js';
import { createScratchDatabase } from '../test/support/postgres.js';
import { pseudonymKey } from '../workers/worker.js';
import { freshnessFromSource, type Customer360Body } from './lib/serve-freshness.js';
import { runHttpLoad } from './lib/http-load.js';
import { round, say } from './lib/measure.js';
import { summarize, type LatencySummary } from './lib/percentiles.js';
import { signIn, startConsole } from './lib/serve-http.js';
import { backfillServed, seedServeSource, startCapture } from './lib/serve-source.js';
import { benchWarehouse } from './lib/warehouse.js';

/**
 * Customer-360 as the call centre gets it, and how fresh it is after a change at the source.
 *
 * Set-up: a scratch source seeded by `factory source seed` (`--scale`, 0.15 ≈ 20,000 customers and
 * 60,000 bookings), a Debezium connector of the run's own on it, the served tables backfilled into a
 * serving store of the run's own, the ingest pipeline of the booking domain applying into DuckDB
 * behind the store (as the warehouse worker does for products with `serving: 'realtime'`), and the
 * console as `factory console` builds it, in this process on a free port. A call-centre agent
 * (`--user`) signs in through the IdP's code + PKCE flow, scripted as a browser does it.
 *
 * - factory: `GET /api/customers/:id/360` over HTTP with the agent's session (sign-in check, role,
 *   policy rendered in SQL, the audit row every customer-360 writes, JSON), `--concurrency`
 *   keep-alive callers on a thread of their own for `--seconds`: p50/p95/p99 and requests/s.
 * - baseline: a hand-written query of the same sections (every column, no policy, no audit) as a
 *   prepared statement on the same store and pool, same concurrency and duration, in this process.
 * - reads (`--reads`): `customer360()` called in-process, to tell the HTTP layer's share from the query's.
 * - freshness: `factory source simulate` changes the source at `--change-rate` rows a second for
 *   `--freshness-seconds`; up to three bookings of each committed transaction that customer-360 shows
 *   (a new option, or a booking confirmed at a new amount) are polled over HTTP every `--probe-ms` until
 *   they show: time from the source's COMMIT to the answer that shows it (Debezium, Kafka, decoding, the
 *   store's apply, the API). A probe the source changed again before it showed is left out (superseded).
 *
 * Run: npm run bench -- serve --concurrency 50 --seconds 60 --json
 */

/** The stack's identity settings when the environment has none (as the tests take them). */
function benchConfig(): Config {
  if (process.env.OIDC_DISCOVERY_URL) return parseConfig(process.env);
  const identity = identityEnv();
  return parseConfig({ ...process.env, OIDC_DISCOVERY_URL: identity.discoveryUrl, OIDC_ISSUER: identity.issuer, OIDC_AUDIENCE: identity.audience });
}

async function getCustomer360(baseUrl: string, cookie: string, id: string): Promise<Customer360Body> {
  const response = await fetch(`${baseUrl}/api/customers/${id}/360`, { headers: { cookie } });
  const body = (await response.json()) as Customer360Body;
  if (response.status !== 200) throw new Error(`GET /api/customers/${id}/360: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body;
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

/** In-process callers (baseline and --reads): the same shape as the HTTP callers' loop. */
async function load(concurrency: number, seconds: number, ids: number[], call: (id: string) => Promise<unknown>): Promise<LatencySummary & { requestsS: number }> {
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => { for (let n = 0; n < 20; n++) await call(String(ids[(i * 20 + n) % ids.length])); }));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const id = String(ids[Math.floor(Math.random() * ids.length)]);
      const t0 = performance.now();
      await call(id);
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  return { ...summarize(latencies), requestsS: latencies.length / elapsed };
}

const figures = (prefix: string, s: LatencySummary & { requestsS: number }) => ({
  [`${prefix}_requests_s`]: round(s.requestsS, 1), [`${prefix}_p50_ms`]: round(s.p50), [`${prefix}_p95_ms`]: round(s.p95), [`${prefix}_p99_ms`]: round(s.p99),
});

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      concurrency: { type: 'string', default: '50' }, seconds: { type: 'string', default: '60' }, scale: { type: 'string', default: '0.15' },
      'change-rate': { type: 'string', default: '1000' }, 'freshness-seconds': { type: 'string', default: '60' }, 'probe-ms': { type: 'string', default: '25' },
      user: { type: 'string', default: 'agent.mila' }, reads: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    },
  });
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  const changeRate = Number(values['change-rate']);
  const cfg = benchConfig();
  const stamp = `${process.pid}${Date.now().toString(36).slice(-4)}`;
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-serve-'));
  const source = await createScratchDatabase(cfg.FACTORY_SOURCE_URL, `factory_bench_serve_${stamp}`);
  const cleanup: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true }), () => source.drop()];
  try {
    await seedServeSource(source.url, Number(values.scale));
    // The store on the serving server, named after the source (createScratchDatabase's drop removes it too).
    const storeUrl = new URL(cfg.FACTORY_SERVING_URL);
    storeUrl.pathname = `/factory_bench_serve_${stamp}_serving`;
    // Connections are what PostgreSQL serves in parallel; callers beyond them queue, in every phase alike.
    const store = await openServingStore({ url: storeUrl.toString(), served: servedTables(registry.domains), maxConnections: Math.min(concurrency, 16) });
    cleanup.unshift(() => store.close());
    const target = benchWarehouse('duckdb', cfg, dir);
    const warehouse = await target.open('serve');
    cleanup.unshift(() => warehouse.close());
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'bench-serve' });
    // The slot exists before the backfill records its position: no change falls between the two.
    const capture = await startCapture({ connectUrl: cfg.KAFKA_CONNECT_URL, sourceUrl: source.url, topicPrefix: `bserve${stamp}`, kafka, store, warehouse, dir: join(dir, 'cdc') });
    cleanup.unshift(() => capture.stop());
    const customer360Tables = ['customer.customer', 'customer.customer_contact', 'booking.booking', 'payment.payment', 'customer_service.service_case', 'marketing.consent'];
    say('backfilling the served tables customer-360 reads into the serving store…');
    const backfilled = await backfillServed({ sourceUrl: source.url, store, tables: customer360Tables, dir: join(dir, 'backfill') });
    const ids = (await store.pool.query<{ id: string }>(`SELECT "CUSTOMER_ID"::text AS id FROM ${servingTable('customer.customer')} WHERE NOT "_deleted"`)).rows.map((r) => Number(r.id));

    const reads = createServingReads({ store, access: accessContextOf(registry), pseudonymKey: pseudonymKey(cfg) });
    const served = await startConsole(cfg, reads);
    cleanup.unshift(() => served.close());
    const { cookie, me } = await signIn(cfg, served, values.user);
    say(`console on ${served.baseUrl}; ${me.user} signed in through the IdP with roles ${me.roles.join(', ')}; ${ids.length} customers, ${backfilled} rows served`);

    say(`factory: GET /api/customers/:id/360 over HTTP at ${concurrency} concurrent for ${seconds} s…`);
    const http = await runHttpLoad({ baseUrl: served.baseUrl, cookie, pathTemplate: '/api/customers/:id/360', ids, concurrency, seconds, warmupPerCaller: 20 });
    const factory = { ...summarize(http.latencies), requestsS: http.latencies.length / http.seconds };
    const failed = Object.entries(http.statuses).filter(([status]) => status !== '200').reduce((n, [, count]) => n + count, 0);
    let inProcess: (LatencySummary & { requestsS: number }) | undefined;
    if (values.reads) {
      say(`reads: customer360() in-process at ${concurrency} concurrent for ${seconds} s…`);
      const role = parseAccessRole('callcentre', registry.domains.map((d) => d.name));
      inProcess = await load(concurrency, seconds, ids, (id) => reads.customer360(id, role));
    }
    say(`baseline: the hand-written prepared query at ${concurrency} concurrent for ${seconds} s…`);
    const baseline = await load(concurrency, seconds, ids, (id) => store.pool.query({ name: 'baseline_customer360', text: baselineSql, values: [id] }));

    say(`freshness: ${changeRate} source rows changed a second for ${values['freshness-seconds']} s…`);
    const fresh = await freshnessFromSource({
      sourceUrl: source.url, read: (id) => getCustomer360(served.baseUrl, cookie, id), changeRate, seconds: Number(values['freshness-seconds']), probeMs: Number(values['probe-ms']), pipeline: capture.pipeline,
    });
    const line = {
      bench: 'serve', customers: ids.length, concurrency, seconds,
      ...figures('factory', factory), factory_failed: failed,
      ...(inProcess ? figures('reads', inProcess) : {}),
      ...figures('baseline', baseline),
      ratio: round(factory.requestsS / baseline.requestsS, 3), ratio_p95: round(factory.p95 / baseline.p95, 2),
      change_rate: changeRate, changes_s: round(fresh.changesS, 1), operations_s: round(fresh.operationsS, 1),
      freshness_samples: fresh.latency.count, freshness_p50_ms: round(fresh.latency.p50), freshness_p99_ms: round(fresh.latency.p99), freshness_max_ms: round(fresh.latency.max),
      freshness_superseded: fresh.superseded, freshness_missed: fresh.missed, dead_lettered: fresh.deadLettered,
      factory_path: 'HTTP GET /api/customers/:id/360, signed-in session (code + PKCE), policy, audit row, JSON',
      freshness_scope: 'source COMMIT (PostgreSQL) → Debezium → Kafka → ingest pipeline → serving store → visible over HTTP',
    };
    if (served.errors.length) say(`console errors: ${JSON.stringify(served.errors.slice(0, 3))}`);
    if (failed > 0 || fresh.missed > 0) process.exitCode = 1;
    console.log(values.json ? JSON.stringify(line) : line);
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}
