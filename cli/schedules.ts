import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';

/** Temporal Schedules as every `factory … schedule` command makes them: created, or updated in place. */

/** `1h`, `30m`, `1d`: what Temporal schedule intervals take. */
const everyPattern = /^[1-9][0-9]*(s|m|h|d)$/;

export function scheduleSpec(opts: { every?: string; cron?: string }): ScheduleSpec {
  if ((opts.every === undefined) === (opts.cron === undefined)) throw new Error('expected exactly one of --every <interval> (e.g. 1h) or --cron "<expression>"');
  if (opts.every !== undefined) {
    if (!everyPattern.test(opts.every)) throw new Error(`--every "${opts.every}": expected a number and a unit s, m, h or d, e.g. 30m or 1h`);
    return { intervals: [{ every: opts.every as `${number}h` }] };
  }
  return { cronExpressions: [opts.cron!] };
}

/** Creates the schedule, or updates its spec and action when it exists: running it twice leaves one schedule. */
export async function upsertSchedule(client: Client, scheduleId: string, spec: ScheduleSpec, action: ScheduleOptionsAction): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ scheduleId, spec, action });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}

/** Removes a schedule; false when there was none. */
export async function removeSchedule(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}
