import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { updateWhenReady, workflowNotReady } from './update.js';

/** The error UpdateWorkflowExecution gives when the run's workflow task failed (as the server sends it). */
function notReady(): Error {
  return Object.assign(new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to unexpected workflow task failure.'), {
    code: 9, details: 'Unable to perform workflow execution update due to unexpected workflow task failure.', metadata: {},
  });
}

describe('updateWhenReady', () => {
  const handle = { workflowId: 'cdc:booking' };

  it('sends the Update again while the workflow task fails, then returns its result', async () => {
    let calls = 0;
    const result = await updateWhenReady(handle, 'drainAndStop', async () => {
      calls++;
      if (calls < 3) throw notReady();
      return 'stopped';
    }, { delayMs: 1 });
    expect(result).toBe('stopped');
    expect(calls).toBe(3);
  });

  it('recognises the error as executeUpdate throws it: a ServiceError caused by the gRPC error', async () => {
    let calls = 0;
    const result = await updateWhenReady(handle, 'drainAndStop', async () => {
      calls++;
      if (calls < 2) throw new ServiceError('Workflow Update failed', { cause: notReady() });
      return 'stopped';
    }, { delayMs: 1 });
    expect(result).toBe('stopped');
    expect(calls).toBe(2);
  });

  it('passes any other error at once (a refusal, a missing workflow)', async () => {
    let calls = 0;
    const refused = new Error('not a DPO of booking');
    await expect(updateWhenReady(handle, 'decide', async () => {
      calls++;
      throw refused;
    }, { delayMs: 1 })).rejects.toBe(refused);
    expect(calls).toBe(1);
    expect(workflowNotReady(Object.assign(new Error('x'), { code: 9, details: 'workflow execution already completed', metadata: {} }))).toBe(false);
  });

  it('gives up after its attempts, naming the workflow and the Update', async () => {
    await expect(updateWhenReady(handle, 'drainAndStop', async () => { throw notReady(); }, { attempts: 2, delayMs: 1 }))
      .rejects.toThrow(/workflow cdc:booking could not take the drainAndStop Update: its workflow task kept failing \(2 attempts\)/);
  });
});
