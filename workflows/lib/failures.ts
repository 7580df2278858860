import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { nonRetryableErrorTypes } from '../../core/errors.js';

/** An activity's own non-retryable error (an unknown product or domain) becomes the workflow's failure, as it is. */
export function surfaced(workflow: string, error: unknown): unknown {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type && nonRetryableErrorTypes.includes(cause.type)) {
    return ApplicationFailure.nonRetryable(`${workflow}: ${cause.message}`, cause.type);
  }
  return error;
}
