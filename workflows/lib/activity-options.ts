import type { ActivityOptions } from '@temporalio/common';
import { nonRetryableErrorTypes } from '../../core/errors.js';

/** Named activity option groups: every proxy picks one, so timeouts and retries are explicit. */

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes,
} as const;

/** Short I/O: a query, a probe, a metadata change. */
export const shortIo: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: { ...retry, maximumAttempts: 10 },
};

/** A chunk of bulk work that reports progress: a lost worker is noticed after the heartbeat timeout. */
export const longChunk: ActivityOptions = {
  startToCloseTimeout: '2h',
  heartbeatTimeout: '15s',
  retry: { ...retry, maximumAttempts: 20 },
};
