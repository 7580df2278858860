import type { Command } from 'commander';
import type { AppendAuditInput } from '../../connectors/catalog/port.js';
import { openCatalogStore } from '../../connectors/catalog/postgres.js';
import { InvalidInputError } from '../../core/errors.js';
import { decideOnPublication, decideOnSchemaChange, DecisionRefusedError, type Decider } from '../../serving/decisions.js';
import { currentToken } from '../auth/session.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { exitCodes } from '../exit-codes.js';
import { printTable } from './domains.js';
import { registerApprovalHow } from './approval-how.js';

// The decision functions live in serving/ so the console sends decisions exactly as the CLI does.
export { decideOnPublication, decideOnSchemaChange, DecisionRefusedError, type Decider, type DecideOnPublicationInput, type DecideOnSchemaChangeInput, type DecideOptions } from '../../serving/decisions.js';

const ago = (iso: string, now: number) => `${Math.round((now - Date.parse(iso)) / 3_600_000)} h ago`;

/**
 * Who decides, as the configuration says: with FACTORY_AUTH=oidc the signed-in session's access token
 * (the workflow verifies it), with dev the user id given by --as, taken at its word.
 */
export async function deciderFor(as: string | undefined): Promise<Decider> {
  const cfg = config();
  if (cfg.FACTORY_AUTH === 'dev') {
    if (!as) throw new InvalidInputError('FACTORY_AUTH=dev (the local demo): name who decides with --as <user id>');
    console.error(`(FACTORY_AUTH=dev: deciding as ${as}, a name nobody verifies; production runs FACTORY_AUTH=oidc)`);
    return { by: as };
  }
  if (as) throw new InvalidInputError('--as works only with FACTORY_AUTH=dev (the local demo); with FACTORY_AUTH=oidc your signed-in identity decides: factory login');
  return { token: await currentToken(cfg) };
}

/** Appends one audit entry to the catalog: opened only when a refusal must be recorded. */
async function auditInCatalog(entry: AppendAuditInput): Promise<void> {
  const catalog = await openCatalogStore({ url: config().FACTORY_CATALOG_URL });
  await catalog.appendAudit(entry).finally(() => catalog.close());
}

export function registerApprovalCommands(program: Command): void {
  const approvals = program.command('approvals').description('publications and schema changes waiting for a decision');
  registerApprovalHow(approvals);
  approvals
    .command('list')
    .description('the candidates you may decide on, as DPO or deputy of their domain')
    .requiredOption('--as <user>', 'your user id (e.g. dpo.booking)')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; json?: boolean }) => {
      const catalog = await openCatalogStore({ url: config().FACTORY_CATALOG_URL });
      try {
        const pending = await catalog.pendingApprovals({ user: opts.as });
        const schemaChanges = await catalog.pendingSchemaChanges({ user: opts.as });
        if (opts.json) return console.log(JSON.stringify({ publications: pending, schemaChanges }, null, 2));
        if (pending.length === 0 && schemaChanges.length === 0) return console.log(`nothing waits for ${opts.as}`);
        const now = Date.now();
        if (pending.length) {
          printTable(['product', 'version', 'your role', 'breaking', 'quality', 'changes', 'requested', 'workflow'],
            pending.map((p) => [`${p.domain}.${p.product}`, String(p.version), p.role, p.breaking ? 'yes' : 'no', p.qualityStatus, String(p.changes), ago(p.createdAt, now), p.workflowId]));
          console.log(`\ndecide: factory approve|reject <product> <version> --as ${opts.as} --comment "<why>"`);
        }
        if (schemaChanges.length) {
          if (pending.length) console.log('');
          printTable(['table (schema change)', 'request', 'your role', 'change', 'can resume', 'requested', 'workflow'],
            schemaChanges.map((c) => [c.table, String(c.id), c.role, [...c.change.dropped.map((d) => `${d} dropped`), ...c.change.retyped.map((r) => `${r.column} → ${r.event}`)].join(', '),
              c.blockers.length ? 'no: contract must change' : 'yes', ago(c.createdAt, now), c.workflowId]));
          console.log(`\ndecide: factory approve|reject <table> <request> --schema-change --as ${opts.as} --comment "<why>"`);
        }
      } finally {
        await catalog.close();
      }
    });

  for (const verb of ['approve', 'reject'] as const) {
    program
      .command(`${verb} <product> <version>`)
      .description(`${verb} a candidate version, or with --schema-change a table's schema change request (only the domain's DPO or a deputy may)`)
      .option('--as <user>', 'FACTORY_AUTH=dev only (the local demo): your user id (e.g. dpo.booking); with oidc your signed-in identity decides')
      .requiredOption('--comment <text>', 'why: recorded in the approval history')
      .option('--schema-change', '<product> is a table (<domain>.<table>) and <version> its schema change request number')
      .action(async (product: string, versionText: string, opts: { as?: string; comment: string; schemaChange?: boolean }) => {
        const version = Number(versionText);
        if (!Number.isInteger(version) || version < 1) throw new Error(`version '${versionText}': expected a whole number from 1 (see factory approvals list)`);
        const who = await deciderFor(opts.as);
        await withWorkers(async (client) => {
          try {
            if (opts.schemaChange) {
              const done = await decideOnSchemaChange(client, { table: product, request: version, decision: verb, ...who, comment: opts.comment }, { audit: auditInCatalog });
              const effect = done.resumes ? 'its change capture resumes from the paused offset' : done.outcome === 'approved' ? 'the table stays paused until its contract changes' : 'the table stays paused';
              return console.log(`${done.table} schema change request ${done.request} ${done.outcome} by ${done.by}: ${effect}`);
            }
            const done = await decideOnPublication(client, { product, version, decision: verb, ...who, comment: opts.comment }, { audit: auditInCatalog });
            console.log(done.outcome === 'published'
              ? `${done.product} v${done.version} approved by ${done.by} and published: its published views serve v${done.version}`
              : `${done.product} v${done.version} rejected by ${done.by}`);
          } catch (error) {
            if (!(error instanceof DecisionRefusedError)) throw error;
            console.error(`refused: ${error.message}`);
            process.exitCode = exitCodes.refused;
          }
        });
      });
  }
}
