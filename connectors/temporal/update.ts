import { setTimeout as sleep } from 'node:timers/promises';
import { isGrpcServiceError, type WorkflowHandle } from '@temporalio/client';

/**
 * Sends a workflow Update (`send`), again when the server answers that the workflow could not take
 * it because its workflow task failed (gRPC FAILED_PRECONDITION, "unexpected workflow task
 * failure"). Temporal (server ≥ 1.27) aborts the Update then rather than retrying it: the Update was
 * never accepted, so sending it again is safe. A workflow task fails for a moment when, for
 * example, a starved worker misses the deadlock detector's 2 s or its cache evicts the run; it fails
 * for good on a workflow bug (nondeterminism): then the error says so, naming the workflow.
 */
export async function updateWhenReady<T>(
  handle: Pick<WorkflowHandle, 'workflowId'>,
  updateName: string,
  send: () => Promise<T>,
  { attempts = 6, delayMs = 1000 }: { attempts?: number; delayMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!workflowNotReady(error)) throw error;
      if (attempt >= attempts) {
        throw new Error(`workflow ${handle.workflowId} could not take the ${updateName} Update: its workflow task kept failing (${attempts} attempts); see the worker's log or the run in the Temporal UI`, { cause: error });
      }
      await sleep(delayMs * attempt);
    }
  }
}

/**
 * FAILED_PRECONDITION (9) from UpdateWorkflowExecution because the run's workflow task failed: the
 * gRPC error itself, or (as the client's executeUpdate throws it) a ServiceError "Workflow Update
 * failed" whose cause it is.
 */
export function workflowNotReady(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && e.code === 9 && /workflow task failure/i.test(e.details ?? '')) return true;
  }
  return false;
}
