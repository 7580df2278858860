import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import { factoryDomain, factoryStatus } from '../../workflows/api/search-attributes.js';
import { createKafka } from '../../connectors/kafka/client.js';
import { captureTables, registerCapture, registerDb2Capture, removeCapture, removeDb2Capture } from '../../connectors/kafka-connect/capture.js';
import { topicOf } from '../../connectors/kafka-connect/debezium.js';
import { db2CaptureConfig, db2CaptureName } from '../../connectors/kafka-connect/debezium-db2.js';
import { InvalidInputError } from '../../core/errors.js';
import { captureTablesBySource, checkDebeziumCapture, db2CaptureSettings } from './cdc-capture.js';
import { registry } from '../../domains/index.js';
import {
  cdcIngestWorkflowType,
  cdcWorkflowId,
  drainAndStop,
  pauseCdc,
  resumeCdc,
  type CdcIngestWorkflow,
} from '../../workflows/api/cdc-ingest.js';
import { config } from '../context.js';
import { withClient, withWorkers } from '../temporal.js';
import { printCdcStatus, readCdcStatus } from './cdc-status.js';
import { waitDb2Coverage } from './cdc-coverage.js';
import { updateWhenReady } from '../../connectors/temporal/update.js';

/** 'all' or one domain → the domains whose cdcIngest workflows (`cdc:<domain>`) a command acts on. */
function domainsOf(target: string): string[] {
  if (target === 'all') return registry.domains.map((d) => d.name);
  return [registry.domain(target).name];
}

/** `--system`: only db2 has a capture of its own; the PostgreSQL systems share one. */
function checkSystem(system: string | undefined): void {
  if (system !== undefined && system !== 'db2') {
    throw new InvalidInputError(`--system ${system}: only db2 has a connector of its own; the PostgreSQL systems are captured together (leave --system out)`);
  }
}

export function registerCdcCommands(program: Command): void {
  const cdc = program.command('cdc').description('continuous change capture: Debezium → Kafka → warehouse (workflows cdc:<domain>)');

  cdc
    .command('register')
    .description('register the Debezium connector capturing the contract tables read from PostgreSQL; with --system db2, Debezium\'s Db2 connector for the db2 tables (do it before a backfill)')
    .option('--system <system>', "db2: capture the db2 tables from DB2 (DB2_URL, ASN capture set up: see the README)")
    .option('--print', 'with --system db2: print the generated connector configuration (it holds no secret) instead of registering it')
    .action(async (opts: { system?: string; print?: boolean }) => {
      const cfg = config();
      const tables = captureTablesBySource(cfg, registry.allTables().map((e) => e.table));
      checkSystem(opts.system);
      if (opts.system === 'db2') {
        checkDebeziumCapture(cfg, 'db2');
        if (tables.db2.length === 0) throw new InvalidInputError('factory cdc register --system db2: no contract table is read from DB2 (set DB2_URL)');
        const settings = db2CaptureSettings(cfg);
        if (opts.print) return console.log(JSON.stringify({ name: db2CaptureName(settings.topicPrefix), config: db2CaptureConfig({ ...settings, tables: captureTables(tables.db2) }) }, null, 2));
        const { name, topics } = await registerDb2Capture({ ...settings, connectUrl: cfg.KAFKA_CONNECT_URL, tables: tables.db2 });
        await waitDb2Coverage(cfg, tables.db2);
        return console.log(`connector ${name} running and covering its ${topics.length} tables (ASN registrations active): topics ${cfg.FACTORY_CDC_TOPIC_PREFIX}.<SCHEMA>.<TABLE>`);
      }
      if (opts.print) throw new InvalidInputError('--print goes with --system db2 (the PostgreSQL configuration holds the source\'s password)');
      const { name, topics } = await registerCapture({
        connectUrl: cfg.KAFKA_CONNECT_URL, sourceUrl: cfg.FACTORY_SOURCE_URL, topicPrefix: cfg.FACTORY_CDC_TOPIC_PREFIX, tables: tables.postgres,
        decimalMode: cfg.FACTORY_CDC_DECIMAL_MODE, retentionHours: cfg.FACTORY_CDC_TOPIC_RETENTION_HOURS,
      });
      console.log(`connector ${name} running and covering its ${topics.length} tables (publication and task up to date): topics ${cfg.FACTORY_CDC_TOPIC_PREFIX}.<SCHEMA>.<TABLE>`);
      if (tables.db2.length) {
        console.log(cfg.FACTORY_CDC_FORMATS.db2 === 'iidr-kcop-json'
          ? `${tables.db2.length} db2 tables are read from DB2 and captured by IBM IIDR (FACTORY_CDC_FORMATS): configure its subscription (README: IBM IIDR capture)`
          : `${tables.db2.length} db2 tables are read from DB2: capture them with 'factory cdc register --system db2'`);
      }
    });

  cdc
    .command('unregister')
    .description('remove the connector, its replication slot and publication (with --system db2: the Db2 connector)')
    .option('--system <system>', 'db2: remove the Db2 connector')
    .option('--drop-topics', 'also delete its change topics (a clean start)')
    .action(async (opts: { system?: string; dropTopics?: boolean }) => {
      checkSystem(opts.system);
      const cfg = config();
      const kafka = opts.dropTopics ? createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID }) : undefined;
      const tables = captureTablesBySource(cfg, registry.allTables().map((e) => e.table));
      // With two captures under one prefix, each removes only its own topics.
      const topicsOf = (list: typeof tables.db2) => (tables.db2.length && tables.postgres.length ? list.map((t) => topicOf(cfg.FACTORY_CDC_TOPIC_PREFIX, t.source.schema, t.source.table)) : undefined);
      const common = { connectUrl: cfg.KAFKA_CONNECT_URL, topicPrefix: cfg.FACTORY_CDC_TOPIC_PREFIX, ...(kafka ? { kafka } : {}) };
      if (opts.system === 'db2') {
        const only = topicsOf(tables.db2);
        await removeDb2Capture({ ...common, ...(only ? { onlyTopics: only } : {}) });
      } else {
        const only = topicsOf(tables.postgres);
        await removeCapture({ ...common, sourceUrl: cfg.FACTORY_SOURCE_URL, ...(only ? { onlyTopics: only } : {}) });
      }
      console.log(`capture ${cfg.FACTORY_CDC_TOPIC_PREFIX}${opts.system === 'db2' ? ' (db2)' : ''} removed${opts.dropTopics ? ' with its topics' : ''}`);
    });

  cdc
    .command('start <target>')
    .description("start following a domain's change topics ('all' for every domain)")
    .option('--run-seconds <n>', 'length of one ingest run (status freshness)', (v) => Number(v), 30)
    .action(async (target: string, opts: { runSeconds: number }) => {
      const cfg = config();
      await withClient(async (client) => {
        for (const domain of domainsOf(target)) {
          try {
            await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
              taskQueue: cfg.TEMPORAL_TASK_QUEUE,
              workflowId: cdcWorkflowId(domain),
              args: [{ domain, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE, runSeconds: opts.runSeconds }],
              workflowIdConflictPolicy: 'FAIL',
              typedSearchAttributes: [{ key: factoryDomain, value: domain }, { key: factoryStatus, value: 'running' }],
            });
            console.log(`${cdcWorkflowId(domain)} started`);
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
            console.log(`${cdcWorkflowId(domain)} is already running`);
          }
        }
      });
    });

  for (const [name, signal, verb] of [['pause', pauseCdc, 'paused'], ['resume', resumeCdc, 'resumed']] as const) {
    cdc
      .command(`${name} <target>`)
      .description(`${name} change capture of a domain ('all' for every domain)`)
      .action(async (target: string) => {
        await withClient(async (client) => {
          for (const domain of domainsOf(target)) {
            await client.workflow.getHandle(cdcWorkflowId(domain)).signal(signal);
            console.log(`${cdcWorkflowId(domain)} ${verb}`);
          }
        });
      });
  }

  cdc
    .command('stop <target>')
    .description('drain and stop: the batch in flight commits, then the workflow ends')
    .action(async (target: string) => {
      await withWorkers(async (client) => {
        for (const domain of domainsOf(target)) {
          const handle = client.workflow.getHandle(cdcWorkflowId(domain));
          const final = await updateWhenReady(handle, drainAndStop.name, () => handle.executeUpdate(drainAndStop));
          console.log(`${cdcWorkflowId(domain)} stopped after ${final.totals.applied.toLocaleString('en')} changes applied, ${final.totals.deadLettered} dead-lettered`);
        }
      });
    });

  cdc
    .command('status [target]')
    .description('lag now (broker end offsets against the applied offsets, with its "as of" time; no worker needed), the ingest run\'s attempt and last failure, events/s, dead letters, freshness')
    .option('--json', 'print JSON')
    .option('--consumer <name>', 'the change capture\'s consumer name (default cdc.<domain>)')
    .action(async (target: string | undefined, opts: { json?: boolean; consumer?: string }) => {
      const cfg = config();
      const admin = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'factory-cdc-status' }).admin();
      await admin.connect();
      try {
        // withClient, not withWorkers: the lag must show most when the worker is down.
        const statuses = await withClient((client) => Promise.all(domainsOf(target ?? 'all').map((domain) => readCdcStatus(client, admin, {
          domain, workflowId: cdcWorkflowId(domain), consumer: opts.consumer ?? `cdc.${domain}`, topicPrefix: cfg.FACTORY_CDC_TOPIC_PREFIX, registry,
        }))));
        if (opts.json) return console.log(JSON.stringify(statuses, null, 2));
        printCdcStatus(statuses);
      } finally {
        await admin.disconnect();
      }
    });
}
