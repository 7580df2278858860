import { Kafka, logLevel } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

/** One kafkajs client per process; its own logging is kept to errors so broker chatter stays out of our logs. */
export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({ brokers: settings.brokers, clientId: settings.clientId, logLevel: logLevel.ERROR, retry: { retries: 8 } });
}
