import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';

/**
 * Sessions kept in this process's memory, each dropped when its cookie expires (the plugin's default
 * store never forgets one). The browser holds only the signed session id; identity and credentials
 * stay here. One console process serves the sessions it created: a restart signs everyone out, which
 * is what a small internal console can afford; several processes would need a shared store.
 */
export function expiringMemoryStore(sweepEveryMs = 60_000): SessionStore & { close(): void } {
  const sessions = new Map<string, { session: Session; expires: number }>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of sessions) if (entry.expires <= now) sessions.delete(id);
  }, sweepEveryMs);
  sweep.unref();
  const expiresOf = (session: Session): number => {
    const expires = (session as { cookie?: { expires?: Date | string | null } }).cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + 8 * 3_600_000;
  };
  return {
    set(id, session, callback) {
      sessions.set(id, { session, expires: expiresOf(session) });
      callback();
    },
    get(id, callback) {
      const entry = sessions.get(id);
      if (entry && entry.expires <= Date.now()) sessions.delete(id);
      callback(null, entry && entry.expires > Date.now() ? entry.session : null);
    },
    destroy(id, callback) {
      sessions.delete(id);
      callback();
    },
    close: () => clearInterval(sweep),
  } as SessionStore & { close(): void };
}
