import { resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { AccessViews } from '../warehouse/access-port.js';
import type { Kpis } from '../warehouse/kpi-port.js';
import type { Publication } from '../warehouse/publish-port.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult, QualifiedLayer } from '../warehouse/qualified-port.js';
import type { QualityStore } from '../warehouse/quality-port.js';
import type { Retention } from '../warehouse/retention-port.js';
import {
  layerSchema, LoadStateError, loadTableName, parseLoadTable,
  type BackfillRecord, type LoadChunkInput, type LoadChunkResult, type PrepareLoadInput, type PrepareLoadResult,
  type RecordBackfillInput, type SwapInInput, type SwapInResult, type TableRefInput, type TableStatsResult,
  type ValidateLoadInput, type ValidateLoadResult, type ApplyChangesInput, type ApplyChangesResult, type KafkaOffset,
  type ApplyChangeSetsInput, type ChangeSet,
  type QuarantineLoadInput, type QuarantineLoadResult, type QuarantineSummaryResult, type ReplayQuarantineInput, type ReplayQuarantineResult,
  type Capability, type ChangeApply, type Erasure, type Provided, type Quarantine, type WarehouseAdapter, type WarehouseLoad, type WarehouseReads,
} from '../warehouse/port.js';
import { applyInLanes, storedOffsets, type KnownChangeTable, type PreparedChangeTable } from './change-apply.js';
import { createChangeLogSql } from './cdc-sql.js';
import { createSession } from './session.js';
import {
  applyLedger, beginErasure, erasureEvidence, erasurePositions, eraseTable, finishErasure, stagedFileMatches, type ErasureKey,
} from './erasure.js';
import { erasureTablesSql } from './erasure-sql.js';
import { buildDuckDbQualifiedLayer } from './qualified.js';
import { createDuckDbAccess } from './access.js';
import { createDuckDbKpis } from './kpis.js';
import { createDuckDbPublish } from './publish.js';
import { createDuckDbRetention } from './retention.js';
import {
  prepareChangeQuarantine, quarantineLoad, quarantineOnDrop, quarantineOnSwap, quarantineSummary, reconciliationStatsSql, replayQuarantine,
  type DuckDbSession,
} from './quarantine.js';
import { qualityTablesSql } from './quality-sql.js';
import { quarantineTableName } from './quarantine-sql.js';
import { createDuckDbQuality } from './quality-store.js';
import {
  controlTablesSql, createLoadTableSql, duplicateKeysSql, insertChunkSql, statsSql, utcNowText,
} from './load-sql.js';
import { ident, qualified } from '../../core/sql/duckdb.js';
import { redactCsvError } from '../../core/staged/format.js';

/**
 * The DuckDB warehouse. DuckDB lets one process own a database file, so this object is the owner:
 * one instance per file per process, every write serialised through one connection (a promise
 * queue), so transactions never interleave and never conflict. The one exception is inside a
 * grouped change write (change-apply.ts): its tables go to two writer connections at once, which
 * never write the same rows and commit only together.
 *
 * Load tables carry no PRIMARY KEY: measured on this machine a key index makes bulk CSV loads
 * markedly slower (see the report in connectors/duckdb/README.md); uniqueness is checked once at
 * validateLoad instead. Per-chunk idempotence comes from the `_factory.load_chunks` ledger,
 * written in the same transaction as the rows.
 */

export interface DuckDbWarehouseOptions {
  /** Database file path, or ':memory:' for tests. */
  path: string;
  /**
   * FACTORY_ERASURE_KEY: hashes the erasure ledger's entries and the rows ingestion checks against
   * them. Without it, erasure is refused and so is ingestion into a table the ledger names.
   */
  erasureKey?: ErasureKey;
}

/** DuckDB has every capability of the port. */
export const duckDbCapabilities = [
  'load', 'reads', 'changeApply', 'quarantine', 'qualityStore', 'qualifiedLayer', 'publication', 'retention', 'accessViews', 'erasure', 'kpis',
] as const satisfies readonly Capability[];
type DuckDbCapability = (typeof duckDbCapabilities)[number];

/** The storage format of a database file the warehouse creates (see createDuckDbWarehouse). */
export const duckDbStorageVersion = 'v1.3.0';

const openPaths = new Set<string>();

export async function createDuckDbWarehouse({ path, erasureKey }: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
  const key = path === ':memory:' ? `:memory:${openPaths.size}:${Date.now()}` : resolve(path);
  if (openPaths.has(key)) throw new Error(`DuckDB warehouse ${key} is already open in this process: share the one instance`);
  openPaths.add(key);
  try {
    // A new database file is written in the v1.3 storage format, whose combined dictionary + FSST
    // string compression chooses faster than the v1.0 format's separate analyses (measured: 3M-row,
    // 16-column load 5.4 → 4.5 s of CPU, same file size). An existing file keeps the format it has;
    // a new one is readable by DuckDB 1.3 and later.
    const instance = await DuckDBInstance.create(path, { storage_compatibility_version: duckDbStorageVersion });
    const writer = await instance.connect();
    // Change capture commits small scattered updates several times a second; with the default
    // 16 MB threshold nearly every commit checkpointed (measured: a 3,000-row merge into 1M rows took
    // 171 ms, 36 ms with 256 MB). A larger WAL only lengthens recovery after a crash.
    await writer.run(`SET checkpoint_threshold = '256MB'`);
    // Bulk inserts need not keep the staged rows' order (nothing reads raw tables in insertion order;
    // every query that needs an order says ORDER BY): measured 28 % less CPU per loaded chunk.
    await writer.run('SET preserve_insertion_order = false');
    for (const sql of [...controlTablesSql, ...qualityTablesSql, ...erasureTablesSql]) await writer.run(sql);
    return new DuckDbWarehouse(key, instance, writer, erasureKey);
  } catch (error) {
    openPaths.delete(key);
    throw error;
  }
}

/** Opened by createDuckDbWarehouse only (one instance per file per process). */
export class DuckDbWarehouse implements WarehouseAdapter<DuckDbCapability>,
  WarehouseLoad, WarehouseReads, ChangeApply, Quarantine, QualityStore, QualifiedLayer, Publication, Retention, AccessViews, Erasure, Kpis {
  readonly kind = 'duckdb';
  readonly provides: Provided<DuckDbCapability> = {
    load: this, reads: this, changeApply: this, quarantine: this, qualityStore: this, qualifiedLayer: this, publication: this, retention: this, accessViews: this,
    erasure: this, kpis: this,
  };

  private tail: Promise<unknown> = Promise.resolve();
  /**
   * What change batches of a table found out before them, so the next one need not ask again: its
   * change-capture layout is made (the table, `_deleted`, `_extra`, its change log: five DDL
   * statements, each its own commit, took about a third of a batch's write), whether it has a
   * quarantine table, and its erasure-ledger columns. Any other operation of this warehouse (a swap,
   * a quarantine step, an erasure) may change those, so it forgets them all (see serial); reads, and
   * writes of load and control tables only, keep them.
   */
  private readonly changeTables = new Map<string, KnownChangeTable>();
  private readers: DuckDBConnection[] = [];
  /** The writer as the SQL modules use it; only ever inside `serial`. */
  private readonly session: DuckDbSession;
  /** The change write's extra writer connections (change-apply.ts), opened at its first grouped write. */
  private extraLanes: { connection: DuckDBConnection; session: DuckDbSession }[] = [];
  private readonly quality;

  constructor(
    private readonly key: string, private readonly instance: DuckDBInstance, private readonly db: DuckDBConnection, private readonly erasureKey?: ErasureKey,
  ) {
    this.session = createSession(db);
    this.quality = createDuckDbQuality({ instance, writer: db, serial: (work) => this.serial(work) });
  }

  // Quality gate: checks on reader connections, reports and baselines through the write queue (quality-store.ts).
  qualityTarget: QualityStore['qualityTarget'] = (input) => this.quality.qualityTarget(input);
  runQualityQuery: QualityStore['runQualityQuery'] = (input) => this.quality.runQualityQuery(input);
  storeQualityReport: QualityStore['storeQualityReport'] = (input) => this.quality.storeQualityReport(input);
  lastQualityReport: QualityStore['lastQualityReport'] = (input) => this.quality.lastQualityReport(input);
  qualityBaselines: QualityStore['qualityBaselines'] = (input) => this.quality.qualityBaselines(input);

  // Publication: version snapshots and the one-transaction repointing of published views (publish.ts).
  private publishing() {
    return createDuckDbPublish({ writer: this.db, serial: (work) => this.serial(work) });
  }
  snapshotProduct: Publication['snapshotProduct'] = (input) => this.publishing().snapshotProduct(input);
  promoteProduct: Publication['promoteProduct'] = (input) => this.publishing().promoteProduct(input);
  dropSnapshot: Publication['dropSnapshot'] = (input) => this.publishing().dropSnapshot(input);
  publishedProduct: Publication['publishedProduct'] = (input) => this.publishing().publishedProduct(input);

  // KPIs: read-only queries over published relations on reader connections (kpis.ts).
  computeKpi: Kpis['computeKpi'] = (input) => createDuckDbKpis(this.instance).computeKpi(input);

  // Retention: change-log rows and superseded snapshots past their age (retention.ts).
  private retaining() {
    return createDuckDbRetention({ writer: this.db, serial: (work) => this.serial(work), transaction: (work) => this.transaction(work) });
  }
  pruneChangeLog: Retention['pruneChangeLog'] = (input) => this.retaining().pruneChangeLog(input);
  pruneSnapshots: Retention['pruneSnapshots'] = (input) => this.retaining().pruneSnapshots(input);

  // Secured views per role over the published products (access.ts).
  private securing() {
    return createDuckDbAccess({ writer: this.db, serial: (work) => this.serial(work), transaction: (work) => this.transaction(work) });
  }
  agencyIds: AccessViews['agencyIds'] = () => this.securing().agencyIds();
  buildAccessViews: AccessViews['buildAccessViews'] = (input) => this.securing().buildAccessViews(input);

  // Subject erasure and its ledger (erasure.ts); every call through the write queue.
  beginErasure: Erasure['beginErasure'] = (input) => this.serial(() => beginErasure(this.session, this.erasureKey, input));
  eraseTable: Erasure['eraseTable'] = (input) => this.serial(() => eraseTable(this.session, input));
  stagedFileMatches: Erasure['stagedFileMatches'] = (input) => this.serial(() => stagedFileMatches(this.session, this.erasureKey, input));
  erasurePositions: Erasure['erasurePositions'] = (input) => this.serial(() => erasurePositions(this.session, input));
  finishErasure: Erasure['finishErasure'] = (input) => this.serial(() => finishErasure(this.session, input));
  erasureEvidence: Erasure['erasureEvidence'] = (input) => this.serial(() => erasureEvidence(this.session, input), { keepsChangeTables: true });
  loadInFlight: Erasure['loadInFlight'] = ({ loadId, domain, table }) =>
    this.serial(async () => (await this.loadStatus(loadTableName(domain, table, loadId))) === 'loading', { keepsChangeTables: true });


  /** Runs `work` after every earlier call has finished: one writer, no interleaved transactions. */
  private serial<T>(work: () => Promise<T>, { keepsChangeTables = false } = {}): Promise<T> {
    const step = async () => {
      if (!keepsChangeTables) this.changeTables.clear();
      return work();
    };
    const run = this.tail.then(step, step);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private rows(sql: string, params: DuckDBValue[] = []): Promise<unknown[][]> {
    return this.session.rows(sql, params);
  }

  private transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.session.transaction(work);
  }

  private async loadStatus(loadTable: string): Promise<string | undefined> {
    const found = await this.rows('SELECT status FROM _factory.loads WHERE load_table = ?', [loadTable]);
    return found[0]?.[0] as string | undefined;
  }

  private tableExists(schema: string, name: string): Promise<boolean> {
    return this.session.tableExists(schema, name);
  }

  prepareLoad({ domain, table, loadId }: PrepareLoadInput): Promise<PrepareLoadResult> {
    return this.serial(async () => {
      const loadTable = loadTableName(domain, table.name, loadId);
      const { schema, name } = parseLoadTable(loadTable);
      const status = await this.loadStatus(loadTable);
      if (status === 'swapped') throw new LoadStateError(loadTable, `load '${loadId}' of ${domain}.${table.name} was already swapped in; start a new load id`);
      for (const layer of ['raw', 'qualified', 'published'] as const) await this.db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(layerSchema(layer, domain))}`);
      return this.transaction(async () => {
        const existed = await this.tableExists(schema, name);
        await this.db.run(createLoadTableSql(qualified(schema, name), table));
        if (existed) await this.checkLayout(loadTable, schema, name, table);
        if (status === undefined || status === 'dropped') {
          await this.db.run('DELETE FROM _factory.loads WHERE load_table = ?', [loadTable]);
          await this.db.run(`INSERT INTO _factory.loads VALUES (?, ?, ?, ?, 'loading', CAST(? AS TIMESTAMP), NULL)`,
            [loadTable, domain, table.name, loadId, utcNowText()]);
        }
        const count = await this.rows(`SELECT count(*) FROM ${qualified(schema, name)}`);
        return { loadTable, existingRows: Number(count[0]![0]) };
      });
    }, { keepsChangeTables: true });
  }

  /** A resumed load must have the layout the contract now declares, or its chunks would not fit. */
  private async checkLayout(loadTable: string, schema: string, name: string, table: TableRefInput['table']): Promise<void> {
    const found = await this.rows(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?
       AND column_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY column_index`, [schema, name]);
    const actual = found.map((r) => r[0]).join(', ');
    const expected = table.columns.map((c) => c.name).join(', ');
    if (actual !== expected) throw new LoadStateError(loadTable, `existing columns (${actual}) differ from the contract (${expected}); drop the load and start again`);
  }

  loadChunk({ loadTable, table, file, chunkIndex, lineage }: LoadChunkInput): Promise<LoadChunkResult> {
    return this.serial(() => this.transaction(async () => {
      const { schema, name } = parseLoadTable(loadTable);
      const status = await this.loadStatus(loadTable);
      if (status !== 'loading') throw new LoadStateError(loadTable, `cannot load chunk ${chunkIndex}: load is ${status ?? 'not prepared'}`);
      const done = await this.rows('SELECT row_count FROM _factory.load_chunks WHERE load_table = ? AND chunk_index = ?', [loadTable, chunkIndex]);
      if (done.length > 0) return { rows: Number(done[0]![0]), alreadyLoaded: true };
      let inserted: unknown[][];
      try {
        inserted = await this.rows(insertChunkSql(qualified(schema, name), table, file),
          [lineage.sourceSystem, lineage.loadId, utcNowText(), lineage.sourcePosition]);
      } catch (error) {
        // No `cause`: DuckDB's own message quotes row content (see redactCsvError).
        throw new Error(`loading chunk ${chunkIndex} of ${loadTable} from ${file} failed: ${redactCsvError((error as Error).message)}`);
      }
      const rows = Number(inserted[0]![0]);
      await this.db.run('INSERT INTO _factory.load_chunks VALUES (?, ?, ?, CAST(? AS TIMESTAMP))', [loadTable, chunkIndex, rows, utcNowText()]);
      return { rows, alreadyLoaded: false };
    }), { keepsChangeTables: true });
  }

  validateLoad({ loadTable, table, sourceEnforcesKey }: ValidateLoadInput): Promise<ValidateLoadResult> {
    return this.serial(async () => {
      const { schema, name } = parseLoadTable(loadTable);
      if (!(await this.tableExists(schema, name))) throw new LoadStateError(loadTable, 'cannot validate: the load table does not exist');
      const target = qualified(schema, name);
      const [stats] = await this.rows(statsSql(target, table));
      const dupSql = sourceEnforcesKey ? undefined : duplicateKeysSql(target, table);
      const duplicateKeys = dupSql ? Number((await this.rows(dupSql))[0]![0]) : 0;
      return { rows: Number(stats![0]), checksum: String(stats![1]), duplicateKeys };
    }, { keepsChangeTables: true });
  }

  quarantineLoad(input: QuarantineLoadInput): Promise<QuarantineLoadResult> {
    return this.serial(() => quarantineLoad(this.session, input));
  }

  replayQuarantine(input: ReplayQuarantineInput): Promise<ReplayQuarantineResult> {
    return this.serial(() => replayQuarantine(this.session, input));
  }

  quarantineSummary(input: TableRefInput): Promise<QuarantineSummaryResult> {
    return this.serial(() => quarantineSummary(this.session, input), { keepsChangeTables: true });
  }

  swapIn({ domain, table, loadTable }: SwapInInput): Promise<SwapInResult> {
    return this.serial(() => this.transaction(async () => {
      const { schema, name, table: tableName } = parseLoadTable(loadTable);
      if (schema !== layerSchema('raw', domain) || tableName !== table.name) {
        throw new LoadStateError(loadTable, `does not belong to ${domain}.${table.name}`);
      }
      const live = `${schema}.${table.name}`;
      const status = await this.loadStatus(loadTable);
      if (status === 'swapped') return { table: live, alreadySwapped: true };
      if (status !== 'loading' || !(await this.tableExists(schema, name))) {
        throw new LoadStateError(loadTable, `cannot swap in: load is ${status ?? 'not prepared'}`);
      }
      // Validated against the source already; what the erasure ledger names never reaches readers.
      const quarantined = qualified(schema, quarantineTableName(table.name));
      await applyLedger(this.session, this.erasureKey, {
        domain, table, relation: qualified(schema, name), origin: `backfill ${loadTable}`,
        alsoIn: (await this.tableExists(schema, quarantineTableName(table.name))) ? [quarantined] : [],
      });
      // One transaction: readers see the old table or the complete new one, never a gap.
      await this.db.run(`DROP TABLE IF EXISTS ${qualified(schema, table.name)}`);
      await this.db.run(`ALTER TABLE ${qualified(schema, name)} RENAME TO ${ident(table.name)}`);
      await quarantineOnSwap(this.session, loadTable);
      await this.db.run(`UPDATE _factory.loads SET status = 'swapped', finished_at = CAST(? AS TIMESTAMP) WHERE load_table = ?`, [utcNowText(), loadTable]);
      await this.db.run('DELETE FROM _factory.load_chunks WHERE load_table = ?', [loadTable]);
      return { table: live, alreadySwapped: false };
    }));
  }

  recordBackfill(input: RecordBackfillInput): Promise<void> {
    return this.serial(() => this.transaction(async () => {
      // Keyed by (domain, table, load id) so a retried activity records the run once.
      await this.db.run('DELETE FROM _factory.backfill_runs WHERE domain = ? AND table_name = ? AND load_id = ?', [input.domain, input.table, input.loadId]);
      await this.db.run('INSERT INTO _factory.backfill_runs VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))', [
        input.domain, input.table, input.loadId, input.rows, input.checksum, Math.round(input.durationMs), input.sourcePosition, utcNowText(),
      ]);
    }), { keepsChangeTables: true });
  }

  lastBackfill({ domain, table }: { domain: string; table: string }): Promise<BackfillRecord | null> {
    return this.serial(async () => {
      const found = await this.rows(
        `SELECT load_id, row_count, checksum, duration_ms, source_position, strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%gZ')
         FROM _factory.backfill_runs WHERE domain = ? AND table_name = ? ORDER BY recorded_at DESC LIMIT 1`, [domain, table]);
      const r = found[0];
      if (!r) return null;
      return {
        domain, table, loadId: String(r[0]), rows: Number(r[1]), checksum: String(r[2]), durationMs: Number(r[3]),
        sourcePosition: String(r[4]), recordedAt: String(r[5]),
      };
    }, { keepsChangeTables: true });
  }

  tableStats({ domain, table }: TableRefInput): Promise<TableStatsResult> {
    return this.serial(async () => {
      const schema = layerSchema('raw', domain);
      if (!(await this.tableExists(schema, table.name))) throw new Error(`warehouse table ${schema}.${table.name} does not exist (no backfill swapped in yet)`);
      const liveOnly = await this.columnExists(schema, table.name, '_deleted');
      // Open quarantined rows are held too, only not live: the source still has them.
      const sql = await reconciliationStatsSql(this.session, domain, table, liveOnly) ?? statsSql(qualified(schema, table.name), table, liveOnly);
      const [stats] = await this.rows(sql);
      return { rows: Number(stats![0]), checksum: String(stats![1]) };
    }, { keepsChangeTables: true });
  }

  dropLoad({ loadTable }: { loadTable: string }): Promise<void> {
    return this.serial(() => this.transaction(async () => {
      const { schema, name } = parseLoadTable(loadTable);
      if ((await this.loadStatus(loadTable)) === 'swapped') return;
      await quarantineOnDrop(this.session, loadTable);
      await this.db.run(`DROP TABLE IF EXISTS ${qualified(schema, name)}`);
      await this.db.run(`UPDATE _factory.loads SET status = 'dropped', finished_at = CAST(? AS TIMESTAMP) WHERE load_table = ?`, [utcNowText(), loadTable]);
      await this.db.run('DELETE FROM _factory.load_chunks WHERE load_table = ?', [loadTable]);
    }));
  }

  private columnExists(schema: string, tableName: string, column: string): Promise<boolean> {
    return this.session.columnExists(schema, tableName, column);
  }

  async applyChanges({ consumer, ...set }: ApplyChangesInput): Promise<ApplyChangesResult> {
    return (await this.applyChangeSets({ consumer, sets: [set] }))[0]!;
  }

  /**
   * The batches of several tables in one write, all or none (change-apply.ts): the transaction's
   * fixed part (its stored offsets read and written, the commit) is paid once a lane instead of
   * once a table, and with more than one table two writer connections work at once.
   */
  applyChangeSets({ consumer, sets }: ApplyChangeSetsInput): Promise<ApplyChangesResult[]> {
    return this.serial(async () => {
      const prepared: PreparedChangeTable[] = [];
      for (const set of sets) prepared.push(await this.prepareChangeTable(set.domain, set.table));
      // A failed write makes sure of the layout again on its retry (a table dropped under us).
      return applyInLanes((count) => this.changeLanes(count), { consumer, sets, prepared, erasureKey: this.erasureKey })
        .catch((error: unknown) => {
          for (const p of prepared) this.changeTables.delete(p.current);
          throw error;
        });
    }, { keepsChangeTables: true });
  }

  /** The writer first, then extra connections as a write needs them (kept open until close). */
  private async changeLanes(count: number): Promise<DuckDbSession[]> {
    while (this.extraLanes.length < count - 1) {
      const connection = await this.instance.connect();
      this.extraLanes.push({ connection, session: createSession(connection) });
    }
    return [this.session, ...this.extraLanes.slice(0, count - 1).map((l) => l.session)];
  }

  /** Outside the transaction (DDL): the table's current state and change log, and its quarantine if any. */
  private async prepareChangeTable(domain: string, table: ChangeSet['table']): Promise<PreparedChangeTable> {
    const schema = layerSchema('raw', domain);
    const current = qualified(schema, table.name);
    const changeLog = qualified(schema, `${table.name}__changes`);
    let known = this.changeTables.get(current);
    if (!known) {
      await this.db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      // Change capture without a backfill starts from an empty current-state table.
      await this.db.run(createLoadTableSql(current, table));
      await this.db.run(`ALTER TABLE ${current} ADD COLUMN IF NOT EXISTS "_deleted" BOOLEAN DEFAULT false`);
      await this.db.run(`ALTER TABLE ${current} ADD COLUMN IF NOT EXISTS "_extra" VARCHAR`);
      await this.db.run(createChangeLogSql(changeLog, table));
    }
    const quarantine = await prepareChangeQuarantine(this.session, domain, table, known?.quarantined);
    known = { ...known, quarantined: quarantine !== undefined };
    this.changeTables.set(current, known);
    return { current, changeLog, quarantine, known };
  }

  consumerOffsets({ consumer }: { consumer: string }): Promise<KafkaOffset[]> {
    return this.serial(async () => (await storedOffsets(this.session, consumer)).list(), { keepsChangeTables: true });
  }

  buildQualifiedLayer(input: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult> {
    return this.serial(() => buildDuckDbQualifiedLayer(this.db, input));
  }

  /** An extra connection for in-process readers (queries, tests); never for writes. */
  async connectReader(): Promise<DuckDBConnection> {
    const reader = await this.instance.connect();
    this.readers.push(reader);
    return reader;
  }

  close(): Promise<void> {
    return this.serial(async () => {
      for (const reader of this.readers) reader.closeSync();
      for (const lane of this.extraLanes) lane.connection.closeSync();
      this.db.closeSync();
      this.instance.closeSync();
      openPaths.delete(this.key);
    });
  }
}
