import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pg from 'pg';

/** Reachability probes used by the stack self-check: real round trips, not port pings. */

export interface PostgresProbe {
  serverVersion: string;
  walLevel: string;
}

export async function probePostgres(url: string): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const wal = await client.query<{ wal_level: string }>('SHOW wal_level');
    return { serverVersion: version.rows[0]!.server_version, walLevel: wal.rows[0]!.wal_level };
  } finally {
    await client.end();
  }
}

export interface KafkaProbe {
  topic: string;
  offset: string;
  roundTripMs: number;
}

/** Produces one record and reads it back through a consumer group: proves broker, topics and group coordination. */
export async function probeKafka(kafka: Kafka, topic: string): Promise<KafkaProbe> {
  const marker = randomUUID();
  const started = Date.now();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  const [sent] = await producer.send({ topic, messages: [{ key: marker, value: marker }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `factory-selfcheck-${marker}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const offset = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Kafka probe: record ${marker} not read back from topic ${topic} within 30 s`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() === marker) {
              clearTimeout(timer);
              resolve(message.offset);
            }
          },
        })
        .catch(reject);
    });
    if (sent?.baseOffset !== undefined && sent.baseOffset !== offset) {
      throw new Error(`Kafka probe: wrote offset ${sent.baseOffset} but read ${offset} on topic ${topic}`);
    }
    return { topic, offset, roundTripMs: Date.now() - started };
  } finally {
    await consumer.disconnect();
  }
}
