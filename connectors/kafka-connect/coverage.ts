import pg from 'pg';
import type { CaptureCoverage, SourceTableRef } from '../source/port.js';
import { createConnectClient, KafkaConnectError, type ConnectorStatus } from './client.js';

/**
 * Does a Debezium capture cover a table yet? Connect stores a new connector configuration at once, but
 * the running task only takes it when Connect restarts it; the PostgreSQL connector adds a table to its
 * publication only then, in its task's start, before it streams. Until then a change to the table is
 * not decoded from the slot (pgoutput publishes a change only when the publication listed its table
 * at that point of the WAL), or is decoded and dropped by the old task's include list.
 *
 * Covered, for PostgreSQL, when all hold:
 *  1. Connect has regenerated the task configuration and its table.include.list matches the table;
 *  2. the connector and its tasks run;
 *  3. the publication lists the table (pg_publication_tables). In `publication.autocreate.mode=filtered`
 *     the task sets the publication's tables to exactly its own include list when it starts: a listed
 *     table was put there by a task that captures it — the connector's acknowledgement;
 *  4. the slot has an active stream (the task reads it) and, after a registration that added tables,
 *     that stream began after the registration was submitted: the task streaming is the restarted one.
 * A backfill position read after this is past the publication change, so every later change to the
 * table is published on the slot and kept by the task.
 *
 * Not used: the slot's confirmed position passing the registration. It moves only when a captured
 * table changes or a heartbeat is flushed, so on a quiet source it proves nothing for a long time,
 * and the old task could move it as well.
 */

/** Publication and slot state for one table; parameters: publication, slot, schema, table, registration time (or null). */
export const POSTGRES_CAPTURE_SQL = `
SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1) AS publication,
       EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $3 AND tablename = $4) AS published,
       s.slot_name IS NOT NULL AS slot,
       COALESCE(s.active, false) AS streaming,
       r.backend_start > $5::timestamptz AS restarted
  FROM (SELECT 1) AS one
  LEFT JOIN pg_replication_slots s ON s.slot_name = $2
  LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid`;

export interface PostgresCaptureRow { publication: boolean; published: boolean; slot: boolean; streaming: boolean; restarted: boolean | null }

/** Whether a Debezium table.include.list (comma-separated regular expressions, matched whole, case-insensitively) matches the table. */
export function includeListMatches(includeList: string | undefined, ref: SourceTableRef): boolean {
  if (!includeList) return false;
  const qualified = `${ref.schema}.${ref.table}`;
  return includeList.split(',').some((pattern) => pattern.trim() && new RegExp(`^(?:${pattern.trim()})$`, 'i').test(qualified));
}

/** What Connect does not show yet: a running connector whose task configuration includes the table. */
export function connectorGaps(name: string, status: ConnectorStatus | undefined, tasks: ReadonlyArray<Record<string, string>>, ref: SourceTableRef): string[] {
  const gaps: string[] = [];
  const failed = status?.tasks.find((t) => t.state === 'FAILED') ?? (status?.connector.state === 'FAILED' ? status.connector : undefined);
  if (!status) gaps.push(`connector ${name} has no status yet`);
  else if (failed) gaps.push(`connector ${name} failed: ${(failed.trace ?? '').split('\n')[0]}`);
  else if (status.connector.state !== 'RUNNING' || status.tasks.length === 0 || status.tasks.some((t) => t.state !== 'RUNNING')) {
    gaps.push(`connector ${name} is not running (connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(', ') || 'none'})`);
  }
  if (tasks.length === 0) gaps.push(`Connect has no task configuration for ${name} yet`);
  else if (!tasks.every((t) => includeListMatches(t['table.include.list'], ref))) {
    gaps.push(`the task configuration Connect generated for ${name} does not include it yet (table.include.list)`);
  }
  return gaps;
}

/** What PostgreSQL does not show yet; `sinceRegistration`: the check follows a registration that added tables. */
export function postgresGaps(row: PostgresCaptureRow, names: { publication: string; slot: string }, sinceRegistration: boolean): string[] {
  const gaps: string[] = [];
  if (!row.publication) gaps.push(`publication ${names.publication} does not exist yet (the connector's task creates it when it starts)`);
  else if (!row.published) gaps.push(`publication ${names.publication} does not list it yet (pg_publication_tables; the connector's task adds it when it restarts with the table)`);
  if (!row.slot) gaps.push(`replication slot ${names.slot} does not exist`);
  else if (!row.streaming) gaps.push(`replication slot ${names.slot} has no active stream (the connector's task is not reading it)`);
  else if (sinceRegistration && row.restarted !== true) gaps.push(`the stream on replication slot ${names.slot} began before the registration (the connector's task has not restarted with the new configuration)`);
  return gaps;
}

export interface PostgresCoverageInput {
  connectUrl: string;
  sourceUrl: string;
  /** The Debezium connector's name (captureName of the topic prefix). */
  connector: string;
}

/**
 * The coverage check of a Debezium PostgreSQL capture. `missing` gives null when the table is not
 * asked of it: no such connector, one capturing another database (compared by database name: Connect
 * may reach the same server under another host name), or one whose stored configuration — what the
 * last registration submitted — does not include the table; `since` (the source's clock_timestamp() read before a registration
 * was submitted) also requires the stream to have begun after it.
 */
export interface PostgresCoverage extends CaptureCoverage {
  missingSince(ref: SourceTableRef, since: string | null): Promise<string[] | null>;
  /** The source's clock now (clock_timestamp()), the `since` of a registration about to be submitted. */
  sourceClock(): Promise<string>;
}

export function createPostgresCoverage(input: PostgresCoverageInput): PostgresCoverage {
  const connect = createConnectClient(input.connectUrl);
  const pool = new pg.Pool({ connectionString: input.sourceUrl, max: 1, application_name: 'data-factory-capture-check' });
  pool.on('error', () => undefined);
  const database = decodeURIComponent(new URL(input.sourceUrl).pathname.replace(/^\//, ''));
  async function missingSince(ref: SourceTableRef, since: string | null): Promise<string[] | null> {
    const read = await readConnector(connect, input.connector);
    if (read === 'rebalancing') return [rebalancing];
    const { config, status, tasks } = read;
    if (!config || config['database.dbname'] !== database || !includeListMatches(config['table.include.list'], ref)) return null;
    const names = { publication: config['publication.name'] ?? '', slot: config['slot.name'] ?? '' };
    const { rows } = await pool.query<PostgresCaptureRow>(POSTGRES_CAPTURE_SQL, [names.publication, names.slot, ref.schema, ref.table, since]);
    return [...connectorGaps(input.connector, status, tasks ?? [], ref), ...postgresGaps(rows[0]!, names, since !== null)];
  }
  return {
    capture: `connector ${input.connector}`,
    missing: (ref) => missingSince(ref, null),
    missingSince,
    sourceClock: async () => (await pool.query<{ now: string }>('SELECT clock_timestamp()::text AS now')).rows[0]!.now,
    close: () => pool.end(),
  };
}

/**
 * The Connect half of a capture's coverage, for connectors whose source side another module checks
 * (Db2: connectors/db2/capture.ts): null when the connector does not exist or its stored
 * configuration does not include the table.
 */
export function createConnectorCoverage(input: { connectUrl: string; connector: string }): CaptureCoverage {
  const connect = createConnectClient(input.connectUrl);
  return {
    capture: `connector ${input.connector}`,
    async missing(ref) {
      const read = await readConnector(connect, input.connector);
      if (read === 'rebalancing') return [rebalancing];
      const { config, status, tasks } = read;
      if (!config || !includeListMatches(config['table.include.list'], ref)) return null;
      return connectorGaps(input.connector, status, tasks ?? [], ref);
    },
    close: async () => undefined,
  };
}

const rebalancing = 'Kafka Connect is rebalancing its workers';

/** Config, status and task configurations; 'rebalancing' while Connect still refuses them after the client's retries (it does during a reconfiguration). */
async function readConnector(connect: ReturnType<typeof createConnectClient>, name: string) {
  try {
    const [config, status, tasks] = await Promise.all([connect.config(name), connect.status(name), connect.taskConfigs(name)]);
    return { config, status, tasks };
  } catch (error) {
    if (error instanceof KafkaConnectError && error.rebalancing) return 'rebalancing' as const;
    throw error;
  }
}
