import { listValue } from '@duckdb/node-api';
import type { TableContract } from '../../contracts/contract.js';
import { keyedHash, keyedHashSql } from '../../core/keyed-hash.js';
import { ErasureKeyError } from '../../core/errors.js';
import { ledgerKey, requireErasureKey, type ErasureKey } from '../../core/erasure/key.js';
import { ident, qualified } from '../../core/sql/duckdb.js';
import { changeColumns, readStagedCsvSql, stagedValueSql } from '../../core/staged/format.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import type {
  BeginErasureInput, BeginErasureResult, ErasedRelation, ErasurePositions, EraseTableInput, EraseTableResult, FinishErasureInput, StagedFileInput,
} from '../warehouse/erasure-port.js';
import { layerSchema } from '../warehouse/port.js';
import { eraseRowsSql, ledgerMatchSql, workMatchSql, type LedgerColumn } from './erasure-sql.js';
import { utcNowText } from './load-sql.js';
import type { DuckDbSession } from './quarantine.js';
import { quarantineTableName } from './quarantine-sql.js';

export type { ErasureKey };

const typeOf = (contract: TableContract, column: string) => duckDbColumnType(contract.columns.find((c) => c.name === column)!);

/**
 * The ledger's columns of one table, or undefined when it has none (the common case, one small
 * lookup), checked against the key (core/erasure/key.ts).
 */
export async function ledgerColumns(db: DuckDbSession, key: ErasureKey | undefined, domain: string, table: string): Promise<LedgerColumn[] | undefined> {
  const found = await db.rows(
    'SELECT column_name, any_value(action), list_distinct(list(key_id)) FROM _factory.erasure_ledger WHERE domain = ? AND table_name = ? GROUP BY column_name ORDER BY column_name',
    [domain, table]);
  if (found.length === 0) return undefined;
  ledgerKey(key, domain, table, found.flatMap((r) => r[2] as string[]));
  return found.map((r) => ({ column: String(r[0]), action: String(r[1]) }));
}

/**
 * Applies the ledger to rows about to be ingested (a load table before its swap, a change batch
 * before its merge): erased subjects' rows are deleted, or anonymised where the declaration keeps
 * them, and the count is recorded in `_factory.erasure_suppressed`. Runs inside the caller's transaction.
 */
export async function applyLedger(db: DuckDbSession, key: ErasureKey | undefined, input: {
  domain: string; table: TableContract; relation: string; origin: string; alsoIn?: string[];
  /** The table's ledger columns when the caller has read them already (ledgerColumns). */
  columns?: LedgerColumn[] | undefined;
}): Promise<number> {
  const columns = 'columns' in input ? input.columns : await ledgerColumns(db, key, input.domain, input.table.name);
  if (!columns) return 0;
  const match = ledgerMatchSql(input.domain, input.table.name, columns.map((c) => c.column), key!.bytes());
  const action = columns[0]!.action;
  const nulled = input.table.columns.filter((c) => c.pii !== 'none').map((c) => c.name);
  let total = 0;
  for (const relation of [input.relation, ...(input.alsoIn ?? [])]) {
    const sql = eraseRowsSql(relation, match, action, nulled);
    if (sql) total += Number((await db.rows(sql))[0]![0]);
  }
  if (total > 0) {
    await db.run('INSERT INTO _factory.erasure_suppressed VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))',
      [input.domain, input.table.name, input.origin, action, total, utcNowText()]);
  }
  return total;
}

/** Every relation of a table that can hold its rows, with the layer each belongs to and its columns (one catalog query). */
async function relationsOf(db: DuckDbSession, domain: string, table: string): Promise<{ layer: ErasedRelation['layer']; schema: string; name: string; columns: Set<string> }[]> {
  const raw = layerSchema('raw', domain);
  const candidates: { layer: ErasedRelation['layer']; schema: string; name: string }[] = [
    { layer: 'current', schema: raw, name: table },
    { layer: 'changes', schema: raw, name: `${table}__changes` },
    { layer: 'quarantine', schema: raw, name: quarantineTableName(table) },
  ];
  for (const [loadTable] of await db.rows(`SELECT load_table FROM _factory.loads WHERE domain = ? AND table_name = ? AND status = 'loading'`, [domain, table])) {
    const [schema, name] = String(loadTable).split('.') as [string, string];
    candidates.push({ layer: 'load', schema, name });
  }
  if (await db.tableExists('_factory', 'product_snapshots')) {
    for (const [snapshot] of await db.rows('SELECT DISTINCT snapshot FROM _factory.product_snapshots WHERE table_ref = ? ORDER BY 1', [`${domain}.${table}`])) {
      const [schema, name] = String(snapshot).split('.') as [string, string];
      candidates.push({ layer: 'published', schema, name });
    }
  }
  const found = await db.rows(
    `SELECT c.schema_name || '.' || c.table_name, list(c.column_name) FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
     WHERE c.database_name = current_database() AND list_contains(?, c.schema_name || '.' || c.table_name) GROUP BY 1`,
    [listValue(candidates.map((c) => `${c.schema}.${c.name}`))]);
  const columns = new Map(found.map((r) => [String(r[0]), new Set(r[1] as string[])]));
  return candidates.filter((c) => columns.has(`${c.schema}.${c.name}`)).map((c) => ({ ...c, columns: columns.get(`${c.schema}.${c.name}`)! }));
}

export async function beginErasure(db: DuckDbSession, key: ErasureKey | undefined, input: BeginErasureInput): Promise<BeginErasureResult> {
  const k = requireErasureKey(key, 'erasure');
  // The hash names the workflow; one made with another key would put ledger entries nobody can match.
  if (keyedHash(k.bytes(), input.id) !== input.subjectHash) {
    throw new ErasureKeyError(`the subject hash does not match the identifier under erasure key '${k.id}': the requester and the warehouse use different FACTORY_ERASURE_KEY`);
  }
  const { plan, subjectHash } = input;
  return db.transaction(async () => {
    await db.run('DELETE FROM _factory.erasure_work WHERE subject_hash = ?', [subjectHash]);
    const [keyDomain, keyTable, keyColumn] = plan.key.split('.') as [string, string, string];
    const keyType = typeOf(input.contracts[`${keyDomain}.${keyTable}`]!, keyColumn);
    await db.run(`INSERT INTO _factory.erasure_work VALUES (?, ?, CAST(CAST(? AS ${keyType}) AS VARCHAR))`, [subjectHash, plan.key, input.id]);
    const reached: BeginErasureResult['reached'] = [];
    for (const t of plan.tables) {
      const ref = `${t.domain}.${t.table}`;
      const contract = input.contracts[ref]!;
      if (t.collects) {
        const columns = [t.collects, ...t.vias.map((v) => v.column)].map(ident).join(', ');
        const where = workMatchSql(subjectHash, t.vias.map((v) => ({ ...v, type: typeOf(contract, v.column) })));
        const sources = (await relationsOf(db, t.domain, t.table)).filter((r) => r.layer !== 'published')
          .map((r) => `SELECT ${columns} FROM ${qualified(r.schema, r.name)} WHERE ${where}`);
        if (sources.length > 0) {
          await db.run(`INSERT INTO _factory.erasure_work SELECT DISTINCT ?, ?, CAST(${ident(t.collects)} AS VARCHAR) FROM (${sources.join(' UNION ALL ')})
             WHERE ${ident(t.collects)} IS NOT NULL`, [subjectHash, `${ref}.${t.collects}`]);
        }
      }
      for (const v of t.vias) {
        const [[count]] = (await db.rows(
          `INSERT INTO _factory.erasure_ledger SELECT DISTINCT ?, ?, ?, ?, ${keyedHashSql('duckdb', 'value', k.bytes())}, ?, ?, CAST(? AS TIMESTAMP)
           FROM _factory.erasure_work WHERE subject_hash = ? AND key_ref = ?`,
          [subjectHash, t.domain, t.table, v.column, t.action, k.id, utcNowText(), subjectHash, v.from])) as [[bigint]];
        reached.push({ table: ref, column: v.column, values: Number(count) });
      }
    }
    // A repeated erasure (retry, second request) must not double the ledger.
    await db.run(`DELETE FROM _factory.erasure_ledger WHERE rowid NOT IN (SELECT min(rowid) FROM _factory.erasure_ledger
       GROUP BY domain, table_name, column_name, value_hash, key_id)`);
    return { keyId: k.id, reached, ledgerEntries: reached.reduce((n, r) => n + r.values, 0) };
  });
}

export async function eraseTable(db: DuckDbSession, input: EraseTableInput): Promise<EraseTableResult> {
  const { table: t, contract, subjectHash } = input;
  const match = workMatchSql(subjectHash, t.vias.map((v) => ({ ...v, type: typeOf(contract, v.column) })));
  return db.transaction(async () => {
    const relations: ErasedRelation[] = [];
    for (const r of await relationsOf(db, t.domain, t.table)) {
      const nulled = r.layer === 'published' ? t.nulledPublished : t.nulled;
      const sql = eraseRowsSql(qualified(r.schema, r.name), match, t.action, nulled.filter((c) => r.columns.has(c)));
      const rows = sql ? Number((await db.rows(sql))[0]![0]) : 0;
      relations.push({ layer: r.layer, relation: `${r.schema}.${r.name}`, rows });
    }
    return { table: `${t.domain}.${t.table}`, action: t.action, relations };
  });
}

/** Rows of one staged file whose via columns hash to the table's ledger entries. */
export async function stagedFileMatches(db: DuckDbSession, key: ErasureKey | undefined, input: StagedFileInput): Promise<{ rows: number }> {
  const { table: t, contract } = input;
  if (!(await ledgerColumns(db, key, t.domain, t.table))) return { rows: 0 };
  const columns = contract.columns.filter((c) => t.vias.some((v) => v.column === c.name));
  const read = readStagedCsvSql({ file: input.file, table: contract, ...(input.changeBatch ? { extra: changeColumns } : {}) });
  const match = ledgerMatchSql(t.domain, t.table, t.vias.map((v) => v.column), key!.bytes());
  const [[count]] = (await db.rows(`SELECT count(*) FROM (SELECT ${columns.map(stagedValueSql).join(', ')} FROM ${read}) WHERE ${match}`)) as [[bigint]];
  return { rows: Number(count) };
}

export async function erasurePositions(db: DuckDbSession, input: { tables: { domain: string; table: string; topicSuffix: string }[] }): Promise<ErasurePositions> {
  const backfills: ErasurePositions['backfills'] = [];
  const offsets: ErasurePositions['offsets'] = [];
  for (const t of input.tables) {
    const [last] = await db.rows(
      `SELECT source_position, strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%gZ') FROM _factory.backfill_runs WHERE domain = ? AND table_name = ? ORDER BY recorded_at DESC LIMIT 1`,
      [t.domain, t.table]);
    if (last) backfills.push({ table: `${t.domain}.${t.table}`, sourcePosition: String(last[0]), recordedAt: String(last[1]) });
    for (const r of await db.rows(`SELECT consumer, topic, kafka_partition, next_offset FROM _factory.cdc_offsets WHERE topic LIKE ? ORDER BY 1, 2, 3`, [`%${t.topicSuffix}`])) {
      offsets.push({ consumer: String(r[0]), topic: String(r[1]), partition: Number(r[2]), nextOffset: String(r[3]) });
    }
  }
  return { backfills, offsets };
}

export async function finishErasure(db: DuckDbSession, input: FinishErasureInput): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM _factory.erasure_evidence WHERE subject_hash = ?', [input.subjectHash]);
    await db.run('INSERT INTO _factory.erasure_evidence VALUES (?, ?, CAST(? AS TIMESTAMP))', [input.subjectHash, JSON.stringify(input.evidence), utcNowText()]);
    await db.run('DELETE FROM _factory.erasure_work WHERE subject_hash = ?', [input.subjectHash]);
  });
}

export async function erasureEvidence(db: DuckDbSession, { subjectHash }: { subjectHash: string }): Promise<unknown> {
  const [found] = await db.rows('SELECT report FROM _factory.erasure_evidence WHERE subject_hash = ? ORDER BY recorded_at DESC LIMIT 1', [subjectHash]);
  return found ? JSON.parse(String(found[0])) : null;
}

