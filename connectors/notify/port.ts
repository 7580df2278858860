/**
 * Notifications of the publication workflow to the people who decide: the DPO and deputies of a
 * domain. Pluggable: a log line (always), a webhook (JSON POST) when one is configured; e-mail or
 * chat bridges sit behind the webhook or become another implementation of this port.
 *
 * A notification carries user ids, product, version and the reason, never row values.
 */

export type NotificationKind =
  | 'approval-requested'
  | 'reminder'
  | 'escalation'
  | 'expired'
  | 'superseded'
  | 'approved'
  | 'rejected'
  | 'published'
  | 'blocked';

export interface Notification {
  kind: NotificationKind;
  /** '<domain>.<product>'. */
  product: string;
  /** Candidate version, when there is one. */
  version?: number;
  /** User ids the notification is for (the DPO, deputies, the requester). */
  to: string[];
  /** One line for a person, e.g. 'booking.bookings v4 waits for your approval since 8 h'. */
  message: string;
  /** ISO-8601 UTC: workflow time when it was sent. */
  at: string;
  /** Workflow id to act on (`publish:<domain>.<product>`). */
  workflowId: string;
  /** How to decide, for the people who may: the CLI command and the Temporal UI signal. */
  howToDecide?: string[];
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Every notifier in turn: the log line is written even when the webhook is down (its error still fails the call, so the activity retries). */
export function combineNotifiers(notifiers: Notifier[]): Notifier {
  return {
    async notify(notification) {
      const results = await Promise.allSettled(notifiers.map((n) => n.notify(notification)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
