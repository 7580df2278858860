import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createHealthActivities } from '../activities/health/index.js';
import { shortIo } from './lib/activity-options.js';
import type { SelfCheckInput, SelfCheckResult } from './api/selfcheck.js';

const { checkPostgres, checkKafka } = proxyActivities<ReturnType<typeof createHealthActivities>>(shortIo);

/** Proves the stack end to end: a worker runs real activities against PostgreSQL and Kafka. */
export async function selfCheck(input: SelfCheckInput): Promise<SelfCheckResult> {
  if (!input?.kafkaTopic) throw ApplicationFailure.nonRetryable('selfCheck input: kafkaTopic is required, e.g. { "kafkaTopic": "_factory.selfcheck" }', 'InvalidInputError');
  const [postgres, kafka] = await Promise.all([checkPostgres(), checkKafka({ topic: input.kafkaTopic })]);
  if (postgres.walLevel !== 'logical') {
    throw ApplicationFailure.nonRetryable(`PostgreSQL wal_level is '${postgres.walLevel}', expected 'logical' (change capture needs it)`, 'InvalidInputError');
  }
  return { postgres, kafka };
}
