import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createCdcActivities, stopIngestPipelines } from '../activities/cdc/index.js';
import { createHealthActivities } from '../activities/health/index.js';
import { createQualityActivities } from '../activities/quality/index.js';
import { createSourceActivities } from '../activities/source/index.js';
import { createWarehouseActivities } from '../activities/warehouse/index.js';
import { createQualifiedActivities } from '../activities/warehouse/qualified.js';
import { createPublishWarehouseActivities } from '../activities/warehouse/publish.js';
import { createAccessActivities } from '../activities/warehouse/access.js';
import { createErasureActivities } from '../activities/warehouse/erase.js';
import { createRetentionActivities } from '../activities/warehouse/retention.js';
import { createKpiWarehouseActivities } from '../activities/warehouse/kpis.js';
import { ConfigError, hashKey, type Config } from '../core/config.js';
import { createBigQueryWarehouse } from '../connectors/bigquery/warehouse.js';
import { createDuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { createKafka } from '../connectors/kafka/client.js';
import { payloadProtection } from '../connectors/temporal-codec/index.js';
import type { OpenWarehouse } from '../connectors/warehouse/port.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import { dataSubjects, registry as defaultRegistry, type DomainRegistry } from '../domains/index.js';
import { servedTables } from '../domains/serving-checks.js';
import { checkWorkflowCapabilities, warehouseCapabilities } from './capabilities.js';
import { captureFormatProblems } from './cdc-formats.js';
import { createSourceRegistry, describeSources, planSources } from './connectors.js';
import { createCaptureCoverages } from './capture-coverage.js';
import type { FactoryMetrics } from '../activities/lib/metrics.js';
import { factoryStatus } from '../workflows/api/search-attributes.js';
import { createLogger, createSdkLogger } from './logger.js';
import { freeLoopbackPort, startMetricsServer, type MetricsServer } from './metrics-server.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import { createWorkerTracing } from './traces.js';
import { createPublicationActivities } from './publication.js';

export type WorkerRole = 'all' | 'general' | 'warehouse';

export interface StartWorkersInput {
  config: Config;
  role: WorkerRole;
  /** The contracts served; the declared domains unless a test brings its own. */
  registry?: DomainRegistry;
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped (after shutdown() or a fatal error) and connectors are closed. */
  done: Promise<void>;
  shutdown(): void;
  /** Where this worker set serves Prometheus metrics; undefined with FACTORY_METRICS_PORT=off. */
  metricsUrl: string | undefined;
}

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Wires connectors into activity factories and starts the workers of a role:
 * `general` (workflows and scale-out activities: source reads, Kafka), `warehouse` (the single
 * owner of the warehouse), or `all` for a one-process setup.
 */
export async function startWorkers({ config, role, registry = defaultRegistry }: StartWorkersInput): Promise<RunningWorkers> {
  const ownsWarehouse = role === 'all' || role === 'warehouse';
  // Before anything is opened: a warehouse that cannot serve an enabled workflow stops the start.
  if (ownsWarehouse) {
    const warehouse = config.FACTORY_WAREHOUSE;
    checkWorkflowCapabilities({ warehouse, provided: warehouseCapabilities[warehouse], workflows: config.FACTORY_WORKFLOWS });
  }
  // Also before anything is opened: every contract system needs a source (the warehouse owner reads none).
  const sourcePlan = planSources(config, tablesBySystem(registry));
  const formatProblems = captureFormatProblems(config.FACTORY_CDC_FORMATS, sourcePlan.plans);
  if (formatProblems.length) throw new ConfigError(`Invalid configuration (environment variables):\n  ${formatProblems.join('\n  ')}`);
  if (role !== 'warehouse') {
    if (sourcePlan.problems.length) throw new ConfigError(`Invalid configuration (environment variables):\n  ${sourcePlan.problems.join('\n  ')}`);
    createLogger(config.FACTORY_LOG_LEVEL, 'worker').info(describeSources(sourcePlan.plans));
  }
  const metricsOn = config.FACTORY_METRICS_PORT !== 'off';
  const sdkMetricsUrl = await installRuntimeOnce(config.FACTORY_LOG_LEVEL, metricsOn);
  const metrics = metricsOn ? createWorkerMetrics({ role }) : undefined;
  // Before the workers: a port in use stops the start at once, naming FACTORY_METRICS_PORT.
  const metricsServer = metrics ? await serveMetrics(config, role, metrics, sdkMetricsUrl) : undefined;
  const tracing = createWorkerTracing(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID });
  const sources = createSourceRegistry(config, sourcePlan.plans);
  const captures = createCaptureCoverages(config, sourcePlan.plans);
  const publication = createPublicationActivities(config, registry);
  const workers: Worker[] = [];
  let warehouse: OpenWarehouse | undefined;
  let serving: ServingStore | undefined;
  // Payload encryption: clients (CLI, tests) build theirs from the same settings.
  const { dataConverter, warning } = payloadProtection(config);
  if (warning) console.error(`warning: ${warning}`);
  const base = { connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter };
  if (role === 'all' || role === 'general') {
    workers.push(
      await Worker.create({
        ...base,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowsPath,
        ...tracing?.workerOptions,
        maxConcurrentActivityTaskExecutions: config.FACTORY_CHUNK_CONCURRENCY * 2,
        activities: {
          ...createHealthActivities({ sourceUrl: config.FACTORY_SOURCE_URL, kafka }),
          ...createSourceActivities({ registry, sourceFor: sources.sourceFor, captureFor: captures.captureFor, stagingDir: resolve(config.FACTORY_STAGING_DIR) }),
          ...publication.activities,
        },
      }),
    );
  }
  if (ownsWarehouse) {
    warehouse = await openWarehouse(config);
    serving = await openServing(config, registry);
    workers.push(
      await Worker.create({
        ...base,
        taskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE,
        // Writes are serialised inside the warehouse adapter (DuckDB takes one writer); the slots
        // are for long change-capture runs (one per domain) besides backfill loads.
        maxConcurrentActivityTaskExecutions: 32,
        // Activity spans only: this worker runs no workflows.
        ...(tracing ? { interceptors: { activity: tracing.workerOptions.interceptors!.activity! } } : {}),
        activities: warehouseActivities(config, registry, warehouse, kafka, serving, metrics?.recorder),
      }),
    );
  }
  const done = Promise.all(workers.map((w) => w.run())).finally(async () => {
    await metricsServer?.close();
    await tracing?.shutdown().catch((error: unknown) => createLogger(config.FACTORY_LOG_LEVEL, 'traces').warn({ err: (error as Error).message }, 'spans not sent at shutdown'));
    await stopIngestPipelines();
    await sources.closeAll();
    await captures.closeAll();
    await publication.close();
    await warehouse?.close();
    await serving?.close();
    await connection.close();
  });
  return {
    done: done.then(() => undefined),
    shutdown: () => workers.forEach((w) => w.shutdown()),
    metricsUrl: metricsServer?.url,
  };
}

/**
 * The warehouse owner's activities: each factory gets the capabilities it uses. A factory whose
 * capability the warehouse lacks is left out; the start-up check refused every enabled workflow
 * that would call it.
 */
function warehouseActivities(config: Config, registry: DomainRegistry, warehouse: OpenWarehouse, kafka: ReturnType<typeof createKafka>, serving: ServingStore | undefined, metrics?: FactoryMetrics) {
  const { kind, provides } = warehouse;
  return {
    ...(provides.load && provides.reads ? createWarehouseActivities({ registry, kind, load: provides.load, reads: provides.reads, quarantine: provides.quarantine, serving, ...(metrics ? { metrics } : {}) }) : {}),
    ...createQualifiedActivities({ registry, warehouse: provides.qualifiedLayer, warehouseName: kind === 'bigquery' ? 'BigQuery' : 'DuckDB' }),
    ...(provides.qualityStore ? createQualityActivities({ registry, warehouse: provides.qualityStore, dialect: kind, ...(metrics ? { metrics } : {}) }) : {}),
    ...(provides.publication ? createPublishWarehouseActivities({ warehouse: provides.publication }) : {}),
    ...(provides.retention ? createRetentionActivities({ registry, warehouse: provides.retention }) : {}),
    ...(provides.kpis ? createKpiWarehouseActivities({ registry, warehouse: provides.kpis }) : {}),
    ...(provides.accessViews ? createAccessActivities({ registry, warehouse: provides.accessViews, pseudonymKey: pseudonymKey(config), agencies: config.FACTORY_ACCESS_AGENCIES }) : {}),
    ...(provides.erasure ? createErasureActivities({
      registry, subjects: dataSubjects, erasure: provides.erasure, stagingDir: resolve(config.FACTORY_STAGING_DIR),
      topicPrefix: config.FACTORY_CDC_TOPIC_PREFIX, topicRetentionHours: config.FACTORY_CDC_TOPIC_RETENTION_HOURS, serving,
    }) : {}),
    ...(provides.changeApply ? createCdcActivities({
      registry, warehouse: provides.changeApply, kafka, stagingDir: resolve(config.FACTORY_STAGING_DIR, 'cdc'), topicPrefix: config.FACTORY_CDC_TOPIC_PREFIX,
      decimalMode: config.FACTORY_CDC_DECIMAL_MODE, formats: config.FACTORY_CDC_FORMATS, topicRetentionHours: config.FACTORY_CDC_TOPIC_RETENTION_HOURS, serving, ...(metrics ? { metrics } : {}),
    }) : {}),
  };
}

/**
 * The serving store of the products served in real time (FACTORY_SERVING_URL), kept by the
 * warehouse owner alongside the warehouse; none when no product of the registry is served.
 */
export async function openServing(config: Config, registry: DomainRegistry): Promise<ServingStore | undefined> {
  const served = servedTables(registry.domains);
  if (served.length === 0) return undefined;
  return openServingStore({ url: config.FACTORY_SERVING_URL, served });
}

/** The key secured views pseudonymise with; a warning when it is the public development key. */
export function pseudonymKey(config: Config): Uint8Array {
  const { key, development } = hashKey(config, 'FACTORY_PSEUDONYM_KEYS');
  if (development) {
    createLogger(config.FACTORY_LOG_LEVEL, 'access').warn({ keyId: key.id }, 'FACTORY_PSEUDONYM_KEYS is unset: pseudonyms use the public development key (FACTORY_AUTH=dev only)');
  }
  return key.bytes();
}

/** The warehouse the configuration names (tests open it after the workers stop, to read what they left). */
export async function openWarehouse(config: Config): Promise<OpenWarehouse> {
  const { key, development } = hashKey(config, 'FACTORY_ERASURE_KEY');
  if (development) createLogger(config.FACTORY_LOG_LEVEL, 'erasure').warn('FACTORY_ERASURE_KEY is unset: the erasure ledger uses the public development key (FACTORY_AUTH=dev only)');
  if (config.FACTORY_WAREHOUSE === 'bigquery') {
    const projectId = config.GOOGLE_CLOUD_PROJECT;
    if (!projectId) throw new Error('FACTORY_WAREHOUSE=bigquery needs GOOGLE_CLOUD_PROJECT (the project id; factory-local for the emulator)');
    return createBigQueryWarehouse({
      projectId, location: config.BIGQUERY_LOCATION, apiEndpoint: config.BIGQUERY_API_ENDPOINT, maximumBytesBilled: config.BIGQUERY_MAX_BYTES_BILLED, erasureKey: key,
    });
  }
  await mkdir(dirname(resolve(config.FACTORY_DUCKDB_PATH)), { recursive: true });
  return createDuckDbWarehouse({ path: config.FACTORY_DUCKDB_PATH, erasureKey: key });
}

/** The SDK's runtime exists once per process: what the first start installed serves every later one. */
let runtime: { sdkMetricsUrl: string | undefined } | undefined;

/**
 * Installs the Temporal runtime: its log lines (workflow and activity ones carry their ids) go to our
 * JSON logger, and with metrics on, its runtime metrics are exported on a free loopback port that
 * only this process's /metrics reads. A later start in the same process (tests) reuses the first
 * runtime: SDK metrics are there only if the first start had metrics on.
 */
async function installRuntimeOnce(level: string, metricsOn: boolean): Promise<string | undefined> {
  if (runtime) return runtime.sdkMetricsUrl;
  const sdkAddress = metricsOn ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
  runtime = { sdkMetricsUrl: sdkAddress ? `http://${sdkAddress}/metrics` : undefined };
  Runtime.install({
    logger: createSdkLogger(level),
    ...(sdkAddress ? {
      telemetryOptions: { metrics: { prometheus: { bindAddress: sdkAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } },
    } : {}),
  });
  return runtime.sdkMetricsUrl;
}

/** Serves /metrics; workers that run workflows also count the runs waiting for a decision. */
async function serveMetrics(config: Config, role: WorkerRole, metrics: WorkerMetrics, sdkMetricsUrl: string | undefined): Promise<MetricsServer> {
  const log = createLogger(config.FACTORY_LOG_LEVEL, 'metrics');
  let visibility: Connection | undefined;
  if (role !== 'warehouse') {
    visibility = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const client = new Client({ connection: visibility, namespace: config.TEMPORAL_NAMESPACE });
    let warned = false;
    metrics.countPendingApprovals(() => pendingApprovals(client), (error) => {
      if (!warned) log.warn({ err: (error as Error).message }, 'pending approvals not counted: the Temporal visibility query failed');
      warned = true;
    });
  }
  const server = await startMetricsServer({ host: config.FACTORY_METRICS_HOST, port: config.FACTORY_METRICS_PORT as number, registry: metrics.registry, sdkMetricsUrl });
  log.info({ url: server.url, temporalSdk: sdkMetricsUrl ? 'included' : 'not included (runtime installed without metrics)' }, `metrics at ${server.url}`);
  return { url: server.url, close: async () => { await server.close(); await visibility?.close(); } };
}

const waitingPhases = ['awaiting-approval', 'reminded', 'escalated'];

/** Running workflows whose status search attribute says they wait for a decision (publications, schema changes, erasures). */
async function pendingApprovals(client: Client): Promise<number> {
  const query = `ExecutionStatus = "Running" AND ${factoryStatus.name} IN (${waitingPhases.map((p) => `"${p}"`).join(', ')})`;
  return (await client.workflow.count(query)).count;
}

/** Qualified table names per contract system. */
function tablesBySystem(registry: DomainRegistry): Map<string, string[]> {
  const bySystem = new Map<string, string[]>();
  for (const { domain, table } of registry.allTables()) bySystem.set(table.source.system, [...(bySystem.get(table.source.system) ?? []), `${domain.name}.${table.name}`]);
  return bySystem;
}
