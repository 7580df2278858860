import type { Notification, Notifier } from './port.js';

export interface LogSink {
  info(fields: object, message: string): void;
}

/** Notifications as structured log lines (pino or anything with `info(fields, message)`). */
export function createLogNotifier(log: LogSink): Notifier {
  return {
    async notify(n: Notification) {
      log.info({ notification: n.kind, product: n.product, version: n.version, to: n.to, workflowId: n.workflowId }, n.message);
    },
  };
}
