import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Erasure, ErasurePositions, EraseTableResult } from '../../connectors/warehouse/erasure-port.js';
import type { DataSubject } from '../../contracts/data-subjects.js';
import { erasurePlan, type ErasurePlan, type ErasureTablePlan } from '../../core/erasure/plan.js';
import { canonicalSubjectId } from '../../core/erasure/subject-id.js';
import { InvalidInputError } from '../../core/errors.js';
import type { DomainRegistry } from '../../domains/registry.js';
import type { StagedFileOutcome } from '../../workflows/api/erase-subject.js';
import type { ServingStoreWrites } from '../../connectors/serving-store/store.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface ErasureActivityDeps {
  registry: DomainRegistry;
  subjects: readonly DataSubject[];
  erasure: Erasure;
  /** FACTORY_STAGING_DIR: backfill chunks under <loadId>/<domain>.<table>/, change batches under cdc/. */
  stagingDir: string;
  topicPrefix: string;
  /** FACTORY_CDC_TOPIC_RETENTION_HOURS, for the evidence's statement of the Kafka window. */
  topicRetentionHours: number;
  /** The serving store: the subject's rows of served tables are erased there once the ledger is written. */
  serving?: ServingStoreWrites | undefined;
}

export interface ErasureApprovalPlan {
  plan: ErasurePlan;
  approvers: { dpo: string; deputies: string[] };
  policy: { reminderHours: number; escalationHours: number; expiryDays: number };
}

/**
 * Subject erasure on the warehouse owner (workflow eraseSubject). Inputs carry table plans and the
 * subject's keyed hash; only beginErasure receives the identifier, and no result carries it or any
 * reaching value.
 */
export function createErasureActivities(deps: ErasureActivityDeps) {
  const { registry, erasure } = deps;
  const subjectOf = (name: string): DataSubject => {
    const found = deps.subjects.find((s) => s.name === name);
    if (!found) throw new InvalidInputError(`unknown data subject '${name}' (declared: ${deps.subjects.map((s) => s.name).join(', ')})`);
    return found;
  };
  const planOf = (name: string) => erasurePlan(subjectOf(name), (ref) => registry.table(ref));
  const contractOf = (t: ErasureTablePlan) => registry.table(`${t.domain}.${t.table}`);

  /** Staged files of the plan's tables: backfill chunks of any load, and change batches of their topics. */
  async function stagedFiles(plan: ErasurePlan): Promise<{ file: string; table: ErasureTablePlan; loadId?: string }[]> {
    const list = async (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);
    const found: { file: string; table: ErasureTablePlan; loadId?: string }[] = [];
    const byRef = new Map(plan.tables.map((t) => [`${t.domain}.${t.table}`, t]));
    for (const load of await list(deps.stagingDir)) {
      if (!load.isDirectory() || load.name === 'cdc') continue;
      for (const folder of await list(join(deps.stagingDir, load.name))) {
        const table = byRef.get(folder.name);
        if (!folder.isDirectory() || !table) continue;
        for (const f of await list(join(deps.stagingDir, load.name, folder.name))) {
          if (f.isFile() && f.name.endsWith('.csv')) found.push({ file: join(deps.stagingDir, load.name, folder.name, f.name), table, loadId: load.name });
        }
      }
    }
    const byTopic = plan.tables.map((t) => ({ t, prefix: `cdc-${deps.topicPrefix}.${contractOf(t).source.schema}.${contractOf(t).source.table}-` }));
    for (const f of await list(join(deps.stagingDir, 'cdc'))) {
      const match = byTopic.find((b) => f.name.startsWith(b.prefix) && f.name.endsWith('.csv'));
      if (f.isFile() && match) found.push({ file: join(deps.stagingDir, 'cdc', f.name), table: match.t });
    }
    return found;
  }

  return {
    /** The plan and who approves it: the approving domain's DPO, deputies and approval policy. */
    async planErasureApproval(input: { subject: string }): Promise<ErasureApprovalPlan> {
      const plan = planOf(input.subject);
      const domain = registry.domain(plan.approvingDomain);
      const { reminderHours, escalationHours, expiryDays } = domain.approval;
      return { plan, approvers: { dpo: domain.dpo.id, deputies: domain.deputies.map((p) => p.id) }, policy: { reminderHours, escalationHours, expiryDays } };
    },

    /** Collects the reaching values and writes the ledger, in one warehouse transaction. */
    async beginErasure(input: { subject: string; subjectHash: string; id: string }) {
      const plan = planOf(input.subject);
      const [d, t, c] = plan.key.split('.') as [string, string, string];
      const keyColumn = registry.table(`${d}.${t}`).columns.find((col) => col.name === c)!;
      const id = canonicalSubjectId(plan.key, keyColumn, input.id);
      const contracts = Object.fromEntries(plan.tables.map((p) => [`${p.domain}.${p.table}`, contractOf(p)]));
      contracts[`${d}.${t}`] = registry.table(`${d}.${t}`);
      const begun = await withHeartbeat({ erasure: 'collecting' }, () => erasure.beginErasure({ plan, subjectHash: input.subjectHash, id, contracts }));
      // The serving store after the ledger (as the warehouse's tables), in one transaction of its own:
      // a retry finds the same rows, or none left.
      let serving: Array<{ table: string; rows: number }> = [];
      if (deps.serving) {
        const store = deps.serving;
        ({ tables: serving } = await withHeartbeat({ erasure: 'serving store' }, () => store.eraseSubject({ plan, id, contracts })));
      }
      return { ...begun, plan, serving };
    },

    async eraseTable(input: { subjectHash: string; table: ErasureTablePlan }): Promise<EraseTableResult> {
      return withHeartbeat({ erasing: `${input.table.domain}.${input.table.table}` }, () =>
        erasure.eraseTable({ subjectHash: input.subjectHash, table: input.table, contract: contractOf(input.table) }));
    },

    /**
     * Staged files holding the subject's rows: a leftover of a load that is no longer in flight is
     * deleted; a chunk of a load in flight stays (its count and checksum must still match the source,
     * and the swap applies the ledger before readers see a row), and so does a change batch being
     * applied (the merge applies the ledger; the pipeline deletes the file once the batch commits).
     */
    async eraseStagedFiles(input: { subjectHash: string; subject: string }): Promise<StagedFileOutcome[]> {
      const outcomes: StagedFileOutcome[] = [];
      for (const f of await stagedFiles(planOf(input.subject))) {
        let rows: number;
        try {
          ({ rows } = await erasure.stagedFileMatches({ subjectHash: input.subjectHash, table: f.table, contract: contractOf(f.table), file: f.file, changeBatch: f.loadId === undefined }));
        } catch (error) {
          // Loaded (and removed) or committed since it was listed: nothing left to erase.
          if (/No files found|does not exist/i.test((error as Error).message)) continue;
          throw error;
        }
        if (rows === 0) continue;
        const table = `${f.table.domain}.${f.table.table}`;
        const inFlight = f.loadId !== undefined ? await erasure.loadInFlight({ loadId: f.loadId, domain: f.table.domain, table: f.table.table }) : true;
        if (!inFlight) await rm(f.file, { force: true });
        outcomes.push({ file: f.file, table, rows, outcome: inFlight ? 'in-flight' : 'deleted' });
      }
      return outcomes;
    },

    async erasurePositions(input: { subject: string }): Promise<ErasurePositions & { kafkaWindow: string }> {
      const tables = planOf(input.subject).tables.map((t) => {
        const { source } = contractOf(t);
        return { domain: t.domain, table: t.table, topicSuffix: `.${source.schema}.${source.table}` };
      });
      const positions = await erasure.erasurePositions({ tables });
      const hours = deps.topicRetentionHours;
      const kafkaWindow = `change topics ${deps.topicPrefix}.<SCHEMA>.<TABLE> created by the capture keep events for ${hours} h `
        + `(FACTORY_CDC_TOPIC_RETENTION_HOURS; topics created before keep the retention they were created with): the subject's change events stay in Kafka until then. `
        + 'A replay from the earliest retained offset, like a re-backfill, passes the erasure ledger, which drops or anonymises every row it names before the change log and the merge.';
      return { ...positions, kafkaWindow };
    },

    async finishErasure(input: { subjectHash: string; evidence: unknown }): Promise<void> {
      await erasure.finishErasure(input);
    },

    async erasureEvidence(input: { subjectHash: string }): Promise<unknown> {
      return erasure.erasureEvidence(input);
    },
  };
}
