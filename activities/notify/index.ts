import type { Notification, Notifier } from '../../connectors/notify/port.js';

/** Sends a publication notification through the configured notifier (log, webhook); a failure retries. */
export function createNotifyActivities({ notifier }: { notifier: Notifier }) {
  return {
    async notify(notification: Notification): Promise<void> {
      await notifier.notify(notification);
    },
  };
}
