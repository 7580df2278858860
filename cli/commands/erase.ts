import { userInfo } from 'node:os';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { DataSubject } from '../../contracts/data-subjects.js';
import { hashKey, type Config } from '../../core/config.js';
import { canonicalSubjectId } from '../../core/erasure/subject-id.js';
import { InvalidInputError } from '../../core/errors.js';
import { keyedHash } from '../../core/keyed-hash.js';
import { dataSubjects, registry as declared } from '../../domains/index.js';
import type { DomainRegistry } from '../../domains/registry.js';
import {
  decideErasureUpdate, erasureRequestNumber, eraseSubjectStatus, eraseSubjectWorkflowId, eraseSubjectWorkflowType, howToDecideErasure,
  type DecideInput, type EraseSubjectResult, type EraseSubjectWorkflow,
} from '../../workflows/api/erase-subject.js';
import { factoryStatus } from '../../workflows/api/search-attributes.js';
import { config } from '../context.js';
import { withClient, withWorkers } from '../temporal.js';
import { DecisionRefusedError, deciderFor, type Decider } from './approvals.js';
import { updateWhenReady } from '../../connectors/temporal/update.js';

export interface RequestErasureInput {
  subject: string;
  /** The identifier as the person typed it; personal data: it goes only into the (encrypted) workflow input. */
  id: string;
  reason: string;
  by: string;
  taskQueue: string;
  warehouseTaskQueue: string;
}

/** The subject's keyed hash under the configured FACTORY_ERASURE_KEY: what names the erasure everywhere. */
export function subjectHashOf(cfg: Config, subject: DataSubject, id: string, registry: DomainRegistry = declared): { hash: string; canonical: string } {
  const [d, t, c] = subject.key.split('.') as [string, string, string];
  const column = registry.table(`${d}.${t}`).columns.find((col) => col.name === c)!;
  const canonical = canonicalSubjectId(subject.key, column, id);
  const { key, development } = hashKey(cfg, 'FACTORY_ERASURE_KEY');
  if (development) console.error('warning: FACTORY_ERASURE_KEY is unset: the public development key hashes the subject (FACTORY_AUTH=dev only)');
  return { hash: keyedHash(key.bytes(), canonical), canonical };
}

function subjectNamed(name: string, subjects: readonly DataSubject[] = dataSubjects): DataSubject {
  const found = subjects.find((s) => s.name === name);
  if (!found) throw new InvalidInputError(`unknown data subject '${name}' (declared: ${subjects.map((s) => s.name).join(', ')})`);
  return found;
}

/** Starts `erase:<hash>`; a request for a subject already being erased joins that run. */
export async function requestErasure(client: Client, cfg: Config, input: RequestErasureInput): Promise<{ workflowId: string; subjectHash: string }> {
  const subject = subjectNamed(input.subject);
  const { hash, canonical } = subjectHashOf(cfg, subject, input.id);
  const workflowId = eraseSubjectWorkflowId(hash);
  await client.workflow.start<EraseSubjectWorkflow>(eraseSubjectWorkflowType, {
    taskQueue: input.taskQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ subject: subject.name, subjectHash: hash, id: canonical, reason: input.reason, requestedBy: input.by, warehouseTaskQueue: input.warehouseTaskQueue }],
    typedSearchAttributes: [{ key: factoryStatus, value: 'requesting' }],
  });
  return { workflowId, subjectHash: hash };
}

export type DecideOnErasureInput = Decider & { subjectHash: string; decision: DecideInput['decision']; comment: string };

/** The `decide` Update of `erase:<hash>`: an approval answers once the erasure is done, with its evidence. */
export async function decideOnErasure(client: Client, input: DecideOnErasureInput): Promise<EraseSubjectResult> {
  const decision: DecideInput = { version: erasureRequestNumber, decision: input.decision, ...(input.token ? { token: input.token } : { by: input.by! }), comment: input.comment };
  try {
    const handle = client.workflow.getHandle(eraseSubjectWorkflowId(input.subjectHash));
    return await updateWhenReady(handle, decideErasureUpdate.name, () => handle.executeUpdate(decideErasureUpdate, { args: [decision] }));
  } catch (error) {
    // Every refusal is audited by the workflow itself (verified decisions).
    if (error instanceof WorkflowUpdateFailedError) throw new DecisionRefusedError(error.cause?.message ?? error.message);
    if (error instanceof WorkflowNotFoundError) throw new DecisionRefusedError(`no erasure ${input.subjectHash} is waiting for a decision`);
    throw error;
  }
}

export function registerEraseCommands(program: Command): void {
  const erase = program.command('erase').description('erase a data subject (GDPR): request, DPO decision, evidence (workflow erase:<subject hash>)');
  erase
    .command('request <subject> <id>')
    .description('request the erasure of a subject (e.g. customer 4711); the identifier is hashed with FACTORY_ERASURE_KEY for the workflow id and travels only in the workflow input (encrypted when FACTORY_PAYLOAD_KEYS is set; the command warns otherwise)')
    .requiredOption('--reason <text>', "why: the request's reference (never the person's name)")
    .option('--as <user>', 'who requests it (default: your login name)')
    .action(async (subject: string, id: string, opts: { reason: string; as?: string }) => {
      const cfg = config();
      if (!cfg.FACTORY_PAYLOAD_KEYS) console.error('warning: FACTORY_PAYLOAD_KEYS is not set: the identifier will be readable in the workflow input of the Temporal history');
      await withClient(async (client) => {
        const started = await requestErasure(client, cfg, {
          subject, id, reason: opts.reason, by: opts.as ?? userInfo().username, taskQueue: cfg.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE,
        });
        console.log(`${started.workflowId} started: waits for the DPO of the subject's approving domain; nothing is erased before`);
        console.log('decide with either:');
        for (const line of howToDecideErasure(started.subjectHash)) console.log(`  ${line}`);
      });
    });
  for (const verb of ['approve', 'reject'] as const) {
    erase
      .command(`${verb} <subjectHash>`)
      .description(`${verb} an erasure request (its DPO or a deputy)`)
      .requiredOption('--comment <text>', 'why')
      .option('--as <user>', 'your user id (FACTORY_AUTH=dev only)')
      .action(async (subjectHash: string, opts: { comment: string; as?: string }) => {
        const who = await deciderFor(opts.as);
        await withWorkers(async (client) => {
          try {
            const result = await decideOnErasure(client, { ...who, subjectHash, decision: verb, comment: opts.comment });
            console.log(JSON.stringify(result, null, 2));
          } catch (error) {
            if (!(error instanceof DecisionRefusedError)) throw error;
            console.error(`refused: ${error.message}`);
            process.exitCode = 1;
          }
        });
      });
  }
  erase
    .command('status <subjectHash>')
    .description("an erasure's phase, or its result with the evidence once finished")
    .action(async (subjectHash: string) => {
      // A query on a running erasure needs a worker to answer it.
      await withWorkers(async (client) => {
        const handle = client.workflow.getHandle(eraseSubjectWorkflowId(subjectHash));
        const description = await handle.describe();
        const shown = description.status.name === 'RUNNING' ? await handle.query(eraseSubjectStatus) : await handle.result();
        console.log(JSON.stringify(shown, null, 2));
      });
    });
}
