import { describe, expect, it } from 'vitest';
import { createSdkLogger } from './logger.js';

function collect() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, destination: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } } };
}

describe('the Temporal runtime logger', () => {
  it('logs workflow and activity lines at the configured level with their ids, and the SDK\'s own lines from warnings up', () => {
    const { lines, destination } = collect();
    const log = createSdkLogger('info', destination);
    log.info('Worker state changed', { sdkComponent: 'worker', taskQueue: 'q' });
    log.warn('No workflows registered', { sdkComponent: 'worker', taskQueue: 'q' });
    log.info('Activity started', { activityId: '1', activityType: 'loadChunk', workflowId: 'backfill:booking.booking', workflowRunId: 'r1', taskToken: 'opaque' });
    log.info('accepted schema changes not read', { workflowId: 'cdc:booking', runId: 'r2', workflowType: 'cdcIngest' });
    log.debug('Activity completed', { activityId: '1', workflowId: 'backfill:booking.booking' });
    expect(lines.map((l) => l.msg)).toEqual(['No workflows registered', 'Activity started', 'accepted schema changes not read']);
    expect(lines[1]).toMatchObject({ name: 'temporal', level: 30, activityId: '1', activityType: 'loadChunk', workflowId: 'backfill:booking.booking', workflowRunId: 'r1' });
    expect(lines[1]).not.toHaveProperty('taskToken');
    expect(lines[2]).toMatchObject({ workflowId: 'cdc:booking', runId: 'r2', workflowType: 'cdcIngest' });
  });

  it('lets the SDK\'s own debug lines through when debug is asked for', () => {
    const { lines, destination } = collect();
    createSdkLogger('debug', destination).debug('Worker state changed', { sdkComponent: 'worker' });
    expect(lines.map((l) => l.msg)).toEqual(['Worker state changed']);
  });
});
