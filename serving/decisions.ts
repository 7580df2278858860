import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { AppendAuditInput } from '../connectors/catalog/port.js';
import { updateWhenReady } from '../connectors/temporal/update.js';
import { registry as declared } from '../domains/index.js';
import { resolveProduct } from '../domains/products.js';
import type { DomainRegistry } from '../domains/registry.js';
import { decideUpdate, publishDataProductWorkflowId, type DecideInput, type DecideResult } from '../workflows/api/publish-data-product.js';
import { decideSchemaChangeUpdate, schemaChangeWorkflowId, type SchemaChangeDecideResult } from '../workflows/api/schema-change-approval.js';

/**
 * A DPO's decision sent as the approval workflow's `decide` Update, the same for the CLI
 * (`factory approve|reject`) and the console: the workflow verifies who decides and audits the
 * attempt; what it could not audit itself is audited here.
 */

/** The workflow refused the decision: the message is the reason, for the person deciding. */
export class DecisionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRefusedError';
  }
}

export interface DecideOptions {
  registry?: DomainRegistry;
  /**
   * Where a refusal the workflow did not audit itself is audited: a run started before decisions were
   * verified refuses in its Update validator, which may not do I/O. Later runs audit every attempt.
   */
  audit?: (entry: AppendAuditInput) => Promise<unknown>;
}

/** Who decides: an access token (FACTORY_AUTH=oidc), or a user id taken at its word (FACTORY_AUTH=dev). */
export type Decider = { token: string; by?: undefined } | { by: string; token?: undefined };

/** The refusal's reason, and whether the workflow already audited it. */
function refusalOf(error: WorkflowUpdateFailedError): { reason: string; audited: boolean } {
  const cause = error.cause;
  const details = cause instanceof ApplicationFailure ? cause.details : undefined;
  const audited = Array.isArray(details) && details.some((d) => typeof d === 'object' && d !== null && (d as { audited?: unknown }).audited === true);
  return { reason: cause?.message ?? error.message, audited };
}

export type DecideOnPublicationInput = Decider & {
  product: string;
  version: number;
  decision: DecideInput['decision'];
  comment: string;
};

/** Sends the decision as the `decide` Update: the answer comes back once the candidate is published or rejected. */
export async function decideOnPublication(client: Client, input: DecideOnPublicationInput, { registry = declared, audit }: DecideOptions = {}): Promise<DecideResult> {
  const found = resolveProduct(registry, input.product);
  const workflowId = publishDataProductWorkflowId(found.qualifiedName);
  const decision: DecideInput = { version: input.version, decision: input.decision, ...decider(input), comment: input.comment };
  try {
    const handle = client.workflow.getHandle(workflowId);
    return await updateWhenReady(handle, decideUpdate.name, () => handle.executeUpdate(decideUpdate, { args: [decision] }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const { reason, audited } = refusalOf(error);
      if (!audited) {
        await audit?.({
          domain: found.domain.name, product: found.product.name, version: input.version, actor: input.by ?? 'unknown', action: 'decide.refused', authorized: false,
          detail: `${found.qualifiedName} v${input.version}: ${input.decision} Update refused: ${reason}`, at: new Date().toISOString(),
          outcome: 'refused', via: 'update', reason, ...(input.by ? { claimedBy: input.by } : {}),
        });
      }
      throw new DecisionRefusedError(reason);
    }
    if (error instanceof WorkflowNotFoundError) {
      throw new DecisionRefusedError(`no publication of ${found.qualifiedName} is waiting for a decision (start one with: factory publish ${found.qualifiedName})`);
    }
    throw error;
  }
}

export type DecideOnSchemaChangeInput = Decider & {
  /** '<domain>.<table>'. */
  table: string;
  /** The request number (factory approvals list). */
  request: number;
  decision: DecideInput['decision'];
  comment: string;
  /** The change capture that paused the table; default the domain's `cdc:<domain>`. */
  cdcWorkflowId?: string;
};

/** The `decide` Update of `schema-change:<domain>.<table>`: an approval resumes the table's change capture. */
export async function decideOnSchemaChange(client: Client, input: DecideOnSchemaChangeInput, { registry = declared, audit }: DecideOptions = {}): Promise<SchemaChangeDecideResult> {
  const domain = registry.domain(input.table.split('.')[0] ?? '').name;
  const table = `${domain}.${registry.table(input.table).name}`;
  const workflowId = schemaChangeWorkflowId(input.cdcWorkflowId ?? `cdc:${domain}`, table);
  const decision: DecideInput = { version: input.request, decision: input.decision, ...decider(input), comment: input.comment };
  try {
    const handle = client.workflow.getHandle(workflowId);
    return await updateWhenReady(handle, decideSchemaChangeUpdate.name, () => handle.executeUpdate(decideSchemaChangeUpdate, { args: [decision] }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const { reason, audited } = refusalOf(error);
      if (!audited) {
        await audit?.({
          domain, actor: input.by ?? 'unknown', action: 'schema-change.decide.refused', authorized: false,
          detail: `${table} schema change request ${input.request}: ${input.decision} Update refused: ${reason}`, at: new Date().toISOString(),
          outcome: 'refused', via: 'update', reason, ...(input.by ? { claimedBy: input.by } : {}),
        });
      }
      throw new DecisionRefusedError(reason);
    }
    if (error instanceof WorkflowNotFoundError) throw new DecisionRefusedError(`no schema change of ${table} is waiting for a decision (workflow ${workflowId})`);
    throw error;
  }
}

const decider = (d: Decider): Pick<DecideInput, 'by' | 'token'> => (d.token ? { token: d.token } : { by: d.by! });
