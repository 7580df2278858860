import type { DuckDBValue } from '@duckdb/node-api';
import type { TableContract } from '../../contracts/contract.js';
import { quarantineRules } from '../../core/quality/quarantine-rules.js';
import {
  layerSchema, LoadStateError, parseLoadTable,
  type QuarantineLoadInput, type QuarantineLoadResult, type QuarantineSummaryResult, type ReplayQuarantineInput, type ReplayQuarantineResult,
} from '../warehouse/port.js';
import { qualified } from '../../core/sql/duckdb.js';
import { utcNowText } from './load-sql.js';
import {
  countByStatusSql, createQuarantineTableSql, dropPendingSql, liveAndOpenStatsSql, newestChangesSql, openByRuleSql, openPendingSql,
  quarantineChangesSql, quarantineLoadRowsSql, quarantineTableName, replayCloseSql, replayLandSql, replayPlanSql,
  replayReasonSql, supersedeAllOpenSql, supersedeByChangesSql, supersedeByTruncateSql, tombstoneFailingSql,
} from './quarantine-sql.js';

/**
 * Row quarantine on the DuckDB warehouse owner. These functions run inside the owner's write queue
 * (warehouse.ts), on its single writer connection; SQL text lives in quarantine-sql.ts.
 */

export interface DuckDbSession {
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  rows(sql: string, params?: DuckDBValue[]): Promise<unknown[][]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
  tableExists(schema: string, name: string): Promise<boolean>;
  columnExists(schema: string, table: string, column: string): Promise<boolean>;
}

/** The quarantine table of a table, and whether it exists. */
async function quarantineOf(db: DuckDbSession, schema: string, tableName: string): Promise<{ target: string; exists: boolean }> {
  const name = quarantineTableName(tableName);
  return { target: qualified(schema, name), exists: await db.tableExists(schema, name) };
}

/** Tombstones need these columns; change capture adds them too. DDL stays outside transactions (see quarantineLoad). */
async function ensureTombstoneColumns(db: DuckDbSession, target: string): Promise<void> {
  await db.run(`ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS "_deleted" BOOLEAN DEFAULT false`);
  await db.run(`ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS "_extra" VARCHAR`);
}

export async function quarantineLoad(db: DuckDbSession, { loadTable, table }: QuarantineLoadInput): Promise<QuarantineLoadResult> {
  const { schema, name, table: tableName } = parseLoadTable(loadTable);
  if (tableName !== table.name) throw new LoadStateError(loadTable, `does not belong to table ${table.name}`);
  const found = await db.rows('SELECT status, load_id FROM _factory.loads WHERE load_table = ?', [loadTable]);
  const [status, loadId] = [found[0]?.[0] as string | undefined, String(found[0]?.[1])];
  const quarantine = await quarantineOf(db, schema, tableName);
  const counted = async () => (await db.tableExists(schema, quarantineTableName(tableName)))
    ? Number((await db.rows(`SELECT count(*) FROM ${quarantine.target} WHERE "_load_id" = ?`, [loadId]))[0]![0])
    : 0;
  if (status === 'swapped') return { quarantined: await counted() };
  if (status !== 'loading' || !(await db.tableExists(schema, name))) {
    throw new LoadStateError(loadTable, `cannot quarantine: load is ${status ?? 'not prepared'}`);
  }
  const rules = quarantineRules(table);
  if (rules.length === 0) return { quarantined: 0 };
  // DuckDB refuses to commit a transaction that both altered and updated a table: schema first.
  await ensureTombstoneColumns(db, qualified(schema, name));
  await db.run(createQuarantineTableSql(quarantine.target, table));
  return db.transaction(async () => {
    // Rows already tombstoned (a retry after the commit) are not judged again: nothing left to move.
    await db.run(quarantineLoadRowsSql(quarantine.target, qualified(schema, name), table, rules), [loadId, utcNowText()]);
    await db.run(tombstoneFailingSql(qualified(schema, name), table, rules));
    return { quarantined: await counted() };
  });
}

/** In swapIn's transaction: the new load's quarantined rows become open, everything open before is superseded. */
export async function quarantineOnSwap(db: DuckDbSession, loadTable: string): Promise<void> {
  const { schema, table } = parseLoadTable(loadTable);
  const quarantine = await quarantineOf(db, schema, table);
  if (!quarantine.exists) return;
  const loadId = String((await db.rows('SELECT load_id FROM _factory.loads WHERE load_table = ?', [loadTable]))[0]?.[0]);
  await db.run(supersedeAllOpenSql(quarantine.target), [utcNowText()]);
  await db.run(openPendingSql(quarantine.target), [loadId]);
}

/** In dropLoad's transaction. */
export async function quarantineOnDrop(db: DuckDbSession, loadTable: string): Promise<void> {
  const { schema, table } = parseLoadTable(loadTable);
  const quarantine = await quarantineOf(db, schema, table);
  if (!quarantine.exists) return;
  const loadId = String((await db.rows('SELECT load_id FROM _factory.loads WHERE load_table = ?', [loadTable]))[0]?.[0]);
  await db.run(dropPendingSql(quarantine.target), [loadId]);
}

export interface ChangeQuarantine {
  target: string;
  table: TableContract;
  rules: ReturnType<typeof quarantineRules>;
}

/**
 * Before applyChanges' transaction (DDL): the quarantine a batch of this table needs, or undefined
 * when the table has no quarantine rules and never had any (the plain merge path, unchanged).
 */
export async function prepareChangeQuarantine(db: DuckDbSession, domain: string, table: TableContract, exists?: boolean): Promise<ChangeQuarantine | undefined> {
  const schema = layerSchema('raw', domain);
  const rules = quarantineRules(table);
  // `exists`: what the caller found before, when nothing else can have made the table since.
  const quarantine = exists === undefined ? await quarantineOf(db, schema, table.name) : { target: qualified(schema, quarantineTableName(table.name)), exists };
  // Rules removed from the contract still leave open rows that newer changes must supersede.
  if (rules.length === 0 && !quarantine.exists) return undefined;
  if (!quarantine.exists) await db.run(createQuarantineTableSql(quarantine.target, table));
  return { target: quarantine.target, table, rules };
}

export async function supersedeByTruncate(db: DuckDbSession, q: ChangeQuarantine, position: string, now: string): Promise<void> {
  await db.run(supersedeByTruncateSql(q.target), [now, position]);
}

/**
 * Inside applyChanges' transaction, in place of newestOfBatchSql: builds `newest` with `_rule_id` on
 * the changes that fail a rule; those go to the quarantine (applyNewestSql lands them as a tombstone
 * at their position), and any newer change of a key supersedes its open quarantined row. Set-based
 * over the batch; runs before the apply, which moves the current rows' positions on.
 */
export async function newestWithQuarantine(
  db: DuckDbSession, q: ChangeQuarantine, input: { current: string; after: string; now: string },
): Promise<void> {
  await db.run(newestChangesSql(q.table, q.rules), [input.after]);
  // Most batches have no failing change and most tables no open row: skip the joins they would cost.
  const [[failing, open]] = (await db.rows(
    `SELECT (SELECT count(*) FROM newest WHERE "_rule_id" IS NOT NULL), (SELECT count(*) FROM ${q.target} WHERE "_status" = 'open')`)) as [[bigint, bigint]];
  if (open > 0n) await db.run(supersedeByChangesSql(q.target, q.table), [input.now]);
  if (failing > 0n) await db.run(quarantineChangesSql(q.target, input.current, q.table, q.rules), [input.now]);
}

/** Count and checksum SQL of what the warehouse holds of the source, or undefined when there is no quarantine. */
export async function reconciliationStatsSql(db: DuckDbSession, domain: string, table: TableContract, liveOnly: boolean): Promise<string | undefined> {
  const schema = layerSchema('raw', domain);
  const quarantine = await quarantineOf(db, schema, table.name);
  return quarantine.exists ? liveAndOpenStatsSql(qualified(schema, table.name), quarantine.target, table, liveOnly) : undefined;
}

export async function replayQuarantine(db: DuckDbSession, { domain, table }: ReplayQuarantineInput): Promise<ReplayQuarantineResult> {
  const schema = layerSchema('raw', domain);
  const quarantine = await quarantineOf(db, schema, table.name);
  if (!quarantine.exists) return { replayed: 0, stillFailing: 0, superseded: 0 };
  if (!(await db.tableExists(schema, table.name))) throw new Error(`warehouse table ${schema}.${table.name} does not exist: nothing to replay into`);
  const current = qualified(schema, table.name);
  await ensureTombstoneColumns(db, current);
  const rules = quarantineRules(table);
  return db.transaction(async () => {
    await db.run(replayPlanSql(quarantine.target, current, table, rules));
    const planned = new Map((await db.rows(`SELECT "_outcome", count(*) FROM replay_plan GROUP BY 1`)).map((r) => [String(r[0]), Number(r[1])]));
    const now = utcNowText();
    const landed = Number((await db.rows(replayLandSql(current, quarantine.target, table), [now]))[0]![0]);
    const replayed = planned.get('replayed') ?? 0;
    // The plan and the landing test the same tombstone in one transaction; a difference is a bug, not data.
    if (landed !== replayed) throw new Error(`replay of ${schema}.${table.name}: planned ${replayed} rows but ${landed} landed; rolled back`);
    await db.run(replayCloseSql(quarantine.target), [now]);
    await db.run(replayReasonSql(quarantine.target, rules));
    await db.run('DROP TABLE replay_plan');
    return { replayed, stillFailing: planned.get('failing') ?? 0, superseded: planned.get('superseded') ?? 0 };
  });
}

export async function quarantineSummary(db: DuckDbSession, { domain, table }: { domain: string; table: TableContract }): Promise<QuarantineSummaryResult> {
  const schema = layerSchema('raw', domain);
  const quarantine = await quarantineOf(db, schema, table.name);
  const summary: QuarantineSummaryResult = { open: 0, replayed: 0, superseded: 0, pending: 0, rules: [] };
  if (!quarantine.exists) return summary;
  for (const [status, count] of await db.rows(countByStatusSql(quarantine.target))) {
    if (status === 'open' || status === 'replayed' || status === 'superseded' || status === 'pending') summary[status] = Number(count);
  }
  summary.rules = (await db.rows(openByRuleSql(quarantine.target, table))).map((r) => ({
    ruleId: String(r[0]), reason: String(r[1]), open: Number(r[2]), sampleKeys: (r[3] as unknown[]).map(String),
  }));
  return summary;
}
