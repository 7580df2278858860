import type { TableField } from '@google-cloud/bigquery';
import type { TableContract } from '../../contracts/contract.js';
import { md5Hex } from '../../core/md5.js';
import { quarantineRules, quarantineTableName } from '../../core/quality/quarantine-rules.js';
import { qualified } from '../../core/sql/bigquery.js';
import { layerSchema, LoadStateError, parseLoadTable, type TableRefInput } from '../warehouse/load-port.js';
import type {
  Quarantine, QuarantineLoadInput, QuarantineLoadResult, QuarantineSummaryResult, ReplayQuarantineInput, ReplayQuarantineResult,
} from '../warehouse/quarantine-port.js';
import { runJob } from './client.js';
import type { BigQueryOps } from './ops.js';
import {
  countByReplaySql, countByStatusSql, dropPendingSql, liveAndOpenStatsSql, openByRuleSql, quarantineLoadScript, quarantineMetaFields,
  quarantineSwapScript, replayScript, replayStateSql, type ChangeQuarantineInput,
} from './quarantine-sql.js';
import { contractField, tableLabels } from './sql.js';

/**
 * Row quarantine on BigQuery (quarantine-port.ts), the protocol of DuckDB's (connectors/duckdb/quarantine.ts)
 * with BigQuery's means: each mutation is one multi-statement transaction run as one query job under
 * a derived job id (runJob runs a successful id once, so a retried activity finds the job instead of
 * running it again), inside the table's queue (ops.inTableQueue), which change capture shares, so a
 * quarantine transaction never conflicts with a change batch's on the same tables. SQL text lives
 * in quarantine-sql.ts; change capture's statements are part of applyScript (sql.ts).
 */

export interface BigQueryQuarantine extends Quarantine {
  /** swapIn, after the copy: the load's pending rows open and what was open before is superseded, once per load generation. */
  onSwap(input: { domain: string; table: TableContract; loadTable: string; generation: string }): Promise<void>;
  /** dropLoad: the load's pending rows go with it. */
  onDrop(loadTable: string): Promise<void>;
  /**
   * applyChanges, before its script (tables are created outside transactions): the quarantine a batch
   * needs, or undefined when the table has no quarantine rules and never had any (the plain merge).
   */
  forChanges(domain: string, table: TableContract): Promise<ChangeQuarantineInput | undefined>;
  /** tableStats: the SQL of live plus open quarantined rows, or undefined without a quarantine table. */
  statsSql(domain: string, table: TableContract): Promise<string | undefined>;
}

const jobHash = (text: string): string => md5Hex(text).slice(0, 20);
const queueKey = (domain: string, table: string): string => `${domain}.${table}`;

export function quarantineFields(table: TableContract): TableField[] {
  return [...table.columns.map(contractField), ...quarantineMetaFields.map((f) => ({ ...f }))];
}

export function createBigQueryQuarantine(ops: BigQueryOps): BigQueryQuarantine {
  const { q, tableExists } = ops;

  /** The quarantine table of a raw table, and whether it exists. */
  const quarantineOf = async (domain: string, tableName: string) => {
    const schema = layerSchema('raw', domain);
    const name = quarantineTableName(tableName);
    return { schema, name, target: qualified(schema, name), current: qualified(schema, tableName), exists: await tableExists(schema, name) };
  };
  const ensureQuarantine = (domain: string, table: TableContract) =>
    ops.ensureTable(layerSchema('raw', domain), quarantineTableName(table.name), quarantineFields(table),
      { labels: { ...tableLabels(domain, table), layer: 'raw_quarantine' } });

  /** One transaction as one job, under a derived id (at most one successful run). */
  const runScript = (jobBase: string, sql: string) =>
    runJob(ops.client, jobBase, { query: { query: sql, useLegacySql: false, maximumBytesBilled: String(ops.maximumBytesBilled) } });

  const loadOf = async (loadTable: string) => (await q<{ status: string; load_id: string; generation: string }>(
    `SELECT status, load_id, CAST(UNIX_MICROS(created_at) AS STRING) AS generation FROM _factory.loads WHERE load_table = @t`, { params: { t: loadTable } }))[0];

  const counts = async (sql: string, params?: Record<string, string>) =>
    new Map((await q<{ status: string; n: number }>(sql, params ? { params } : {})).map((r) => [r.status, Number(r.n)]));

  return {
    async quarantineLoad({ loadTable, table }: QuarantineLoadInput): Promise<QuarantineLoadResult> {
      const { schema, name, table: tableName } = parseLoadTable(loadTable);
      if (tableName !== table.name) throw new LoadStateError(loadTable, `does not belong to table ${table.name}`);
      const domain = schema.slice('raw_'.length);
      return ops.inTableQueue(queueKey(domain, table.name), async () => {
        const load = await loadOf(loadTable);
        const quarantine = await quarantineOf(domain, tableName);
        const counted = async () => (await tableExists(schema, quarantine.name))
          ? Number((await q<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quarantine.target} WHERE _load_id = @id`, { params: { id: load!.load_id } }))[0]!.n)
          : 0;
        if (load?.status === 'swapped') return { quarantined: await counted() };
        if (load?.status !== 'loading' || !(await tableExists(schema, name))) {
          throw new LoadStateError(loadTable, `cannot quarantine: load is ${load?.status ?? 'not prepared'}`);
        }
        const rules = quarantineRules(table);
        if (rules.length === 0) return { quarantined: 0 };
        await ensureQuarantine(domain, table);
        // The generation tells a load prepared again after dropLoad from the earlier one of the same id.
        await runScript(`factory_qload_${jobHash(`${loadTable}@${load.generation}`)}`,
          quarantineLoadScript(quarantine.target, qualified(schema, name), table, rules, load.load_id));
        return { quarantined: await counted() };
      });
    },

    async onSwap({ domain, table, loadTable, generation }) {
      await ops.inTableQueue(queueKey(domain, table.name), async () => {
        const quarantine = await quarantineOf(domain, table.name);
        if (!quarantine.exists) return;
        const load = await loadOf(loadTable);
        await runScript(`factory_qswap_${jobHash(`${loadTable}@${generation}`)}`, quarantineSwapScript(quarantine.target, load!.load_id));
      });
    },

    async onDrop(loadTable) {
      const { schema, table } = parseLoadTable(loadTable);
      const domain = schema.slice('raw_'.length);
      await ops.inTableQueue(queueKey(domain, table), async () => {
        const quarantine = await quarantineOf(domain, table);
        const load = await loadOf(loadTable);
        if (quarantine.exists && load) await q(dropPendingSql(quarantine.target), { params: { loadId: load.load_id } });
      });
    },

    async forChanges(domain, table) {
      const rules = quarantineRules(table);
      const quarantine = await quarantineOf(domain, table.name);
      // Rules removed from the contract still leave open rows that newer changes must supersede.
      if (rules.length === 0 && !quarantine.exists) return undefined;
      if (!quarantine.exists) await ensureQuarantine(domain, table);
      return { quarantine: quarantine.target, rules };
    },

    async statsSql(domain, table) {
      const quarantine = await quarantineOf(domain, table.name);
      return quarantine.exists ? liveAndOpenStatsSql(quarantine.current, quarantine.target, table) : undefined;
    },

    async replayQuarantine({ domain, table }: ReplayQuarantineInput): Promise<ReplayQuarantineResult> {
      return ops.inTableQueue(queueKey(domain, table.name), async () => {
        const quarantine = await quarantineOf(domain, table.name);
        if (!quarantine.exists) return { replayed: 0, stillFailing: 0, superseded: 0 };
        if (!(await tableExists(quarantine.schema, table.name))) {
          throw new Error(`warehouse table ${quarantine.schema}.${table.name} does not exist: nothing to replay into`);
        }
        // The contract (its rules) and the state the outcome depends on name the replay (see replayStateSql).
        const [state] = await q(replayStateSql(quarantine.target, quarantine.current));
        const replayId = `factory_qreplay_${jobHash(JSON.stringify({ domain, table, state }))}`;
        await runScript(replayId, replayScript(quarantine.target, quarantine.current, table, quarantineRules(table), replayId, !ops.emulator));
        const judged = await counts(countByReplaySql(quarantine.target), { replayId });
        return { replayed: judged.get('replayed') ?? 0, stillFailing: judged.get('open') ?? 0, superseded: judged.get('superseded') ?? 0 };
      });
    },

    async quarantineSummary({ domain, table }: TableRefInput): Promise<QuarantineSummaryResult> {
      const summary: QuarantineSummaryResult = { open: 0, replayed: 0, superseded: 0, pending: 0, rules: [] };
      const quarantine = await quarantineOf(domain, table.name);
      if (!quarantine.exists) return summary;
      for (const [status, n] of await counts(countByStatusSql(quarantine.target))) {
        if (status === 'open' || status === 'replayed' || status === 'superseded' || status === 'pending') summary[status] = n;
      }
      summary.rules = (await q<{ rule_id: string; reason: string; n: number; sample_keys: string[] }>(openByRuleSql(quarantine.target, table)))
        .map((r) => ({ ruleId: String(r.rule_id), reason: String(r.reason), open: Number(r.n), sampleKeys: (r.sample_keys ?? []).map(String) }));
      return summary;
    },
  };
}
