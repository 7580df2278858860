import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createQualityActivities } from '../activities/quality/index.js';
import { IngestPipeline } from '../connectors/cdc/pipeline.js';
import { createDuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import type { QualityStore } from '../connectors/warehouse/quality-port.js';
import { createKafka } from '../connectors/kafka/client.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { bookingFix } from '../test/support/cdc-contracts.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { parseConfig } from '../core/config.js';
import { gateStatus, type QualityRuleOutcome } from '../core/quality-report.js';
import type { TableContract } from '../contracts/contract.js';
import { loadDomains, registry } from '../domains/index.js';
import { runPool } from '../workflows/lib/pool.js';
import { warehouseCapabilities } from '../workers/capabilities.js';
import { customersFor, ensureBookingSource, flawedBookings } from './lib/booking-source.js';
import { produceBacklog, waitForLag, Workload } from './lib/cdc-workload.js';
import { round, say, timed } from './lib/measure.js';
import { rawTransfer } from './lib/raw-transfer.js';
import { benchDatabase } from './lib/source-db.js';
import { benchWarehouse, type BenchWarehouse } from './lib/warehouse.js';

/**
 * What quality gates cost, in one run on one machine, on the booking domain's own contract
 * (domains/booking.ts, table booking.booking: its 17 rules cover every rule kind) over a generated
 * source shaped like BOOK.BOOKING, with CUST.CUSTOMER and DIST.CHANNEL for its references rules
 * (bench/lib/booking-source.ts). The booking domain's other tables (lines, guests, history) are
 * not generated: their rules are more of the same kinds on other tables.
 *
 * - `checks_s`: wall-clock seconds for the full rule set of booking.booking on the `rows`-row table
 *   inside DuckDB, through the quality gate's own activities (createQualityActivities, in a mock
 *   activity context: no Temporal server): read the baselines, every rule's check (runQualityCheck:
 *   SQL pushed down, one result row back) with the gate's default concurrency of 4, store the
 *   report. It runs on the table the gates-on backfill below left (quarantined rows are tombstones,
 *   not live). The source's count and checksum the reconciliation rules compare with is PostgreSQL's
 *   work, not DuckDB's (the gate has a source worker take it alongside): it is taken before the
 *   timer starts and reported as `source_stats_s`.
 * - `backfill_overhead`: (gates on ÷ gates off) − 1 of the wall time of the same source table
 *   backfilled through the warehouse port's load path (bench/lib/raw-transfer.ts: the backfill
 *   workflow's steps in one process, prepareLoad to swapIn), once with the contract stripped of
 *   its quality rules and once as declared, where quarantineLoad moves the rows failing its four
 *   quarantine rules (about 0.17% of the source) out of the load before the swap. With
 *   `--repeat n`, n pairs in alternating order, and the fastest run of each side counts.
 * - `cdc_overhead`: (gates on ÷ gates off) − 1 of the wall time the ingest pipeline takes to apply
 *   the same backlog of Debezium events (the CDC bench's fixture table; one row image in 500 breaks
 *   a rule) into DuckDB at full speed, once with the fixture contract and once with a variant
 *   carrying quarantine row rules of the kinds booking's has. Both pipelines first apply a warm-up
 *   prefix of the stream, so group joins and first-batch costs stay out of the timing; the backlog
 *   comes in `--cdc-rounds` parts, each drained by both in alternating order, times summed.
 *
 * Exactness: each backfill ends with live + open quarantined rows equal to the source in count and
 * checksum (tableStats), and the gates-on load quarantined exactly the flawed source rows; the checks
 * of the quarantine rules find none of them live (or, where nothing was quarantined, exactly them);
 * each change-capture run ends equal to the state the events describe.
 *
 * `--warehouse bigquery` (the local emulator unless GOOGLE_CLOUD_PROJECT names a project, see
 * bench/lib/warehouse.ts) runs the backfills and the checks on BigQuery. Where the warehouse has no
 * row quarantine, the backfill runs once, gates off, and the checks run over every source row
 * (backfill_overhead is null); the change-capture comparison runs on DuckDB only (its two lanes
 * are DuckDB files of their own). What was left out is listed in `skipped`.
 */

/** The CDC fixture table with quarantine rules of the kinds booking.booking declares (not_null, accepted_values, range, format). */
const gatedFix: TableContract = loadDomains([{
  name: 'benchcdc',
  description: 'quality benchmark: the CDC fixture table with quarantine rules',
  dpo: { id: 'dpo.bench', name: 'Bench Owner' },
  tables: [{
    ...bookingFix,
    qualityRules: [
      { id: 'fix_required', kind: 'not_null', columns: ['BOOKING_ID', 'CHANNEL_CODE', 'AMOUNT', 'UPDATED_TS'], severity: 'block', quarantine: true },
      { id: 'fix_channel_known', kind: 'accepted_values', column: 'CHANNEL_CODE', values: ['WEB', 'AG', 'TEL'], severity: 'block', quarantine: true },
      { id: 'fix_amount_range', kind: 'range', column: 'AMOUNT', min: 0, max: 100_000_000, severity: 'block', quarantine: true },
      { id: 'fix_channel_format', kind: 'format', column: 'CHANNEL_CODE', format: 'regex', pattern: '[A-Z]{2,3}', severity: 'block', quarantine: true },
    ],
  }],
}]).table('benchcdc.booking_fix');

const booking = registry.table('booking.booking');

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string', default: '1000000' },
      'chunk-rows': { type: 'string', default: '500000' },
      repeat: { type: 'string', default: '1' },
      backlog: { type: 'string', default: '100000' },
      'cdc-rounds': { type: 'string', default: '4' },
      warmup: { type: 'string', default: '2000' },
      'check-concurrency': { type: 'string', default: '4' },
      warehouse: { type: 'string', default: 'duckdb' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const chunkRows = Number(values['chunk-rows']);
  const repeat = Math.max(1, Number(values.repeat));
  const config = parseConfig(process.env);
  const url = await benchDatabase(config.FACTORY_SOURCE_URL);
  await ensureBookingSource(url, rows);
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-quality-'));
  const target = benchWarehouse(values.warehouse, config, dir);
  const gatesOn = warehouseCapabilities[target.kind].includes('quarantine');
  const skipped: string[] = [];
  if (!gatesOn) skipped.push(`backfill_overhead: ${target.kind} has no row quarantine, so the backfill runs gates off only`);
  try {
    const source = createPostgresSource({ url, system: booking.source.system });
    const stats = await timed(() => source.tableChecksum({ ref: { schema: 'BOOK', table: 'BOOKING' }, checksumColumns: checksumColumnsOf(booking) }));
    await source.close();
    const expected = stats.result;
    const flawed = await flawedBookings(url);
    const same = (a: { rows: number; checksum: string }) => a.rows === expected.rows && a.checksum === expected.checksum;

    const backfills: Backfilled[] = [];
    for (let r = 0; r < (gatesOn ? repeat : 1); r++) {
      // Odd repetitions swap the order, so neither side always runs on a colder machine.
      const sides = gatesOn ? (r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) : (['off'] as const);
      for (const gates of sides) {
        say(`(1.${backfills.length + 1}) backfill of ${rows.toLocaleString('en')} bookings into ${target.kind}, gates ${gates}`);
        // The table the checks run on: the last gates-on load, or the only load where there is no quarantine.
        const keep = (gates === 'on' || !gatesOn) && r === (gatesOn ? repeat - 1 : 0);
        const done = await backfillOnce({ url, dir, target, chunkRows, gates, keep });
        say(`    ${round(done.seconds)} s${gates === 'on' ? `, ${done.quarantined} rows quarantined in ${round(done.quarantineSeconds)} s` : ''}`);
        backfills.push(done);
      }
    }
    // Background load only ever adds time: the fastest run of each side is the least disturbed.
    const fastest = (gates: 'on' | 'off') => Math.min(...backfills.filter((b) => b.gates === gates).map((b) => b.seconds));
    const backfillExact = expected.rows === rows && backfills.every((b) => same(b.stats) && same(b.validated)
      && (b.gates === 'off' || (b.quarantined === flawed && b.open === flawed)));
    const quarantined = backfills.find((b) => b.gates === 'on');

    say(`(2) full rule set of booking.booking inside ${target.kind}, on the ${gatesOn ? 'gates-on' : 'loaded'} table`);
    const warehouse = await target.open(keptName);
    let checks;
    try {
      for (const [domain, name] of [['customer', 'customer'], ['distribution', 'channel']] as const) {
        await rawTransfer({ url, warehouse, domain, table: registry.table(`${domain}.${name}`), stagingDir: join(dir, 'staging'), chunkRows, loadId: `parent_${Date.now().toString(36)}` });
      }
      const store = warehouse.provides.qualityStore;
      if (!store) throw new Error(`warehouse ${target.kind} has no quality store`);
      checks = await runChecks(store, target.kind, expected, Number(values['check-concurrency']));
    } finally {
      await warehouse.close();
    }
    const slowest = checks.result.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    // The quarantine rules' checks find exactly the flawed rows where they were loaded, none where quarantine moved them out.
    const quarantineRules = new Set(booking.qualityRules.filter((r) => 'quarantine' in r && r.quarantine).map((r) => r.id));
    const rowRuleFailing = checks.result.filter((r) => quarantineRules.has(r.ruleId)).reduce((sum, r) => sum + (r.failing ?? 0), 0);
    const checksExact = rowRuleFailing === (gatesOn ? 0 : flawed);
    const unmeasured = checks.result.filter((r) => Object.keys(r.measured).length === 0);
    say(`    ${round(checks.seconds)} s for ${checks.result.length} rules, gate ${gateStatus(checks.result)}`);
    for (const r of checks.result) say(`      ${r.ruleId.padEnd(32)} ${r.status.padEnd(5)} ${String(round(r.durationMs / 1000)).padStart(6)} s  ${r.detail}`);

    const rounds = Math.max(1, Number(values['cdc-rounds']));
    let cdc: Awaited<ReturnType<typeof cdcRuns>> | undefined;
    if (target.kind === 'duckdb') {
      say(`(3) change capture: ${values.backlog} events in ${rounds} backlogs, each applied at full speed with gates off and on`);
      cdc = await cdcRuns({ brokers: config.KAFKA_BROKERS, dir, warmup: Number(values.warmup), backlog: Number(values.backlog), rounds });
      say(`    off ${round(cdc.off.seconds)} s, on ${round(cdc.on.seconds)} s, ${cdc.quarantinedOpen} open in quarantine of ${cdc.flawed} flawed row images`);
    } else {
      skipped.push(`cdc_overhead: measured on duckdb only (bench cdc --warehouse ${target.kind} measures change capture there)`);
    }

    const exact = backfillExact && checksExact && (cdc?.exact ?? true);
    const line = {
      bench: 'quality',
      warehouse: values.warehouse,
      rows,
      checks_s: round(checks.seconds),
      backfill_overhead: gatesOn ? round(fastest('on') / fastest('off') - 1, 3) : null,
      cdc_overhead: cdc ? round(cdc.on.seconds / cdc.off.seconds - 1, 3) : null,
      rules: checks.result.length,
      rule_kinds: new Set(checks.result.map((r) => r.kind)).size,
      gate_status: gateStatus(checks.result),
      rules_blocking: checks.result.filter((r) => r.status === 'block').length,
      rules_unmeasured: unmeasured.length,
      row_rule_failing: rowRuleFailing,
      slowest_rule: slowest.ruleId,
      slowest_rule_s: round(slowest.durationMs / 1000),
      source_stats_s: round(stats.seconds),
      customers: customersFor(rows),
      backfill_repeat: repeat,
      backfill_off_rows_s: Math.round(rows / fastest('off')),
      backfill_on_rows_s: gatesOn ? Math.round(rows / fastest('on')) : null,
      quarantined_rows: quarantined?.quarantined ?? null,
      quarantine_step_s: quarantined ? round(quarantined.quarantineSeconds) : null,
      cdc_events: cdc?.off.events ?? null,
      cdc_off_events_s: cdc ? Math.round(cdc.off.events / cdc.off.seconds) : null,
      cdc_on_events_s: cdc ? Math.round(cdc.on.events / cdc.on.seconds) : null,
      cdc_flawed_images: cdc?.flawed ?? null,
      cdc_quarantined_open: cdc?.quarantinedOpen ?? null,
      skipped,
      exact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!exact || unmeasured.length > 0) process.exitCode = 1;
  } finally {
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The DuckDB file name (bench/lib/warehouse.ts) of the table the checks run on; BigQuery has one project per run. */
const keptName = 'on';

interface Backfilled {
  gates: 'on' | 'off';
  seconds: number;
  validated: { rows: number; checksum: string };
  /** Live plus open quarantined rows after the swap. */
  stats: { rows: number; checksum: string };
  quarantined: number;
  quarantineSeconds: number;
  open: number;
}

/**
 * One backfill of BOOK.BOOKING into a warehouse of its own: gates off with the contract stripped
 * of its quality rules, gates on with booking.booking as declared. A DuckDB file is deleted
 * afterwards (10M rows take disk) unless `keep`: the checks run on that table (`on.duckdb`). On
 * BigQuery every backfill swaps into the run's one `raw_booking.booking`, under a load id of its own.
 */
async function backfillOnce(input: { url: string; dir: string; target: BenchWarehouse; chunkRows: number; gates: 'on' | 'off'; keep: boolean }): Promise<Backfilled> {
  const { url, dir, target, chunkRows, gates } = input;
  const name = input.keep ? keptName : `${gates}-${Date.now()}`;
  const table: TableContract = gates === 'on' ? booking : { ...booking, qualityRules: [] };
  const warehouse = await target.open(name);
  try {
    const { seconds, result } = await rawTransfer({
      url, warehouse, domain: 'booking', table, stagingDir: join(dir, 'staging'), chunkRows,
      loadId: `gates_${gates}_${Date.now().toString(36)}`, quarantine: gates === 'on',
    });
    const stats = await warehouse.tableStats({ domain: 'booking', table });
    const open = gates === 'on' ? (await warehouse.provides.quarantine!.quarantineSummary({ domain: 'booking', table })).open : 0;
    return { gates, seconds, validated: result.validated, stats, quarantined: result.quarantined, quarantineSeconds: result.quarantineSeconds, open };
  } finally {
    await warehouse.close();
    const path = join(dir, `${name}.duckdb`);
    if (!input.keep && target.kind === 'duckdb') await Promise.all([rm(path, { force: true }), rm(`${path}.wal`, { force: true })]);
  }
}

/** Every rule of booking.booking through the quality gate's activities, as the qualityGate workflow calls them. */
async function runChecks(warehouse: QualityStore, dialect: BenchWarehouse['kind'], source: { rows: number; checksum: string }, concurrency: number) {
  const activities = createQualityActivities({ registry, warehouse, dialect });
  // One mock context per call, as each activity attempt has its own.
  const inContext = <I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> => new MockActivityEnvironment().run(fn, input);
  const where = { domain: 'booking', table: 'booking' };
  return timed(async () => {
    const started = Date.now();
    const now = new Date(started).toISOString();
    const { baselines } = await inContext(activities.qualityBaselines, { tables: [where] });
    const results: QualityRuleOutcome[] = await runPool(booking.qualityRules, concurrency, (rule) => {
      const baseline = baselines.find((b) => b.ruleId === rule.id);
      return inContext(activities.runQualityCheck, {
        ...where, ruleId: rule.id, now, ...(baseline ? { baseline: baseline.metrics } : {}), ...(rule.kind === 'reconciliation' ? { source } : {}),
      });
    });
    await inContext(activities.storeQualityReport, {
      reportId: `bench-${started}`, product: 'booking.bench', domain: 'booking', status: gateStatus(results), results, durationMs: Date.now() - started, checkedAt: now,
    });
    return results;
  });
}

interface Drained { events: number; seconds: number }

/**
 * One stream of change events, applied by two pipelines (each its own consumer and warehouse):
 * the fixture contract (gates off) and gatedFix (gates on). The backlog comes in `rounds` parts;
 * each part is drained by both, in alternating order, so slow drifts of the machine's load fall on
 * both sides alike. Times and events add up over the rounds.
 */
async function cdcRuns(input: { brokers: string[]; dir: string; warmup: number; backlog: number; rounds: number }) {
  const { dir, rounds } = input;
  const kafka = createKafka({ brokers: input.brokers, clientId: 'bench-quality' });
  const stamp = Date.now().toString(36);
  const topic = `benchq${stamp}.${bookingFix.source.schema}.${bookingFix.source.table}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const workload = new Workload({ flawEvery: 500 });
  const lanes = await Promise.all((['off', 'on'] as const).map(async (gates) => {
    const stagingDir = join(dir, `cdc-${gates}`);
    await mkdir(stagingDir, { recursive: true });
    const warehouse = await createDuckDbWarehouse({ path: join(stagingDir, 'cdc.duckdb') });
    const table = gates === 'on' ? gatedFix : bookingFix;
    const pipeline = new IngestPipeline({ kafka, warehouse, consumer: `benchq.${stamp}.${gates}`, topics: [{ topic, domain: 'benchcdc', table, sourceSystem: 'pg' }], stagingDir });
    return { gates, warehouse, table, pipeline, drained: { events: 0, seconds: 0 } as Drained };
  }));
  try {
    await produceBacklog(producer, topic, workload, input.warmup);
    for (const { pipeline } of lanes) {
      await pipeline.start();
      pipeline.lease();
      await waitForLag(pipeline, 0, 120_000);
      await pipeline.release();
    }
    for (let r = 0; r < rounds; r++) {
      const part = Math.floor(input.backlog / rounds) + (r < input.backlog % rounds ? 1 : 0);
      await produceBacklog(producer, topic, workload, part);
      for (const lane of r % 2 ? [...lanes].reverse() : lanes) {
        lane.pipeline.lease();
        const { seconds } = await timed(() => waitForLag(lane.pipeline, 0, 600_000, 20));
        const stats = await lane.pipeline.release();
        if (stats.deadLettered > 0) throw new Error(`change capture dead-lettered ${stats.deadLettered} events of ${topic}: expected none`);
        lane.drained.events += stats.events;
        lane.drained.seconds += seconds;
      }
    }
    const state = workload.expected();
    const landed = await Promise.all(lanes.map(({ warehouse, table }) => warehouse.tableStats({ domain: 'benchcdc', table })));
    const summary = await lanes[1]!.warehouse.quarantineSummary({ domain: 'benchcdc', table: gatedFix });
    const [off, on] = lanes.map((l) => l.drained) as [Drained, Drained];
    const exact = off.events === input.backlog && on.events === input.backlog
      && landed.every((l) => l.rows === state.rows && l.checksum === state.checksum);
    return { off, on, exact, flawed: workload.flawed, quarantinedOpen: summary.open };
  } finally {
    for (const { pipeline, warehouse } of lanes) {
      await pipeline.stop();
      await warehouse.close();
    }
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
