import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `work` runs a single long call (a bulk COPY) that reports no
 * progress of its own, so the server can tell a busy worker from a dead one.
 */
export async function withHeartbeat<T>(details: unknown, work: () => Promise<T>, everyMs = 5000): Promise<T> {
  const context = Context.current();
  context.heartbeat(details);
  const timer = setInterval(() => context.heartbeat(details), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
