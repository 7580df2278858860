import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { md5Hex } from '../../core/md5.js';
import {
  layerSchema, LoadStateError, loadTableName, parseLoadTable,
  type ApplyChangesInput, type ApplyChangesResult, type BackfillRecord, type KafkaOffset, StoredOffsets, type LoadChunkInput, type LoadChunkResult,
  type PrepareLoadInput, type PrepareLoadResult, type RecordBackfillInput, type SwapInInput, type SwapInResult, type TableRefInput,
  type TableStatsResult, type ValidateLoadInput, type ValidateLoadResult,
  type Capability, type ChangeApply, type Provided, type Quarantine, type WarehouseAdapter, type WarehouseLoad, type WarehouseReads,
} from '../warehouse/port.js';
import { qualified } from '../../core/sql/bigquery.js';
import type { BigQuery, JobMetadata, TableField } from '@google-cloud/bigquery';
import { createBigQueryClient, query, runJob, succeededJob, withRetry, type BigQueryClientOptions, type JobConfiguration, type QueryOptions } from './client.js';
import { ParquetWriter } from './parquet.js';
import { createBigQueryRetention } from './retention.js';
import { createBigQueryKpis } from './kpis.js';
import type { Kpis } from '../warehouse/kpi-port.js';
import { createBigQueryQuarantine, type BigQueryQuarantine } from './quarantine.js';
import { createBigQueryErasure, type BigQueryErasure } from './erasure.js';
import type { ErasureKey } from '../../core/erasure/key.js';
import type { Erasure } from '../warehouse/erasure-port.js';
import type { Retention } from '../warehouse/retention-port.js';
import type { QualityStore } from '../warehouse/quality-port.js';
import type { QualifiedLayer } from '../warehouse/qualified-port.js';
import { createBigQueryQuality } from './quality-store.js';
import { createBigQueryQualifiedLayer } from './qualified.js';
import { createBigQueryPublish } from './publish.js';
import { createBigQueryAccess } from './access.js';
import type { Publication } from '../warehouse/publish-port.js';
import type { AccessViews } from '../warehouse/access-port.js';
import type { BigQueryOps } from './ops.js';
import {
  applyScript, batchFields, changeLogFields, clusteringFields, controlTablesSql, duplicateKeysSql, rawTableFields, statsSql, tableLabels,
} from './sql.js';

/**
 * The BigQuery warehouse, behind the same port as DuckDB (connectors/warehouse/port.ts), with the
 * capabilities of backfill, change capture, row quarantine (quarantine.ts), change-log retention,
 * the quality store (quality-store.ts) and the qualified views (qualified.ts). Publication is built on
 * DuckDB only so far: the worker refuses to start for a workflow that needs it (workers/capabilities.ts).
 *
 * - Loads: each staged CSV chunk becomes a Parquet file (parquet.ts) and one load job into the load
 *   table. The job id is derived from the load (table, generation) and the chunk index; runJob never
 *   runs a successful job id twice, so a retried activity finds the job and records it instead of
 *   loading again. The `_factory.load_chunks` ledger then answers retries without a job lookup.
 * - Swap: a copy job with WRITE_TRUNCATE from the load table to the live table: atomic (readers
 *   see the old or the new table), free of query charges, and it keeps the load table's clustering.
 *   `CREATE OR REPLACE TABLE … AS SELECT` is atomic too but bills a scan of the whole table.
 * - Change capture: the batch lands through a load job, then one multi-statement transaction
 *   appends it to the change log, merges the newest change per key and stores the offsets.
 *
 * BigQuery allows 1,500 load jobs per table and day: a backfill costs one per chunk (500,000 rows by
 * default), a change batch one. Every query carries maximumBytesBilled.
 */

export interface BigQueryWarehouseOptions extends BigQueryClientOptions {
  maximumBytesBilled: number;
  /** FACTORY_ERASURE_KEY: without it erasure is refused, and so is ingestion into a table the ledger names. */
  erasureKey?: ErasureKey | undefined;
}

/** What BigQuery provides of the port so far. */
export const bigQueryCapabilities = [
  'load', 'reads', 'changeApply', 'retention', 'quarantine', 'qualityStore', 'qualifiedLayer', 'publication', 'accessViews', 'erasure', 'kpis',
] as const satisfies readonly Capability[];
type BigQueryCapability = (typeof bigQueryCapabilities)[number];

export async function createBigQueryWarehouse(options: BigQueryWarehouseOptions): Promise<BigQueryWarehouse> {
  const bq = createBigQueryClient(options);
  const impl = new BigQueryWarehouse(bq, options, await ParquetWriter.create());
  await impl.init();
  return impl;
}

const jobPrefix = 'factory';
const hash = (text: string): string => md5Hex(text).slice(0, 20);

/** Opened by createBigQueryWarehouse only. */
export class BigQueryWarehouse implements WarehouseAdapter<BigQueryCapability>, WarehouseLoad, WarehouseReads, ChangeApply, Retention, Quarantine,
  QualityStore, QualifiedLayer, Publication, AccessViews, Erasure, Kpis {
  readonly kind = 'bigquery';
  readonly provides: Provided<BigQueryCapability> = {
    load: this, reads: this, changeApply: this, retention: this, quarantine: this, qualityStore: this, qualifiedLayer: this, publication: this, accessViews: this,
    erasure: this, kpis: this,
  };
  /** One merger per table: BigQuery queues mutating DML per table, and the offsets check must not race. */
  private tableQueues = new Map<string, Promise<unknown>>();

  /** `client` is for readers (tests, tools); never for writes outside this adapter. */
  /** What the capability modules (retention.ts, …) share of this adapter. */
  readonly ops: BigQueryOps;

  constructor(readonly client: BigQuery, private readonly options: BigQueryWarehouseOptions, private readonly parquet: ParquetWriter) {
    this.ops = {
      client,
      projectId: options.projectId,
      location: options.location,
      maximumBytesBilled: options.maximumBytesBilled,
      emulator: options.apiEndpoint !== undefined,
      q: (sql, extra) => this.q(sql, extra),
      tableExists: (d, t) => this.tableExists(d, t),
      ensureDataset: (name, labels) => this.ensureDataset(name, labels),
      ensureTable: (d, t, fields, extra) => this.ensureTable(d, t, fields, extra),
      dropTable: (d, t) => this.dropTable(d, t),
      inTableQueue: (key, work) => this.inTableQueue(key, work),
    };
    this.retention = createBigQueryRetention(this.ops);
    this.quarantine = createBigQueryQuarantine(this.ops);
    this.quality = createBigQueryQuality(this.ops);
    this.qualifiedLayer = createBigQueryQualifiedLayer(this.ops);
    this.publication = createBigQueryPublish(this.ops);
    this.access = createBigQueryAccess(this.ops);
    this.erasure = createBigQueryErasure(this.ops, { key: options.erasureKey, staged: parquet });
  }

  private q<T = Record<string, unknown>>(sql: string, extra: Omit<QueryOptions, 'maximumBytesBilled'> = {}): Promise<T[]> {
    return query<T>(this.client, sql, { maximumBytesBilled: this.options.maximumBytesBilled, ...extra });
  }

  async init(): Promise<void> {
    await this.ensureDataset('_factory', { layer: 'control' });
    for (const sql of controlTablesSql) await this.q(sql);
  }

  private async ensureDataset(name: string, labels: Record<string, string>): Promise<void> {
    const dataset = this.client.dataset(name);
    const [exists] = await withRetry(() => dataset.exists());
    if (exists) return;
    try {
      await withRetry(() => dataset.create({ location: this.options.location, labels }));
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }

  private async tableExists(dataset: string, table: string): Promise<boolean> {
    const [exists] = await withRetry(() => this.client.dataset(dataset).table(table).exists());
    return exists;
  }

  private async ensureTable(dataset: string, table: string, fields: TableField[], extra: { clustering?: string[]; labels?: Record<string, string> } = {}): Promise<boolean> {
    if (await this.tableExists(dataset, table)) return true;
    try {
      await withRetry(() => this.client.dataset(dataset).createTable(table, {
        schema: { fields },
        ...(extra.clustering?.length ? { clustering: { fields: extra.clustering } } : {}),
        ...(extra.labels ? { labels: extra.labels } : {}),
      }));
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
    return false;
  }

  private async dropTable(dataset: string, table: string): Promise<void> {
    try {
      await withRetry(() => this.client.dataset(dataset).table(table).delete());
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }

  private async loadRecord(loadTable: string): Promise<{ status: string; generation: string } | undefined> {
    const rows = await this.q<{ status: string; generation: string }>(
      `SELECT status, CAST(UNIX_MICROS(created_at) AS STRING) AS generation FROM _factory.loads WHERE load_table = @t`, { params: { t: loadTable } });
    return rows[0];
  }

  async prepareLoad({ domain, table, loadId }: PrepareLoadInput): Promise<PrepareLoadResult> {
    const loadTable = loadTableName(domain, table.name, loadId);
    const { schema, name } = parseLoadTable(loadTable);
    const record = await this.loadRecord(loadTable);
    if (record?.status === 'swapped') throw new LoadStateError(loadTable, `load '${loadId}' of ${domain}.${table.name} was already swapped in; start a new load id`);
    for (const layer of ['raw', 'qualified', 'published'] as const) await this.ensureDataset(layerSchema(layer, domain), { domain, layer });
    const fields = rawTableFields(table);
    const existed = await this.ensureTable(schema, name, fields, { clustering: clusteringFields(table), labels: tableLabels(domain, table) });
    if (existed) await this.checkLayout(loadTable, schema, name, fields);
    if (record === undefined || record.status === 'dropped') {
      // One statement: a retried prepareLoad replaces the row instead of adding a second one.
      await this.q(`MERGE _factory.loads AS t USING (SELECT @t AS load_table) AS s ON t.load_table = s.load_table
        WHEN MATCHED THEN UPDATE SET status = 'loading', created_at = CURRENT_TIMESTAMP(), finished_at = NULL
        WHEN NOT MATCHED THEN INSERT (load_table, domain, table_name, load_id, status, created_at)
          VALUES (@t, @domain, @table, @loadId, 'loading', CURRENT_TIMESTAMP())`,
      { params: { t: loadTable, domain, table: table.name, loadId } });
    }
    const [count] = await this.q<{ n: number }>(`SELECT COUNT(*) AS n FROM ${qualified(schema, name)}`);
    return { loadTable, existingRows: Number(count!.n) };
  }

  /** A resumed load must have the layout the contract now declares, or its chunks would not fit. */
  private async checkLayout(loadTable: string, schema: string, name: string, fields: TableField[]): Promise<void> {
    const [metadata] = await withRetry(() => this.client.dataset(schema).table(name).getMetadata());
    const actual = ((metadata.schema?.fields ?? []) as TableField[]).map((f) => f.name).join(', ');
    const expected = fields.map((f) => f.name).join(', ');
    if (actual !== expected) throw new LoadStateError(loadTable, `existing columns (${actual}) differ from the contract (${expected}); drop the load and start again`);
  }

  async loadChunk({ loadTable, table, file, chunkIndex, lineage }: LoadChunkInput): Promise<LoadChunkResult> {
    const { schema, name } = parseLoadTable(loadTable);
    const record = await this.loadRecord(loadTable);
    if (record?.status !== 'loading') throw new LoadStateError(loadTable, `cannot load chunk ${chunkIndex}: load is ${record?.status ?? 'not prepared'}`);
    const done = await this.q<{ n: number }>('SELECT row_count AS n FROM _factory.load_chunks WHERE load_table = @t AND chunk_index = @i',
      { params: { t: loadTable, i: chunkIndex } });
    if (done.length > 0) return { rows: Number(done[0]!.n), alreadyLoaded: true };
    const parquet = `${file}.${hash(loadTable)}.parquet`;
    try {
      const { rows } = await this.parquet.loadChunk({ table, csv: file, parquet, ...lineage });
      // The generation tells a load prepared again after dropLoad from the earlier one of the same id.
      const jobBase = `${jobPrefix}_load_${hash(`${loadTable}@${record.generation}`)}_c${chunkIndex}`;
      const job = await this.loadJob(jobBase, schema, name, parquet, 'WRITE_APPEND');
      await this.q(`INSERT INTO _factory.load_chunks (load_table, chunk_index, row_count, job_id, loaded_at)
        VALUES (@t, @i, @rows, @job, CURRENT_TIMESTAMP())`, { params: { t: loadTable, i: chunkIndex, rows, job: job.jobId } });
      return { rows, alreadyLoaded: job.reused };
    } catch (error) {
      throw new Error(`loading chunk ${chunkIndex} of ${loadTable} from ${file} failed: ${(error as Error).message}`);
    } finally {
      await rm(parquet, { force: true });
    }
  }

  /**
   * The emulator reads `file://` URIs on its own machine and ignores the job id of a media upload;
   * BigQuery takes the file as a media upload under our job id.
   */
  private async loadJob(jobBase: string, dataset: string, table: string, parquet: string, writeDisposition: string, fields?: TableField[]) {
    const load: NonNullable<JobConfiguration['load']> = {
      sourceFormat: 'PARQUET',
      destinationTable: { projectId: this.options.projectId, datasetId: dataset, tableId: table },
      writeDisposition,
      createDisposition: fields ? 'CREATE_IF_NEEDED' : 'CREATE_NEVER',
      ...(fields ? { schema: { fields } } : {}),
    };
    if (this.options.apiEndpoint) return runJob(this.client, jobBase, { load: { ...load, sourceUris: [`file://${parquet}`] } });
    return uploadJob(this.client, jobBase, dataset, table, parquet, load);
  }

  async validateLoad({ loadTable, table, sourceEnforcesKey }: ValidateLoadInput): Promise<ValidateLoadResult> {
    const { schema, name } = parseLoadTable(loadTable);
    if (!(await this.tableExists(schema, name))) throw new LoadStateError(loadTable, 'cannot validate: the load table does not exist');
    const target = qualified(schema, name);
    const [stats] = await this.q<{ row_count: number; checksum: string }>(statsSql(target, table));
    const dupSql = sourceEnforcesKey ? undefined : duplicateKeysSql(target, table);
    const duplicateKeys = dupSql ? Number((await this.q<{ n: number }>(dupSql))[0]!.n) : 0;
    return { rows: Number(stats!.row_count), checksum: String(stats!.checksum), duplicateKeys };
  }

  async swapIn({ domain, table, loadTable }: SwapInInput): Promise<SwapInResult> {
    const { schema, name, table: tableName } = parseLoadTable(loadTable);
    if (schema !== layerSchema('raw', domain) || tableName !== table.name) throw new LoadStateError(loadTable, `does not belong to ${domain}.${table.name}`);
    const live = `${schema}.${table.name}`;
    const record = await this.loadRecord(loadTable);
    if (record?.status === 'swapped') return { table: live, alreadySwapped: true };
    if (record?.status !== 'loading') throw new LoadStateError(loadTable, `cannot swap in: load is ${record?.status ?? 'not prepared'}`);
    // A derived id: after a crash past the copy, the retry must not copy again over changes applied since.
    // What the erasure ledger names leaves the load table first (erasure.ts).
    await this.erasure.guardedSwap({ domain, table, loadTable }, () => runJob(this.client, `${jobPrefix}_swap_${hash(`${loadTable}@${record.generation}`)}`, {
      copy: {
        sourceTable: { projectId: this.options.projectId, datasetId: schema, tableId: name },
        destinationTable: { projectId: this.options.projectId, datasetId: schema, tableId: table.name },
        writeDisposition: 'WRITE_TRUNCATE', createDisposition: 'CREATE_IF_NEEDED',
      },
    }));
    // After the guarded copy, outside the table queue the guard holds (onSwap takes it itself).
    await this.quarantine.onSwap({ domain, table, loadTable, generation: record.generation });
    await this.q(`UPDATE _factory.loads SET status = 'swapped', finished_at = CURRENT_TIMESTAMP() WHERE load_table = @t`, { params: { t: loadTable } });
    await this.q('DELETE FROM _factory.load_chunks WHERE load_table = @t', { params: { t: loadTable } });
    await this.dropTable(schema, name);
    return { table: live, alreadySwapped: false };
  }

  async recordBackfill(input: RecordBackfillInput): Promise<void> {
    // Keyed by (domain, table, load id) so a retried activity records the run once.
    await this.q(`MERGE _factory.backfill_runs AS t
      USING (SELECT @domain AS domain, @table AS table_name, @loadId AS load_id) AS s
      ON t.domain = s.domain AND t.table_name = s.table_name AND t.load_id = s.load_id
      WHEN MATCHED THEN UPDATE SET row_count = @rows, checksum = @checksum, duration_ms = @durationMs, source_position = @position, recorded_at = CURRENT_TIMESTAMP()
      WHEN NOT MATCHED THEN INSERT (domain, table_name, load_id, row_count, checksum, duration_ms, source_position, recorded_at)
        VALUES (@domain, @table, @loadId, @rows, @checksum, @durationMs, @position, CURRENT_TIMESTAMP())`, {
      params: {
        domain: input.domain, table: input.table, loadId: input.loadId, rows: input.rows, checksum: input.checksum,
        durationMs: Math.round(input.durationMs), position: input.sourcePosition,
      },
    });
  }

  async lastBackfill({ domain, table }: { domain: string; table: string }): Promise<BackfillRecord | null> {
    const rows = await this.q<Record<string, unknown>>(
      `SELECT load_id, row_count, checksum, duration_ms, source_position, recorded_at FROM _factory.backfill_runs
       WHERE domain = @domain AND table_name = @table ORDER BY recorded_at DESC LIMIT 1`, { params: { domain, table } });
    const r = rows[0];
    if (!r) return null;
    return {
      domain, table, loadId: String(r.load_id), rows: Number(r.row_count), checksum: String(r.checksum), durationMs: Number(r.duration_ms),
      sourcePosition: String(r.source_position), recordedAt: new Date((r.recorded_at as { value: string }).value).toISOString(),
    };
  }

  async tableStats({ domain, table }: TableRefInput): Promise<TableStatsResult> {
    const schema = layerSchema('raw', domain);
    if (!(await this.tableExists(schema, table.name))) throw new Error(`warehouse table ${schema}.${table.name} does not exist (no backfill swapped in yet)`);
    // Open quarantined rows are held too, only not live: the source still has them.
    const sql = await this.quarantine.statsSql(domain, table) ?? statsSql(qualified(schema, table.name), table, true);
    const [stats] = await this.q<{ row_count: number; checksum: string }>(sql);
    return { rows: Number(stats!.row_count), checksum: String(stats!.checksum) };
  }

  async dropLoad({ loadTable }: { loadTable: string }): Promise<void> {
    const { schema, name } = parseLoadTable(loadTable);
    if ((await this.loadRecord(loadTable))?.status === 'swapped') return;
    await this.quarantine.onDrop(loadTable);
    await this.dropTable(schema, name);
    await this.q(`UPDATE _factory.loads SET status = 'dropped', finished_at = CURRENT_TIMESTAMP() WHERE load_table = @t`, { params: { t: loadTable } });
    await this.q('DELETE FROM _factory.load_chunks WHERE load_table = @t', { params: { t: loadTable } });
  }

  async applyChanges(input: ApplyChangesInput): Promise<ApplyChangesResult> {
    return this.inTableQueue(`${input.domain}.${input.table.name}`, () => this.applyChangesNow(input));
  }

  private inTableQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tableQueues.get(key) ?? Promise.resolve()).then(work);
    this.tableQueues.set(key, run.catch(() => undefined));
    return run;
  }

  // KPIs over the published products (kpis.ts).
  computeKpi: Kpis['computeKpi'] = (input) => createBigQueryKpis(this.ops).computeKpi(input);

  // Retention: change-log rows and superseded snapshots past their age (retention.ts).
  private readonly retention: Retention;
  pruneChangeLog: Retention['pruneChangeLog'] = (input) => this.retention.pruneChangeLog(input);
  pruneSnapshots: Retention['pruneSnapshots'] = (input) => this.retention.pruneSnapshots(input);

  // Row quarantine at backfill and in change capture, and its replay (quarantine.ts).
  private readonly quarantine: BigQueryQuarantine;
  quarantineLoad: Quarantine['quarantineLoad'] = (input) => this.quarantine.quarantineLoad(input);
  replayQuarantine: Quarantine['replayQuarantine'] = (input) => this.quarantine.replayQuarantine(input);
  quarantineSummary: Quarantine['quarantineSummary'] = (input) => this.quarantine.quarantineSummary(input);

  // Quality gate (quality-store.ts) and qualified views (qualified.ts).
  private readonly quality: QualityStore;
  private readonly qualifiedLayer: QualifiedLayer;
  qualityTarget: QualityStore['qualityTarget'] = (input) => this.quality.qualityTarget(input);
  runQualityQuery: QualityStore['runQualityQuery'] = (input) => this.quality.runQualityQuery(input);
  storeQualityReport: QualityStore['storeQualityReport'] = (input) => this.quality.storeQualityReport(input);
  lastQualityReport: QualityStore['lastQualityReport'] = (input) => this.quality.lastQualityReport(input);
  qualityBaselines: QualityStore['qualityBaselines'] = (input) => this.quality.qualityBaselines(input);
  buildQualifiedLayer: QualifiedLayer['buildQualifiedLayer'] = (input) => this.qualifiedLayer.buildQualifiedLayer(input);

  // Publication (publish.ts: reader views through a version pointer) and secured views (access.ts).
  private readonly publication: Publication;
  snapshotProduct: Publication['snapshotProduct'] = (input) => this.publication.snapshotProduct(input);
  promoteProduct: Publication['promoteProduct'] = (input) => this.publication.promoteProduct(input);
  dropSnapshot: Publication['dropSnapshot'] = (input) => this.publication.dropSnapshot(input);
  publishedProduct: Publication['publishedProduct'] = (input) => this.publication.publishedProduct(input);
  private readonly access: AccessViews;
  agencyIds: AccessViews['agencyIds'] = () => this.access.agencyIds();
  buildAccessViews: AccessViews['buildAccessViews'] = (input) => this.access.buildAccessViews(input);

  // Subject erasure and the ledger guard of swaps and change batches (erasure.ts).
  private readonly erasure: BigQueryErasure;
  beginErasure: Erasure['beginErasure'] = (input) => this.erasure.beginErasure(input);
  eraseTable: Erasure['eraseTable'] = (input) => this.erasure.eraseTable(input);
  stagedFileMatches: Erasure['stagedFileMatches'] = (input) => this.erasure.stagedFileMatches(input);
  loadInFlight: Erasure['loadInFlight'] = (input) => this.erasure.loadInFlight(input);
  erasurePositions: Erasure['erasurePositions'] = (input) => this.erasure.erasurePositions(input);
  finishErasure: Erasure['finishErasure'] = (input) => this.erasure.finishErasure(input);
  erasureEvidence: Erasure['erasureEvidence'] = (input) => this.erasure.erasureEvidence(input);

  private async applyChangesNow({ domain, table, sourceSystem, file, consumer, offsets }: ApplyChangesInput): Promise<ApplyChangesResult> {
    const stored = await this.storedOffsets(consumer);
    if (stored.covers(offsets)) return { changes: 0, alreadyApplied: true };
    const schema = layerSchema('raw', domain);
    await this.ensureDataset(schema, { domain, layer: 'raw' });
    // Change capture without a backfill starts from an empty current-state table.
    await this.ensureTable(schema, table.name, rawTableFields(table), { clustering: clusteringFields(table), labels: tableLabels(domain, table) });
    await this.ensureTable(schema, `${table.name}__changes`, changeLogFields(table), { labels: { ...tableLabels(domain, table), layer: 'raw_changes' } });
    // The batch identity: the same batch gives the same apply job id. Stored offsets answer most
    // retries; this id answers the one after the transaction committed but before anything else.
    // The batch's content is part of its identity: offsets alone repeat when a topic is created again
    // (capture re-registered, topics dropped) and BigQuery keeps job ids for months, so a new batch
    // with an old batch's offsets would be taken for it and skipped.
    const batchId = hash(`${consumer}|${domain}.${table.name}|${JSON.stringify(offsets)}|${await fileDigest(file)}`);
    const applyJob = `${jobPrefix}_cdc_${batchId}_apply`;
    if (offsets.length > 0 && await succeededJob(this.client, applyJob)) return { changes: 0, alreadyApplied: true };
    const batchTable = `${table.name}__batch_${batchId}`;
    const parquet = `${file}.${batchId}.parquet`;
    try {
      const { rows } = await this.parquet.changeBatch({ table, csv: file, parquet });
      // Landing the batch is repeatable (WRITE_TRUNCATE of its own table): a fresh job id each time.
      await this.loadJob(`${jobPrefix}_cdc_${batchId}_load_${crypto.randomUUID().slice(0, 8)}`, schema, batchTable, parquet, 'WRITE_TRUNCATE', batchFields(table));
      const truncates = (await this.q<{ p: string }>(`SELECT _position AS p FROM ${qualified(schema, batchTable)} WHERE _op = 't' ORDER BY _position`)).map((r) => r.p);
      // An erased subject's changes are dropped (or anonymised) and counted before the change log and the merge.
      const guard = await this.erasure.changeBatchGuard({
        domain, table, batch: qualified(schema, batchTable), origin: `cdc ${offsets.map((o) => `${o.topic}:${o.partition}@${o.nextOffset}`).join(' ')}`.trim(),
      });
      const script = applyScript({
        current: qualified(schema, table.name), changeLog: qualified(schema, `${table.name}__changes`), batch: qualified(schema, batchTable),
        table, sourceSystem, truncates, consumer, offsets, quarantine: await this.quarantine.forChanges(domain, table), guard,
      });
      const applied = await runJob(this.client, applyJob, {
        query: { query: script, useLegacySql: false, maximumBytesBilled: String(this.options.maximumBytesBilled) },
      });
      return { changes: rows, alreadyApplied: applied.reused };
    } finally {
      await rm(parquet, { force: true });
      await this.dropTable(schema, batchTable);
    }
  }

  private async storedOffsets(consumer: string): Promise<StoredOffsets> {
    const rows = await this.q<{ topic: string; p: number; o: string }>(
      'SELECT topic, kafka_partition AS p, CAST(next_offset AS STRING) AS o FROM _factory.cdc_offsets WHERE consumer = @c', { params: { c: consumer } });
    return new StoredOffsets(rows.map((r) => ({ topic: r.topic, partition: Number(r.p), nextOffset: r.o })));
  }

  async consumerOffsets({ consumer }: { consumer: string }): Promise<KafkaOffset[]> {
    return (await this.storedOffsets(consumer)).list();
  }

  async close(): Promise<void> {
    await Promise.all(this.tableQueues.values());
    this.parquet.close();
  }
}

/** MD5 of a staged file's bytes, read as a stream (a change batch may be tens of megabytes). */
async function fileDigest(file: string): Promise<string> {
  const digest = createHash('md5');
  for await (const chunk of createReadStream(file)) digest.update(chunk as Buffer);
  return digest.digest('hex');
}

/** BigQuery proper: a media upload of the Parquet file, under the derived job id (see runJob). */
async function uploadJob(bq: BigQuery, jobBase: string, dataset: string, table: string, parquet: string, load: NonNullable<JobConfiguration['load']>) {
  // The table reference travels in the upload's own destination; the rest of the configuration as is.
  const { destinationTable: _destination, ...metadata } = load;
  // runJob's lookup-then-insert, with the insert being an upload: the same at-most-once rule.
  return runJob(bq, jobBase, { load }, undefined, async (jobId) => {
    const [job] = await bq.dataset(dataset).table(table).createLoadJob(parquet, { ...metadata, jobId });
    return job.metadata as JobMetadata;
  });
}
