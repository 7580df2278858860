import type { Kafka } from 'kafkajs';
import { probeKafka, probePostgres } from '../../connectors/health.js';

export interface HealthDeps {
  sourceUrl: string;
  kafka: Kafka;
}

export interface CheckPostgresResult {
  serverVersion: string;
  walLevel: string;
}

export interface CheckKafkaInput {
  topic: string;
}

export interface CheckKafkaResult {
  topic: string;
  offset: string;
  roundTripMs: number;
}

export function createHealthActivities(deps: HealthDeps) {
  return {
    async checkPostgres(): Promise<CheckPostgresResult> {
      return probePostgres(deps.sourceUrl);
    },
    async checkKafka(input: CheckKafkaInput): Promise<CheckKafkaResult> {
      return probeKafka(deps.kafka, input.topic);
    },
  };
}
