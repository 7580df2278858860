import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { createNotifyActivities } from '../../activities/notify/index.js';
import type { Notification } from '../../connectors/notify/port.js';
import { shortIo } from './activity-options.js';
import type { AuditEntry } from './approval-component.js';

/**
 * Sends notifications of an approval workflow. One that still fails after its retries is audited
 * as undelivered and does not stop the approval: the catalog and the Temporal UI still show it.
 */
export function approvalNotifier(audit: (entry: AuditEntry) => Promise<void>): (n: Notification) => Promise<void> {
  const notifier = proxyActivities<ReturnType<typeof createNotifyActivities>>({ ...shortIo, retry: { ...shortIo.retry, maximumAttempts: 5 } });
  return async (n) => {
    try {
      await notifier.notify(n);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('notification not delivered', { kind: n.kind, product: n.product });
      await audit({ actor: 'system', action: 'notify.failed', authorized: true, detail: `${n.kind} to ${n.to.join(', ')} not delivered: ${error.cause?.message ?? error.message}` });
    }
  };
}
