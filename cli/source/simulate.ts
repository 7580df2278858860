import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { registry as declaredRegistry } from '../../domains/index.js';
import { qualifiedName, type TableEntry } from '../../domains/dependencies.js';
import { stepsInto } from './cascade.js';
import { qualifiedSourceName, quoteIdent } from './ddl.js';
import { RowCursor } from './generate.js';
import { planSeed, type TablePlan } from './plan.js';
import { Rng } from './prng.js';
import { readSeedParameters, cascadeRoot } from './seed.js';
import type { Value } from './values.js';

/**
 * `factory source simulate`: the booking application at work — new bookings with their lines,
 * status changes, re-priced lines, cancellations deleted with everything that hangs off them — at
 * about `rate` operations per second, in one small transaction per 100 ms tick. New ids start above
 * the maximum read at start, so it never collides with seeded rows and can run during a backfill.
 */

export interface SimulateOptions {
  url: string;
  rate: number;
  /** Stop after this long; without it, run until `signal` aborts. */
  seconds?: number;
  seed?: number;
  /** Percentages of inserts, updates and deletes (default 50 / 40 / 10). */
  mix?: { insert: number; update: number; delete: number };
  signal?: AbortSignal;
  registry?: { allTables(): TableEntry[] };
  tickMs?: number;
  /**
   * What `rate` counts: operations (default; one operation changes several rows) or rows changed,
   * the events change capture sees — a benchmark asking for N changes a second means rows.
   */
  pace?: 'operations' | 'rows';
  /** Told after each committed tick, with the bookings it left visible to customer-360 (the serve bench samples them). */
  onCommit?: (commit: SimulatedCommit) => void;
}

/** A booking a tick left in a state customer-360 shows (option or confirmed), with its lead booker. */
export interface VisibleBooking {
  bookingId: string;
  customerId: string;
  status: 'O' | 'C';
  /** TOTAL_AMOUNT as written, e.g. '1234.50'. */
  totalAmount: string;
}

export interface SimulatedCommit {
  /** Date.now() right after COMMIT returned. */
  committedAt: number;
  /** Rows changed by the tick, all tables. */
  rows: number;
  bookings: VisibleBooking[];
}

export interface TableCounts {
  inserts: number;
  updates: number;
  deletes: number;
}

export interface SimulateResult {
  /** Rows changed per table, '<domain>.<table>'. */
  tables: Record<string, TableCounts>;
  operations: { inserts: number; updates: number; deletes: number; total: number };
  /** Rows changed, all tables (the events change capture sees). */
  rowsChanged: number;
  seconds: number;
  achievedRate: number;
}

const bookingName = 'booking.booking';
const lineName = 'booking.booking_line';
const historyName = 'booking.booking_status_history';
const guestName = 'booking.booking_guest';
const q = quoteIdent;

class Clock {
  private last = 0;
  /** Current time to the microsecond, strictly increasing, so (BOOKING_ID, CHANGED_TS) stays unique. */
  now(): string {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    const ms = Math.floor(this.last / 1000);
    return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${String(this.last % 1_000_000).padStart(6, '0')}`;
  }
}

class Simulator {
  readonly tables: Record<string, TableCounts> = {};
  readonly ops = { inserts: 0, updates: 0, deletes: 0, total: 0 };
  private readonly rng: Rng;
  private readonly clock = new Clock();
  private readonly cursors = new Map<string, RowCursor>();
  /** Bookings of the tick in progress that customer-360 would show (see takeVisible). */
  private visible: VisibleBooking[] = [];
  rowsChanged = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly registry: { allTables(): TableEntry[] },
    private readonly plans: Map<string, TablePlan>,
    private readonly plan: ReturnType<typeof planSeed>,
    seed: number,
    private nextBookingId: number,
    private readonly firstBookingId: number,
  ) {
    this.rng = new Rng(`simulate:${seed}`);
  }

  private count(table: string, kind: keyof TableCounts, n: number): void {
    const counts = (this.tables[table] ??= { inserts: 0, updates: 0, deletes: 0 });
    counts[kind] += n;
    this.rowsChanged += n;
  }

  /** The visible bookings recorded since the last call (one tick's). */
  takeVisible(): VisibleBooking[] {
    const taken = this.visible;
    this.visible = [];
    return taken;
  }

  private tp(name: string): TablePlan {
    const tp = this.plans.get(name);
    if (!tp) throw new Error(`table ${name} is not declared — the simulator expects the booking domain's tables`);
    return tp;
  }

  private async insertRow(name: string, key: Record<string, string>, overrides: Record<string, Value> = {}): Promise<Record<string, Value>> {
    const tp = this.tp(name);
    let cursor = this.cursors.get(name);
    if (!cursor) {
      cursor = new RowCursor(this.plan, tp, new Rng(`simulate:${name}:${this.rng.u32()}`));
      this.cursors.set(name, cursor);
    }
    const values = cursor.make(key);
    const columns = tp.table.columns.map((c) => c.name);
    const now = this.clock.now();
    columns.forEach((c, i) => {
      if (c in overrides) values[i] = overrides[c]!;
      else if (c === 'CREATED_TS' || c === 'UPDATED_TS') values[i] = now;
    });
    const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
    await this.client.query(`INSERT INTO ${qualifiedSourceName(tp.table)} (${columns.map(q).join(', ')}) VALUES (${placeholders})`, values);
    this.count(name, 'inserts', 1);
    return Object.fromEntries(columns.map((c, i) => [c, values[i]!]));
  }

  /** An existing booking id at or after a random point (bookings may have been deleted). */
  private async someBooking(): Promise<string | undefined> {
    const from = this.firstBookingId + this.rng.int(Math.max(1, this.nextBookingId - this.firstBookingId));
    const table = qualifiedSourceName(this.tp(bookingName).table);
    const found = await this.client.query<{ id: string }>(`SELECT "BOOKING_ID"::text AS id FROM ${table} WHERE "BOOKING_ID" >= $1 ORDER BY "BOOKING_ID" LIMIT 1`, [from]);
    return found.rows[0]?.id;
  }

  private async history(bookingId: string, oldStatus: string | null, newStatus: string): Promise<void> {
    if (!this.plans.has(historyName)) return;
    const now = this.clock.now();
    await this.insertRow(historyName, { BOOKING_ID: bookingId, CHANGED_TS: now }, { OLD_STATUS: oldStatus, NEW_STATUS: newStatus });
  }

  /** One operation, drawn from the mix. */
  async one(mix: { insert: number; update: number; delete: number }, total: number): Promise<void> {
    this.ops.total++;
    const r = this.rng.next() * total;
    if (r < mix.insert) await this.insert();
    else if (r < mix.insert + mix.update) await this.update();
    else await this.delete();
  }

  async insert(): Promise<void> {
    this.ops.inserts++;
    const existing = this.rng.chance(0.3) ? await this.someBooking() : undefined;
    if (existing !== undefined) {
      const lines = qualifiedSourceName(this.tp(lineName).table);
      const next = await this.client.query<{ n: number }>(`SELECT COALESCE(MAX("LINE_NO"), 0) + 1 AS n FROM ${lines} WHERE "BOOKING_ID" = $1`, [existing]);
      await this.insertRow(lineName, { BOOKING_ID: existing, LINE_NO: String(next.rows[0]!.n) });
      return;
    }
    const id = String(this.nextBookingId++);
    const booking = await this.insertRow(bookingName, { BOOKING_ID: id }, { STATUS_CODE: 'O' });
    if (booking.CUSTOMER_ID && booking.TOTAL_AMOUNT) this.visible.push({ bookingId: id, customerId: booking.CUSTOMER_ID, status: 'O', totalAmount: booking.TOTAL_AMOUNT });
    const lineCount = this.rng.range(1, 3);
    for (let n = 1; n <= lineCount; n++) await this.insertRow(lineName, { BOOKING_ID: id, LINE_NO: String(n) }, { STATUS_CODE: 'C' });
    if (this.plans.has(guestName)) await this.insertRow(guestName, { BOOKING_ID: id, GUEST_SEQ: '1' });
    await this.history(id, null, 'O');
  }

  async update(): Promise<void> {
    this.ops.updates++;
    const id = await this.someBooking();
    if (id === undefined) return;
    const now = this.clock.now();
    if (this.rng.chance(0.6)) {
      const status = this.rng.pick(['C', 'C', 'X', 'T']);
      const amount = `${this.rng.int(5000)}.${String(this.rng.int(100)).padStart(2, '0')}`;
      const updated = await this.client.query<{ old: string; customer: string }>(
        `UPDATE ${qualifiedSourceName(this.tp(bookingName).table)} b SET "STATUS_CODE" = $2, "TOTAL_AMOUNT" = $3, "UPDATED_TS" = $4
         FROM (SELECT "STATUS_CODE" AS old FROM ${qualifiedSourceName(this.tp(bookingName).table)} WHERE "BOOKING_ID" = $1) o
         WHERE b."BOOKING_ID" = $1 RETURNING o.old, b."CUSTOMER_ID"::text AS customer`,
        [id, status, amount, now],
      );
      this.count(bookingName, 'updates', updated.rowCount ?? 0);
      if (status === 'C' && updated.rows[0]) this.visible.push({ bookingId: id, customerId: updated.rows[0].customer, status, totalAmount: amount });
      if (updated.rows[0]) await this.history(id, updated.rows[0].old, status);
      return;
    }
    const updated = await this.client.query(
      `UPDATE ${qualifiedSourceName(this.tp(lineName).table)} SET "QUANTITY" = $2::int2, "LINE_AMOUNT" = GREATEST(0, $2::int2 * "UNIT_PRICE" - "DISCOUNT_AMOUNT"), "UPDATED_TS" = $3
       WHERE "BOOKING_ID" = $1 AND "LINE_NO" = (SELECT MIN("LINE_NO") FROM ${qualifiedSourceName(this.tp(lineName).table)} WHERE "BOOKING_ID" = $1)`,
      [id, this.rng.range(1, 4), now],
    );
    this.count(lineName, 'updates', updated.rowCount ?? 0);
  }

  async delete(): Promise<void> {
    this.ops.deletes++;
    const id = await this.someBooking();
    if (id === undefined) return;
    await this.cascadeDelete(cascadeRoot, `"BOOKING_ID" = $1`, [id]);
  }

  /** Deletes rows of `name` matching `where`, after their dependants (deleted, or their reference set to NULL). */
  private async cascadeDelete(name: string, where: string, params: unknown[]): Promise<void> {
    const table = qualifiedSourceName(this.tp(name).table);
    for (const step of stepsInto(this.registry, name)) {
      const child = qualifiedName(step.entry);
      const matching = `${q(step.column)} IN (SELECT ${q(step.targetColumn)} FROM ${table} WHERE ${where})`;
      if (step.setNull) {
        const touch = step.entry.table.columns.some((c) => c.name === 'UPDATED_TS') ? `, "UPDATED_TS" = '${this.clock.now()}'` : '';
        const result = await this.client.query(`UPDATE ${qualifiedSourceName(step.entry.table)} SET ${q(step.column)} = NULL${touch} WHERE ${matching}`, params);
        this.count(child, 'updates', result.rowCount ?? 0);
      } else {
        await this.cascadeDelete(child, matching, params);
      }
    }
    const result = await this.client.query(`DELETE FROM ${table} WHERE ${where}`, params);
    this.count(name, 'deletes', result.rowCount ?? 0);
  }
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const registry = options.registry ?? declaredRegistry;
  if (!(options.rate > 0)) throw new Error(`rate ${options.rate} — expected operations per second above 0`);
  const mix = options.mix ?? { insert: 50, update: 40, delete: 10 };
  const mixTotal = mix.insert + mix.update + mix.delete;
  if (!(mixTotal > 0)) throw new Error('mix — expected insert, update and delete percentages that add up to more than 0');
  const tickMs = options.tickMs ?? 100;

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const plans = new Map(registry.allTables().map((e) => [qualifiedName(e), e] as const));
    const booking = plans.get(bookingName);
    if (!booking) throw new Error(`table ${bookingName} is not declared — the simulator changes bookings`);
    const params = await readSeedParameters(client, booking.table.source.schema);
    if (!params) throw new Error(`schema ${booking.table.source.schema} at FACTORY_SOURCE_URL was not made by 'factory source seed' — run it first`);
    const plan = planSeed(registry, params);
    const bounds = await client.query<{ min: string | null; max: string | null }>(`SELECT MIN("BOOKING_ID")::text AS min, MAX("BOOKING_ID")::text AS max FROM ${qualifiedSourceName(booking.table)}`);
    const first = Number(bounds.rows[0]?.min ?? 1);
    const next = Number(bounds.rows[0]?.max ?? 0) + 1;
    const sim = new Simulator(client, registry, plan.byName, plan, options.seed ?? 1, next, first);

    const started = performance.now();
    const deadline = options.seconds === undefined ? Infinity : started + options.seconds * 1000;
    const done = () => (options.pace === 'rows' ? sim.rowsChanged : sim.ops.total);
    while (!options.signal?.aborted && performance.now() < deadline) {
      const due = Math.floor((options.rate * (performance.now() - started)) / 1000) - done();
      if (due > 0) {
        // Never more than a second's worth in one transaction, so a slow tick does not snowball.
        const target = done() + Math.min(due, Math.max(1, Math.ceil(options.rate)));
        const rowsBefore = sim.rowsChanged;
        await client.query('BEGIN');
        try {
          while (done() < target) await sim.one(mix, mixTotal);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        const bookings = sim.takeVisible();
        options.onCommit?.({ committedAt: Date.now(), rows: sim.rowsChanged - rowsBefore, bookings });
      }
      await sleep(tickMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
    const seconds = (performance.now() - started) / 1000;
    return { tables: sim.tables, operations: { ...sim.ops }, rowsChanged: sim.rowsChanged, seconds, achievedRate: sim.ops.total / seconds };
  } finally {
    await client.end();
  }
}

/** The end-of-run summary: operations, achieved rate, rows changed per table. */
export function formatSimulateSummary(result: SimulateResult): string {
  const { inserts, updates, deletes, total } = result.operations;
  const lines = [
    `simulated ${total} operations in ${result.seconds.toFixed(1)} s (${result.achievedRate.toFixed(1)} ops/s): ${inserts} inserts, ${updates} updates, ${deletes} deletes`,
    'rows changed per table (inserted / updated / deleted):',
  ];
  for (const [table, c] of Object.entries(result.tables).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${table.padEnd(36)} ${String(c.inserts).padStart(7)} ${String(c.updates).padStart(7)} ${String(c.deletes).padStart(7)}`);
  }
  return lines.join('\n');
}
