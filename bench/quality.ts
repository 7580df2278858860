import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createQualityActivities } from '../activities/quality/index.js';
import { IngestPipeline } from '../connectors/cdc/pipeline.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { createKafka } from '../connectors/kafka/client.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { bookingFix } from '../core/cdc/test-contracts.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { parseConfig } from '../core/config.js';
import { gateStatus, type QualityRuleOutcome } from '../core/quality-report.js';
import type { TableContract } from '../domains/contract.js';
import { loadDomains, registry } from '../domains/index.js';
import { runPool } from '../workflows/lib/pool.js';
import { customersFor, ensureBookingSource, flawedBookings } from './lib/booking-source.js';
import { produceBacklog, waitForLag, Workload } from './lib/cdc-workload.js';
import { round, say, timed } from './lib/measure.js';
import { rawTransfer } from './lib/raw-transfer.js';
import { benchDatabase } from './lib/source-db.js';

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
 *   not live). The source-side count and checksum the reconciliation rules compare with is taken
 *   before (in the gate, by a source worker, concurrently) and reported as `source_stats_s`.
 * - `backfill_overhead`: (gates on ÷ gates off) − 1 of the wall time of the same source table
 *   backfilled through the warehouse port's load path (bench/lib/raw-transfer.ts: the backfill
 *   workflow's steps in one process, prepareLoad to swapIn), once with the contract stripped of
 *   its quality rules and once as declared, where quarantineLoad moves the rows failing its four
 *   quarantine rules (about 0.17% of the source) out of the load before the swap.
 * - `cdc_overhead`: (gates on ÷ gates off) − 1 of the wall time the ingest pipeline takes to apply
 *   the same backlog of Debezium events (the CDC bench's fixture table; one change in 500 breaks a
 *   rule) into DuckDB at full speed, once with the fixture contract and once with a variant carrying
 *   quarantine row rules of the same kinds as booking's. Both pipelines first apply a warm-up prefix
 *   of the stream, so group joins and first-batch costs stay out of the timing.
 *
 * Exactness: each backfill ends with live + open quarantined rows equal to the source in count and
 * checksum (tableStats), and the gates-on load quarantined exactly the flawed source rows; each
 * change-capture run ends equal to the state the events describe.
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
      'chunk-rows': { type: 'string', default: '250000' },
      backlog: { type: 'string', default: '100000' },
      warmup: { type: 'string', default: '2000' },
      'check-concurrency': { type: 'string', default: '4' },
      warehouse: { type: 'string', default: 'duckdb' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.warehouse !== 'duckdb') throw new Error(`--warehouse: only duckdb is available so far, got '${values.warehouse}'`);
  const rows = Number(values.rows);
  const chunkRows = Number(values['chunk-rows']);
  const config = parseConfig(process.env);
  const url = await benchDatabase(config.FACTORY_SOURCE_URL);
  await ensureBookingSource(url, rows);
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-quality-'));
  try {
    const source = createPostgresSource({ url, system: booking.source.system });
    const stats = await timed(() => source.tableChecksum({ ref: { schema: 'BOOK', table: 'BOOKING' }, checksumColumns: checksumColumnsOf(booking) }));
    await source.close();
    const expected = stats.result;
    const flawed = await flawedBookings(url);

    say(`(1) backfill of ${rows.toLocaleString('en')} bookings, gates off (no quality rules)`);
    const off = await backfillOff(url, dir, chunkRows);
    say(`    ${round(off.seconds)} s`);
    say('(2) the same, gates on (quarantineLoad between validation and swap)');
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'on.duckdb') });
    try {
      const on = await rawTransfer({ url, warehouse, domain: 'booking', table: booking, stagingDir: join(dir, 'staging'), chunkRows, loadId: 'gates_on', quarantine: true });
      const onStats = await warehouse.tableStats({ domain: 'booking', table: booking });
      const open = (await warehouse.quarantineSummary({ domain: 'booking', table: booking })).open;
      say(`    ${round(on.seconds)} s, ${on.result.quarantined} rows quarantined in ${round(on.result.quarantineSeconds)} s`);

      say('(3) full rule set of booking.booking inside DuckDB');
      for (const [domain, name] of [['customer', 'customer'], ['distribution', 'channel']] as const) {
        const table = registry.table(`${domain}.${name}`);
        await rawTransfer({ url, warehouse, domain, table, stagingDir: join(dir, 'staging'), chunkRows, loadId: 'parent' });
      }
      const checks = await runChecks(warehouse, expected, Number(values['check-concurrency']));
      const slowest = checks.result.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      const unmeasured = checks.result.filter((r) => Object.keys(r.measured).length === 0);
      say(`    ${round(checks.seconds)} s for ${checks.result.length} rules, gate ${gateStatus(checks.result)}, slowest ${slowest.ruleId} ${round(slowest.durationMs / 1000)} s`);
      for (const r of checks.result) say(`      ${r.ruleId.padEnd(32)} ${r.status.padEnd(5)} ${String(round(r.durationMs / 1000)).padStart(6)} s  ${r.detail}`);

      say(`(4) change capture: ${values.backlog} events applied at full speed, gates off then on`);
      const cdc = await cdcRuns(config.KAFKA_BROKERS, dir, Number(values.warmup), Number(values.backlog));
      say(`    off ${round(cdc.off.seconds)} s, on ${round(cdc.on.seconds)} s, ${cdc.quarantinedOpen} open in quarantine of ${cdc.flawed} flawed images`);

      const same = (a: { rows: number; checksum: string }) => a.rows === expected.rows && a.checksum === expected.checksum;
      const exact = expected.rows === rows && same(off.stats) && same(onStats) && same(on.result.validated)
        && on.result.quarantined === flawed && open === flawed && cdc.exact;
      const line = {
        bench: 'quality',
        warehouse: values.warehouse,
        rows,
        checks_s: round(checks.seconds),
        backfill_overhead: round(on.seconds / off.seconds - 1, 3),
        cdc_overhead: round(cdc.on.seconds / cdc.off.seconds - 1, 3),
        rules: checks.result.length,
        rule_kinds: new Set(checks.result.map((r) => r.kind)).size,
        gate_status: gateStatus(checks.result),
        rules_blocking: checks.result.filter((r) => r.status === 'block').length,
        rules_unmeasured: unmeasured.length,
        slowest_rule: slowest.ruleId,
        slowest_rule_s: round(slowest.durationMs / 1000),
        source_stats_s: round(stats.seconds),
        customers: customersFor(rows),
        backfill_off_rows_s: Math.round(rows / off.seconds),
        backfill_on_rows_s: Math.round(rows / on.seconds),
        quarantined_rows: on.result.quarantined,
        quarantine_step_s: round(on.result.quarantineSeconds),
        cdc_events: cdc.off.events,
        cdc_off_events_s: Math.round(cdc.off.events / cdc.off.seconds),
        cdc_on_events_s: Math.round(cdc.on.events / cdc.on.seconds),
        cdc_flawed_images: cdc.flawed,
        cdc_quarantined_open: cdc.quarantinedOpen,
        exact,
      };
      console.log(values.json ? JSON.stringify(line) : line);
      if (!exact || unmeasured.length > 0) process.exitCode = 1;
    } finally {
      await warehouse.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The gates-off backfill in a warehouse of its own, deleted afterwards (10M rows take disk). */
async function backfillOff(url: string, dir: string, chunkRows: number) {
  const path = join(dir, 'off.duckdb');
  const warehouse = await createDuckDbWarehouse({ path });
  const ungated: TableContract = { ...booking, qualityRules: [] };
  try {
    const { seconds } = await rawTransfer({ url, warehouse, domain: 'booking', table: ungated, stagingDir: join(dir, 'staging'), chunkRows, loadId: 'gates_off' });
    return { seconds, stats: await warehouse.tableStats({ domain: 'booking', table: ungated }) };
  } finally {
    await warehouse.close();
    await rm(path, { force: true });
    await rm(`${path}.wal`, { force: true });
  }
}

/** Every rule of booking.booking through the quality gate's activities, as the qualityGate workflow calls them. */
async function runChecks(warehouse: DuckDbWarehouse, source: { rows: number; checksum: string }, concurrency: number) {
  const activities = createQualityActivities({ registry, warehouse, dialect: 'duckdb' });
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
 * One backlog of change events, applied by two pipelines (each its own consumer and warehouse):
 * the fixture contract (gates off) and gatedFix (gates on), one after the other.
 */
async function cdcRuns(brokers: string[], dir: string, warmup: number, backlog: number) {
  const kafka = createKafka({ brokers, clientId: 'bench-quality' });
  const stamp = Date.now().toString(36);
  const topic = `benchq${stamp}.${bookingFix.source.schema}.${bookingFix.source.table}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const workload = new Workload({ flawEvery: 500 });
  const lanes = await Promise.all((['off', 'on'] as const).map(async (mode) => {
    const stagingDir = join(dir, `cdc-${mode}`);
    await mkdir(stagingDir, { recursive: true });
    const warehouse = await createDuckDbWarehouse({ path: join(stagingDir, 'cdc.duckdb') });
    const table = mode === 'on' ? gatedFix : bookingFix;
    const pipeline = new IngestPipeline({ kafka, warehouse, consumer: `benchq.${stamp}.${mode}`, topics: [{ topic, domain: 'benchcdc', table, sourceSystem: 'pg' }], stagingDir });
    return { mode, warehouse, table, pipeline };
  }));
  try {
    await produceBacklog(producer, topic, workload, warmup);
    for (const { pipeline } of lanes) {
      await pipeline.start();
      pipeline.lease();
      await waitForLag(pipeline, 0, 120_000);
      await pipeline.release();
    }
    await produceBacklog(producer, topic, workload, backlog);
    const drained: Drained[] = [];
    for (const { pipeline } of lanes) {
      pipeline.lease();
      const { seconds } = await timed(() => waitForLag(pipeline, 0, 600_000));
      const stats = await pipeline.release();
      if (stats.deadLettered > 0) throw new Error(`change capture dead-lettered ${stats.deadLettered} events of ${topic}: expected none`);
      drained.push({ events: stats.events, seconds });
    }
    const state = workload.expected();
    const landed = await Promise.all(lanes.map(({ warehouse, table }) => warehouse.tableStats({ domain: 'benchcdc', table })));
    const summary = await lanes[1]!.warehouse.quarantineSummary({ domain: 'benchcdc', table: gatedFix });
    const [off, on] = drained as [Drained, Drained];
    const exact = off.events === on.events && landed.every((l) => l.rows === state.rows && l.checksum === state.checksum);
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
