import { describe, expect, it } from 'vitest';
import { connectorGaps, includeListMatches, POSTGRES_CAPTURE_SQL, postgresGaps, type PostgresCaptureRow } from './coverage.js';
import { sharedCaptureConfig } from './debezium.js';

const ref = { schema: 'BOOK', table: 'BOOKING_LINE' };
const running = { name: 'capture-x', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] };
const includeList = (tables: Array<{ schema: string; table: string }>) =>
  sharedCaptureConfig({ topicPrefix: 'x', tables: tables.map((t) => ({ ...t, key: ['ID'], hasPrimaryKey: true })) })['table.include.list']!;

describe('PostgreSQL capture check SQL', () => {
  it('reads the publication, its tables, the slot and whether its stream began after the registration', () => {
    expect(POSTGRES_CAPTURE_SQL).toContain('EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1) AS publication');
    expect(POSTGRES_CAPTURE_SQL).toContain('EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $3 AND tablename = $4) AS published');
    expect(POSTGRES_CAPTURE_SQL).toContain('LEFT JOIN pg_replication_slots s ON s.slot_name = $2');
    expect(POSTGRES_CAPTURE_SQL).toContain('LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid');
    expect(POSTGRES_CAPTURE_SQL).toContain('r.backend_start > $5::timestamptz AS restarted');
  });
});

describe('include list', () => {
  it('matches the tables the generated include list names, whole and case-insensitively, and no other', () => {
    const list = includeList([ref, { schema: 'BOOK', table: 'BOOKING' }]);
    expect(includeListMatches(list, ref)).toBe(true);
    expect(includeListMatches(list, { schema: 'book', table: 'booking' })).toBe(true);
    expect(includeListMatches(list, { schema: 'BOOK', table: 'BOOKING_LINE_X' })).toBe(false);
    expect(includeListMatches(list, { schema: 'BOOKX', table: 'BOOKING' })).toBe(false);
    expect(includeListMatches(undefined, ref)).toBe(false);
  });
});

describe('connector gaps', () => {
  it('none for a running connector whose task configuration includes the table', () => {
    expect(connectorGaps('capture-x', running, [{ 'table.include.list': includeList([ref]) }], ref)).toEqual([]);
  });

  it('names a task configuration not yet regenerated, a connector not running or failed', () => {
    const old = [{ 'table.include.list': includeList([{ schema: 'BOOK', table: 'BOOKING' }]) }];
    expect(connectorGaps('capture-x', running, old, ref)).toEqual(['the task configuration Connect generated for capture-x does not include it yet (table.include.list)']);
    expect(connectorGaps('capture-x', running, [], ref)).toEqual(['Connect has no task configuration for capture-x yet']);
    const restarting = { ...running, tasks: [{ id: 0, state: 'UNASSIGNED' }] };
    expect(connectorGaps('capture-x', restarting, [{ 'table.include.list': includeList([ref]) }], ref)).toEqual(['connector capture-x is not running (connector RUNNING, tasks UNASSIGNED)']);
    const failed = { ...running, tasks: [{ id: 0, state: 'FAILED', trace: 'org.postgresql.util.PSQLException: slot in use\n\tat …' }] };
    expect(connectorGaps('capture-x', failed, [{ 'table.include.list': includeList([ref]) }], ref)).toEqual(['connector capture-x failed: org.postgresql.util.PSQLException: slot in use']);
  });
});

describe('PostgreSQL gaps', () => {
  const names = { publication: 'x_publication', slot: 'x_slot' };
  const covered: PostgresCaptureRow = { publication: true, published: true, slot: true, streaming: true, restarted: null };

  it('none once the publication lists the table and the slot streams', () => {
    expect(postgresGaps(covered, names, false)).toEqual([]);
    expect(postgresGaps({ ...covered, restarted: true }, names, true)).toEqual([]);
  });

  it('names the publication that does not list the table yet, and a slot nobody reads', () => {
    expect(postgresGaps({ ...covered, published: false }, names, false)).toEqual([expect.stringMatching(/^publication x_publication does not list it yet \(pg_publication_tables/)]);
    expect(postgresGaps({ ...covered, publication: false, published: false, slot: false, streaming: false }, names, false)).toEqual([
      expect.stringMatching(/^publication x_publication does not exist yet/),
      'replication slot x_slot does not exist',
    ]);
    expect(postgresGaps({ ...covered, streaming: false }, names, false)).toEqual([expect.stringMatching(/^replication slot x_slot has no active stream/)]);
  });

  it('after a registration that added tables, requires the stream to have begun after it', () => {
    expect(postgresGaps({ ...covered, restarted: false }, names, true)).toEqual([expect.stringMatching(/began before the registration/)]);
    expect(postgresGaps({ ...covered, restarted: null }, names, true)).toEqual([expect.stringMatching(/began before the registration/)]);
  });
});
