import type { Kafka } from 'kafkajs';
import { registerCapture as register, removeCapture } from '../../connectors/kafka-connect/capture.js';
import type { DomainRegistry } from '../../domains/registry.js';

/** A Debezium capture of one domain on a scratch source, with the test's own topic prefix. */
export async function registerCapture(input: { connectUrl: string; sourceUrl: string; topicPrefix: string; registry: DomainRegistry; domain: string }) {
  const { name, topics } = await register({ ...input, tables: [...input.registry.domain(input.domain).tables] });
  return {
    name,
    topics,
    remove: (kafka: Kafka) => removeCapture({ connectUrl: input.connectUrl, sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, kafka }),
  };
}
