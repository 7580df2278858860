import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import { factoryDomain, factoryStatus } from '../../workflows/api/search-attributes.js';
import { createKafka } from '../../connectors/kafka/client.js';
import { registerCapture, removeCapture } from '../../connectors/kafka-connect/capture.js';
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
import { updateWhenReady } from '../../connectors/temporal/update.js';

/** 'all' or one domain → the domains whose cdcIngest workflows (`cdc:<domain>`) a command acts on. */
function domainsOf(target: string): string[] {
  if (target === 'all') return registry.domains.map((d) => d.name);
  return [registry.domain(target).name];
}

export function registerCdcCommands(program: Command): void {
  const cdc = program.command('cdc').description('continuous change capture: Debezium → Kafka → warehouse (workflows cdc:<domain>)');

  cdc
    .command('register')
    .description('register the Debezium connector capturing every contract table of the PostgreSQL source (do it before a backfill)')
    .action(async () => {
      const cfg = config();
      const tables = registry.allTables().map((e) => e.table);
      const { name, topics } = await registerCapture({
        connectUrl: cfg.KAFKA_CONNECT_URL, sourceUrl: cfg.FACTORY_SOURCE_URL, topicPrefix: cfg.FACTORY_CDC_TOPIC_PREFIX, tables,
        decimalMode: cfg.FACTORY_CDC_DECIMAL_MODE, retentionHours: cfg.FACTORY_CDC_TOPIC_RETENTION_HOURS,
      });
      console.log(`connector ${name} running: ${topics.length} topics ${cfg.FACTORY_CDC_TOPIC_PREFIX}.<SCHEMA>.<TABLE>`);
    });

  cdc
    .command('unregister')
    .description('remove the connector, its replication slot and publication')
    .option('--drop-topics', 'also delete its change topics (a clean start)')
    .action(async (opts: { dropTopics?: boolean }) => {
      const cfg = config();
      const kafka = opts.dropTopics ? createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID }) : undefined;
      await removeCapture({ connectUrl: cfg.KAFKA_CONNECT_URL, sourceUrl: cfg.FACTORY_SOURCE_URL, topicPrefix: cfg.FACTORY_CDC_TOPIC_PREFIX, kafka });
      console.log(`capture ${cfg.FACTORY_CDC_TOPIC_PREFIX} removed${opts.dropTopics ? ' with its topics' : ''}`);
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
