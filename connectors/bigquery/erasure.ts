import type { TableContract } from '../../contracts/contract.js';
import { ledgerKey, requireErasureKey, type ErasureKey } from '../../core/erasure/key.js';
import { eraseRowsSql, ledgerMatchSql } from '../../core/erasure/ledger-sql.js';
import { ErasureKeyError } from '../../core/errors.js';
import { keyedHash, keyedHashSql } from '../../core/keyed-hash.js';
import { md5Hex } from '../../core/md5.js';
import { literal, qualified } from '../../core/sql/bigquery.js';
import { ident as duckIdent, literal as duckLiteral } from '../../core/sql/duckdb.js';
import type { Erasure, ErasedRelation, ErasurePositions } from '../warehouse/erasure-port.js';
import { layerSchema, loadTableName, parseLoadTable } from '../warehouse/load-port.js';
import { BigQueryJobError, runJob, withRetry } from './client.js';
import { beginScript, ledgerGuardSql, matchCountsSql, transactionScript } from './erasure-sql.js';
import type { BigQueryOps } from './ops.js';
import type { ParquetWriter } from './parquet.js';

/**
 * Subject erasure on BigQuery (erasure-port.ts), and the ledger guard backfill swaps and change
 * batches run before readers see a row. Every write is one script job (`BEGIN TRANSACTION … COMMIT
 * TRANSACTION`) under a derived job id, so a retried activity waits for, or reuses, the job its
 * first attempt started instead of racing it. Erasing a table, swapping a load in and applying a
 * change batch share the table's queue (ops.inTableQueue): a swap or batch whose guard read the
 * ledger before an erasure began is done before that erasure's table step starts, which then erases
 * what it brought. Only keyed hashes are sent: see erasure-sql.ts.
 */

export interface BigQueryErasure extends Erasure {
  /** Runs the ledger guard on a load table (and the table's quarantine), then `swap`, in the table's queue. */
  guardedSwap<T>(input: { domain: string; table: TableContract; loadTable: string }, swap: () => Promise<T>): Promise<T>;
  /** The guard statements for a change batch table, for the apply script's transaction (none when the ledger does not name the table). */
  changeBatchGuard(input: { domain: string; table: TableContract; batch: string; origin: string }): Promise<string[]>;
}

type Relation = { layer: ErasedRelation['layer']; dataset: string; name: string; columns: Set<string> };

const short = (text: string): string => md5Hex(text).slice(0, 20);
/** The padded key material keyedHashSql puts in a script: never in an error message. */
const withoutKeyMaterial = (message: string): string => message.replace(/[0-9a-f]{128}/gi, '<key material>');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createBigQueryErasure(ops: BigQueryOps, deps: { key?: ErasureKey | undefined; staged: ParquetWriter }): BigQueryErasure {
  const { client, q, tableExists, inTableQueue } = ops;

  async function script(jobBase: string, sql: string): Promise<void> {
    try {
      await runJob(client, jobBase, { query: { query: sql, useLegacySql: false, maximumBytesBilled: String(ops.maximumBytesBilled) } });
    } catch (error) {
      if (error instanceof BigQueryJobError) throw new BigQueryJobError(error.jobId, error.reason, withoutKeyMaterial(error.message));
      throw error;
    }
  }

  async function columnsOf(dataset: string, name: string): Promise<Set<string> | undefined> {
    try {
      const [metadata] = await withRetry(() => client.dataset(dataset).table(name).getMetadata());
      return new Set(((metadata.schema?.fields ?? []) as { name: string }[]).map((f) => f.name));
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  /** Published snapshots `published_<domain>.<product>__<table>__v<N>` of a table, in any domain's products. */
  async function snapshotsOf(table: string): Promise<{ dataset: string; name: string }[]> {
    const [datasets] = await withRetry(() => client.getDatasets());
    const pattern = new RegExp(`__${escapeRegExp(table)}__v\\d+$`);
    const found: { dataset: string; name: string }[] = [];
    for (const dataset of datasets.filter((d) => d.id?.startsWith('published_'))) {
      const [tables] = await withRetry(() => dataset.getTables());
      for (const t of tables) if (t.id && pattern.test(t.id)) found.push({ dataset: dataset.id!, name: t.id });
    }
    return found.sort((a, b) => `${a.dataset}.${a.name}`.localeCompare(`${b.dataset}.${b.name}`));
  }

  /** Every relation of a table that can hold its rows, with its layer and columns. */
  async function relationsOf(domain: string, table: string, withPublished: boolean): Promise<Relation[]> {
    const raw = layerSchema('raw', domain);
    const candidates: Omit<Relation, 'columns'>[] = [
      { layer: 'current', dataset: raw, name: table },
      { layer: 'changes', dataset: raw, name: `${table}__changes` },
      { layer: 'quarantine', dataset: raw, name: `${table}__quarantine` },
    ];
    const loads = await q<{ t: string }>(`SELECT load_table AS t FROM _factory.loads WHERE domain = @d AND table_name = @t AND status = 'loading' ORDER BY 1`,
      { params: { d: domain, t: table } });
    for (const { t } of loads) {
      const { schema, name } = parseLoadTable(t);
      candidates.push({ layer: 'load', dataset: schema, name });
    }
    if (withPublished) for (const s of await snapshotsOf(table)) candidates.push({ layer: 'published', ...s });
    const found: Relation[] = [];
    for (const c of candidates) {
      const columns = await columnsOf(c.dataset, c.name);
      if (columns) found.push({ ...c, columns });
    }
    return found;
  }

  /** The ledger's via columns of a table, their action and the key that matches them; undefined when the ledger does not name it. */
  async function ledgerOf(domain: string, table: string): Promise<{ columns: string[]; action: string; key: ErasureKey } | undefined> {
    const found = await q<{ c: string; action: string; keys: string[] }>(
      `SELECT column_name AS c, ANY_VALUE(action) AS action, ARRAY_AGG(DISTINCT key_id) AS keys FROM _factory.erasure_ledger
       WHERE domain = @d AND table_name = @t GROUP BY column_name ORDER BY column_name`, { params: { d: domain, t: table } });
    if (found.length === 0) return undefined;
    const key = ledgerKey(deps.key, domain, table, found.flatMap((r) => r.keys));
    return { columns: found.map((r) => r.c), action: found[0]!.action, key };
  }

  const loadStatus = async (loadTable: string) =>
    (await q<{ s: string }>('SELECT status AS s FROM _factory.loads WHERE load_table = @t', { params: { t: loadTable } }))[0]?.s;

  return {
    async beginErasure({ plan, subjectHash, id }) {
      const key = requireErasureKey(deps.key, 'erasure');
      // The hash names the workflow; one made with another key would put ledger entries nobody can match.
      if (keyedHash(key.bytes(), id) !== subjectHash) {
        throw new ErasureKeyError(`the subject hash does not match the identifier under erasure key '${key.id}': the requester and the warehouse use different FACTORY_ERASURE_KEY`);
      }
      const relations = new Map<string, string[]>();
      for (const t of plan.tables.filter((p) => p.collects)) {
        relations.set(`${t.domain}.${t.table}`, (await relationsOf(t.domain, t.table, false)).map((r) => qualified(r.dataset, r.name)));
      }
      // The subject's ledger so far names the job: a retry waits for a job still running instead of starting a second one.
      const [state] = await q<{ n: number; at: string | null }>(
        'SELECT COUNT(*) AS n, CAST(UNIX_MICROS(MAX(erased_at)) AS STRING) AS at FROM _factory.erasure_ledger WHERE subject_hash = @s', { params: { s: subjectHash } });
      await script(`factory_erase_begin_${short(`${subjectHash}|${key.id}|${JSON.stringify([...relations])}|${state?.n}@${state?.at}`)}`,
        beginScript({ plan, subjectHash, keyId: key.id, key: key.bytes(), relations }));
      const counts = await q<{ d: string; t: string; c: string; n: number }>(
        `SELECT domain AS d, table_name AS t, column_name AS c, COUNT(*) AS n FROM _factory.erasure_ledger WHERE subject_hash = @s AND key_id = @k GROUP BY 1, 2, 3`,
        { params: { s: subjectHash, k: key.id } });
      const byVia = new Map(counts.map((r) => [`${r.d}.${r.t}.${r.c}`, Number(r.n)]));
      const reached = plan.tables.flatMap((t) => t.vias.map((v) => ({ table: `${t.domain}.${t.table}`, column: v.column, values: byVia.get(`${t.domain}.${t.table}.${v.column}`) ?? 0 })));
      return { keyId: key.id, reached, ledgerEntries: reached.reduce((n, r) => n + r.values, 0) };
    },

    eraseTable({ subjectHash, table: t }) {
      const ref = `${t.domain}.${t.table}`;
      const key = requireErasureKey(deps.key, `erasing ${ref}`);
      return inTableQueue(ref, async () => {
        const found = (await relationsOf(t.domain, t.table, true)).map((r) => {
          const vias = t.vias.filter((v) => r.columns.has(v.column)).map((v) => v.column);
          if (vias.length === 0) throw new Error(`erasing ${ref}: ${r.dataset}.${r.name} has none of the columns the subject is reached through (${t.vias.map((v) => v.column).join(', ')})`);
          const nulled = (r.layer === 'published' ? t.nulledPublished : t.nulled).filter((c) => r.columns.has(c));
          const relation = qualified(r.dataset, r.name);
          const match = ledgerMatchSql('bigquery', { domain: t.domain, table: t.table, columns: vias, key: key.bytes(), subjectHash });
          return { r, relation, match, erase: eraseRowsSql('bigquery', relation, match, t.action, nulled) };
        });
        const counts = new Map<number, number>();
        if (found.length > 0) for (const row of await q<{ i: number; n: number }>(matchCountsSql(found))) counts.set(Number(row.i), Number(row.n));
        const statements = found.filter((f, i) => f.erase && (counts.get(i) ?? 0) > 0).map((f) => f.erase!);
        // The counts name the job: a retry while it runs finds it; after it committed they differ (or nothing is left).
        if (statements.length > 0) await script(`factory_erase_table_${short(`${subjectHash}|${ref}|${JSON.stringify([...counts])}`)}`, transactionScript(statements));
        const relations = found.map((f, i) => ({ layer: f.r.layer, relation: `${f.r.dataset}.${f.r.name}`, rows: f.erase ? counts.get(i) ?? 0 : 0 }));
        return { table: ref, action: t.action, relations };
      });
    },

    async stagedFileMatches({ table: t, contract, file, changeBatch }) {
      const ledger = await ledgerOf(t.domain, t.table);
      if (!ledger) return { rows: 0 };
      const vias = t.vias.map((v) => v.column);
      const hashes = await q<{ h: string }>(`SELECT DISTINCT value_hash AS h FROM _factory.erasure_ledger WHERE domain = @d AND table_name = @t`, { params: { d: t.domain, t: t.table } });
      if (hashes.length === 0) return { rows: 0 };
      // Hashed in the worker's own DuckDB, which reads the staged format: the file's values never leave the machine.
      const list = hashes.map((h) => duckLiteral(h.h)).join(', ');
      const where = vias.map((c) => `${keyedHashSql('duckdb', duckIdent(c), ledger.key.bytes())} IN (${list})`).join(' OR ');
      return { rows: await deps.staged.countStaged({ table: contract, csv: file, changeBatch, columns: vias, where }) };
    },

    async loadInFlight({ loadId, domain, table }) {
      return (await loadStatus(loadTableName(domain, table, loadId))) === 'loading';
    },

    async erasurePositions({ tables }) {
      const backfills: ErasurePositions['backfills'] = [];
      const offsets: ErasurePositions['offsets'] = [];
      for (const t of tables) {
        const [last] = await q<{ p: string; at: { value: string } }>(
          `SELECT source_position AS p, recorded_at AS at FROM _factory.backfill_runs WHERE domain = @d AND table_name = @t ORDER BY recorded_at DESC LIMIT 1`,
          { params: { d: t.domain, t: t.table } });
        if (last) backfills.push({ table: `${t.domain}.${t.table}`, sourcePosition: String(last.p), recordedAt: new Date(last.at.value).toISOString() });
        const found = await q<{ consumer: string; topic: string; p: number; o: string }>(
          `SELECT consumer, topic, kafka_partition AS p, CAST(next_offset AS STRING) AS o FROM _factory.cdc_offsets WHERE ENDS_WITH(topic, @suffix) ORDER BY 1, 2, 3`,
          { params: { suffix: t.topicSuffix } });
        for (const r of found) offsets.push({ consumer: r.consumer, topic: r.topic, partition: Number(r.p), nextOffset: r.o });
      }
      return { backfills, offsets };
    },

    async finishErasure({ subjectHash, evidence }) {
      const report = JSON.stringify(evidence);
      const s = literal(subjectHash);
      await script(`factory_erase_finish_${short(`${subjectHash}|${report}`)}`, transactionScript([
        `DELETE FROM _factory.erasure_evidence WHERE subject_hash = ${s}`,
        `INSERT INTO _factory.erasure_evidence (subject_hash, report, recorded_at) VALUES (${s}, ${literal(report)}, CURRENT_TIMESTAMP())`,
        `DELETE FROM _factory.erasure_work WHERE subject_hash = ${s}`,
      ]));
    },

    async erasureEvidence({ subjectHash }) {
      const [found] = await q<{ report: string }>('SELECT report FROM _factory.erasure_evidence WHERE subject_hash = @s ORDER BY recorded_at DESC LIMIT 1',
        { params: { s: subjectHash } });
      return found ? JSON.parse(found.report) : null;
    },

    guardedSwap({ domain, table, loadTable }, swap) {
      return inTableQueue(`${domain}.${table.name}`, async () => {
        const ledger = await ledgerOf(domain, table.name);
        if (ledger) {
          const { schema, name } = parseLoadTable(loadTable);
          const quarantine = `${table.name}__quarantine`;
          const relations = [qualified(schema, name), ...((await tableExists(schema, quarantine)) ? [qualified(schema, quarantine)] : [])];
          const statements = ledgerGuardSql({ domain, table, relations, origin: `backfill ${loadTable}`, columns: ledger.columns, action: ledger.action, key: ledger.key.bytes() });
          // Repeatable (a second run finds nothing left), and it must read the ledger as it is now: a fresh id.
          if (statements.length > 0) await script(`factory_erase_guard_${crypto.randomUUID().replace(/-/g, '')}`, transactionScript(statements));
        }
        return swap();
      });
    },

    async changeBatchGuard({ domain, table, batch, origin }) {
      const ledger = await ledgerOf(domain, table.name);
      if (!ledger) return [];
      return ledgerGuardSql({ domain, table, relations: [batch], origin, columns: ledger.columns, action: ledger.action, key: ledger.key.bytes() });
    },
  };
}
