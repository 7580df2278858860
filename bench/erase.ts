import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createLoadTableSql } from '../connectors/duckdb/load-sql.js';
import { createDuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { tableKey, type TableContract } from '../contracts/contract.js';
import { erasurePlan } from '../core/erasure/plan.js';
import { keyedHash } from '../core/keyed-hash.js';
import { PayloadKey } from '../core/payload/keys.js';
import { ident } from '../core/sql/duckdb.js';
import { duckDbColumnType } from '../core/warehouse-types.js';
import { dataSubjects, registry } from '../domains/index.js';
import { round, say, timed } from './lib/measure.js';

/**
 * What erasing one subject costs, and what it does not read. A DuckDB file with `--rows` synthetic
 * rows (built with range(), in seconds) over every table the customer subject reaches, in the
 * declared proportions of a resort operator (bookings, lines, guests, payments…), plus tables it
 * cannot reach (inventory, pricing, product), each with the contract's layout.
 *
 * - erasure: the warehouse's erasure path for `--subjects` customers, one after the other
 *   (beginErasure: reaching values and ledger in one transaction; eraseTable per reached table;
 *   finishErasure), without Temporal: `seconds_per_subject`. `rows_scanned` counts the rows of
 *   every relation it reads (the reached tables, once per eraseTable and once more for a table whose
 *   key it collects); `unrelated_tables_scanned` must be 0.
 * - baseline: other subjects erased the same way, and every other table also read in full for
 *   their reaching values, by every integer column: what erasure takes without the declaration of
 *   where a subject cannot be (`baseline_seconds_per_subject`, `baseline_rows_scanned`: every row).
 * - ratio: baseline seconds ÷ erasure seconds per subject (above 1: erasure is faster).
 */

/** Shares of the rows: 8.05 parts in the 24 reached tables, 6 in tables the subject cannot be in (a DB2 system of record has hundreds). */
const shares: Record<string, number> = {
  'customer.customer': 0.2, 'customer.customer_address': 0.2, 'customer.customer_contact': 0.24, 'customer.customer_document': 0.08,
  'customer.customer_preference': 0.04, 'booking.booking': 0.6, 'booking.booking_line': 1.2, 'booking.booking_guest': 1.2,
  'booking.booking_status_history': 0.6, 'customer_service.service_case': 0.06, 'customer_service.case_note': 0.12,
  'customer_service.complaint': 0.03, 'customer_service.survey_response': 0.06, 'customer_service.call_log': 0.1,
  'marketing.consent': 0.4, 'marketing.campaign_contact': 0.2, 'marketing.newsletter_subscription': 0.1, 'loyalty.membership': 0.1,
  'loyalty.points_transaction': 0.4, 'payment.direct_debit_mandate': 0.02, 'payment.payment': 0.8, 'payment.ledger_entry': 0.8,
  'transport.flight_reservation': 0.3, 'transport.transfer': 0.2,
  'inventory.room_inventory': 2.5, 'inventory.allotment': 0.5, 'pricing.rate': 2.0, 'pricing.price_list': 0.5, 'pricing.promotion': 0.2, 'product.product': 0.3,
};

const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
const reached = new Set(plan.tables.map((t) => `${t.domain}.${t.table}`));
const isInteger = (type: string) => /^(SMALLINT|INTEGER|BIGINT)$/.test(type);

/** One table's synthetic rows: its key from the row number, each reaching column pointing at a row of the table it reaches. */
function fillSql(ref: string, table: TableContract, rows: number, counts: Map<string, number>): string {
  const [domain] = ref.split('.') as [string];
  const entry = plan.tables.find((t) => `${t.domain}.${t.table}` === ref);
  const key = tableKey(table);
  const values = table.columns.map((c) => {
    const via = entry?.vias.find((v) => v.column === c.name);
    if (via) {
      const parent = via.from.split('.').slice(0, 2).join('.');
      return `CAST(i % ${counts.get(parent) ?? 1} AS BIGINT)`;
    }
    if (key.length === 1 && c.name === key[0]) return 'CAST(i AS BIGINT)';
    if (entry?.nulled.includes(c.name)) return `TRY_CAST('pii-' || i AS ${duckDbColumnType(c)})`;
    if (c === table.columns[0] && isInteger(c.type)) return 'CAST(i AS BIGINT)';
    return 'NULL';
  });
  return `INSERT INTO raw_${domain}.${table.name} SELECT ${values.join(', ')}, 'db2', 'bench', now(), '0' FROM range(${rows}) r(i)`;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '1000000' }, subjects: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
  const total = Number(values.rows);
  const subjects = Number(values.subjects);
  const unit = total / Object.values(shares).reduce((a, b) => a + b, 0);
  const counts = new Map(Object.entries(shares).map(([ref, share]) => [ref, Math.max(1, Math.round(share * unit))]));
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-erase-'));
  const key = new PayloadKey('bench', new Uint8Array(32).fill(3));
  const wh = await createDuckDbWarehouse({ path: join(dir, 'erase.duckdb'), erasureKey: key });
  try {
    const db: DuckDBConnection = await wh.connectReader();
    const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowsJS();
    const built = await timed(async () => {
      for (const [ref, rows] of counts) {
        const table = registry.table(ref);
        const [domain] = ref.split('.') as [string];
        await db.run(`CREATE SCHEMA IF NOT EXISTS raw_${domain}`);
        await db.run(createLoadTableSql(`raw_${domain}.${table.name}`, table));
        await db.run(fillSql(ref, table, rows, counts));
      }
      await db.run('CHECKPOINT');
    });
    const rows = [...counts.values()].reduce((a, b) => a + b, 0);
    say(`built ${rows} rows in ${counts.size} tables (${reached.size} reached) in ${round(built.seconds)} s`);

    const customers = counts.get('customer.customer')!;
    const ids = Array.from({ length: subjects * 2 }, (_, i) => String(Math.floor(((i + 1) * (customers - 1)) / (subjects * 2 + 1))));
    const contracts = Object.fromEntries([...reached, 'customer.customer'].map((r) => [r, registry.table(r)]));
    const eraseOne = async (id: string) => {
      const subjectHash = keyedHash(key.bytes(), id);
      await wh.beginErasure({ plan, subjectHash, id, contracts });
      for (const t of plan.tables) await wh.eraseTable({ subjectHash, table: t, contract: contracts[`${t.domain}.${t.table}`]! });
      await wh.finishErasure({ subjectHash, evidence: {} });
    };
    // Warm-up, untimed: the first statements of a connection pay for planning and caches.
    await eraseOne(String(customers - 1));
    await q('DELETE FROM _factory.erasure_ledger');
    let scanned = 0;
    const touched = new Set<string>();
    const erasure = await timed(async () => {
      for (const id of ids.slice(0, subjects)) {
        const subjectHash = keyedHash(key.bytes(), id);
        await wh.beginErasure({ plan, subjectHash, id, contracts });
        for (const t of plan.tables) {
          const done = await wh.eraseTable({ subjectHash, table: t, contract: contracts[`${t.domain}.${t.table}`]! });
          for (const r of done.relations) touched.add(r.relation.replace(/^raw_/, '').replace(/__.*$/, ''));
          const size = counts.get(`${t.domain}.${t.table}`) ?? 0;
          scanned += size * (t.collects ? 2 : 1);
        }
        await wh.finishErasure({ subjectHash, evidence: {} });
      }
    });
    const ledger = Number((await q('SELECT count(*) FROM _factory.erasure_ledger'))[0]![0]);
    say(`erasure: ${subjects} subjects in ${round(erasure.seconds)} s, ${ledger} ledger entries, tables read: ${touched.size}`);

    // The baseline does the same erasure, and also searches every other table in full, by every
    // integer column, for the subject's reaching values: what it takes without the declaration of
    // where a subject can be.
    const baseline = await timed(async () => {
      for (const id of ids.slice(subjects)) {
        const values = new Set([id]);
        for (const t of plan.tables) {
          if (!t.collects) continue;
          const where = t.vias.map((v) => `${ident(v.column)} IN (${[...values].join(', ')})`).join(' OR ');
          for (const r of await q(`SELECT ${ident(t.collects)} FROM raw_${t.domain}.${t.table} WHERE ${where}`)) values.add(String(r[0]));
        }
        await eraseOne(id);
        const list = [...values].join(', ');
        for (const ref of [...counts.keys()].filter((r) => !reached.has(r))) {
          const table = registry.table(ref);
          const columns = table.columns.filter((c) => isInteger(c.type));
          if (columns.length > 0) await q(`SELECT count(*) FROM raw_${ref.split('.')[0]}.${table.name} WHERE ${columns.map((c) => `${ident(c.name)} IN (${list})`).join(' OR ')}`);
        }
      }
    });
    const unrelated = [...touched].filter((t) => !reached.has(t)).length;
    const line = {
      bench: 'erase',
      warehouse: 'duckdb',
      rows,
      tables: counts.size,
      reached_tables: reached.size,
      subjects,
      seconds_per_subject: round(erasure.seconds / subjects, 3),
      rows_scanned: Math.round(scanned / subjects),
      tables_scanned: touched.size,
      unrelated_tables_scanned: unrelated,
      baseline_seconds_per_subject: round(baseline.seconds / subjects, 3),
      baseline_rows_scanned: rows,
      baseline_tables_scanned: counts.size,
      ratio: round(baseline.seconds / erasure.seconds, 2),
      ledger_entries_per_subject: Math.round(ledger / subjects),
      build_s: round(built.seconds),
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (unrelated > 0) process.exitCode = 1;
  } finally {
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  }
}
