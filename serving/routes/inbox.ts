import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PendingApproval } from '../../connectors/catalog/port.js';
import { PermanentError } from '../../core/errors.js';
import { identityOf } from '../auth.js';
import { decideOnPublication, decideOnSchemaChange, DecisionRefusedError, type Decider } from '../decisions.js';
import { errorBody, routeSchema } from '../schema.js';
import type { ApiRoutes, RouteContext } from './context.js';
import { lineageEdge } from './catalog.js';

/**
 * The DPO inbox: publications and schema changes waiting for the caller, as DPO or deputy of their
 * domain, each with what there is to judge (the schema diff, the gate's evidence). Decisions go to the
 * approval workflow's `decide` Update exactly as `factory approve|reject` sends them (serving/decisions.ts):
 * the workflow verifies the decider and audits the attempt.
 */

const change = z.object({ table: z.string(), column: z.string(), change: z.string(), from: z.string().optional(), to: z.string().optional(), breaking: z.boolean() });
const gate = z.object({ status: z.string(), reportId: z.string().nullable(), rules: z.number().nullable(), warned: z.number().nullable(), blocked: z.number().nullable(), checkedAt: z.string().nullable() });
const publication = z.object({
  domain: z.string(), product: z.string(), version: z.number(), role: z.enum(['dpo', 'deputy']), workflowId: z.string(), createdAt: z.string(),
  breaking: z.boolean(), changes: z.array(change), gate,
  datasets: z.array(z.object({ table: z.string(), columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean(), pii: z.string() })) })),
  lineage: z.array(lineageEdge),
});
const schemaChange = z.object({
  id: z.number(), table: z.string(), role: z.enum(['dpo', 'deputy']), workflowId: z.string(), createdAt: z.string(), reason: z.string(), topic: z.string(), offset: z.string(),
  change: z.object({ added: z.array(z.string()), dropped: z.array(z.string()), retyped: z.array(z.object({ column: z.string() }).loose()) }),
  blockers: z.array(z.string()),
});
const decisionBody = z.object({ decision: z.enum(['approve', 'reject']), comment: z.string().trim().min(3, 'say why (at least 3 characters): it goes into the approval history').max(2000) });
const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name');

async function publicationDetail(ctx: RouteContext, p: PendingApproval): Promise<z.infer<typeof publication>> {
  const [version, shown] = await Promise.all([ctx.catalog.productVersion(p), ctx.catalog.showProduct(p)]);
  const report = shown?.qualityRuns.find((q) => q.reportId === version?.qualityReportId);
  return {
    domain: p.domain, product: p.product, version: p.version, role: p.role, workflowId: p.workflowId, createdAt: p.createdAt, breaking: p.breaking,
    changes: version?.changes ?? [],
    gate: { status: p.qualityStatus, reportId: version?.qualityReportId ?? null, rules: report?.rules ?? null, warned: report?.warned ?? null, blocked: report?.blocked ?? null, checkedAt: report?.checkedAt ?? null },
    datasets: (version?.datasets ?? []).map((d) => ({ table: d.table, columns: d.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, pii: c.pii })) })),
    lineage: version?.lineage ?? [],
  };
}

export const inboxRoutes: ApiRoutes = (app, ctx) => {
  const decider = (request: FastifyRequest): Decider =>
    ctx.authMode === 'oidc' ? { token: request.session.credentials!.accessToken } : { by: identityOf(request).user };

  app.get('/api/inbox', {
    schema: routeSchema({
      summary: 'publications and schema changes waiting for the signed-in DPO or deputy, with the schema diff and the gate evidence', tags: ['inbox'],
      response: { 200: z.object({ publications: z.array(publication), schemaChanges: z.array(schemaChange) }) },
    }),
  }, async (request) => {
    const { user } = identityOf(request);
    const [pending, changes] = await Promise.all([ctx.catalog.pendingApprovals({ user }), ctx.catalog.pendingSchemaChanges({ user })]);
    const publications = await Promise.all(pending.map((p) => publicationDetail(ctx, p)));
    const domains = [...new Set([...pending.map((p) => p.domain), ...changes.map((c) => c.table.split('.')[0]!)])];
    await ctx.audit({
      actor: user, action: 'console.inbox.read', authorized: true, at: new Date().toISOString(), outcome: 'accepted', verifiedBy: user, via: 'console',
      detail: `inbox read: ${publications.length} publications, ${changes.length} schema changes${domains.length ? ` (${domains.join(', ')})` : ''}`,
    });
    return {
      publications,
      schemaChanges: changes.map((c) => ({ id: c.id, table: c.table, role: c.role, workflowId: c.workflowId, createdAt: c.createdAt, reason: c.reason, topic: c.topic, offset: c.offset, change: c.change, blockers: c.blockers })),
    };
  });

  const refused = (error: unknown) => {
    if (error instanceof DecisionRefusedError) return { status: 403 as const, error: error.message };
    if (error instanceof PermanentError) return { status: 404 as const, error: error.message };
    throw error;
  };

  app.post('/api/inbox/publications/:domain/:product/:version/decision', {
    schema: routeSchema({
      summary: 'approve or reject a pending publication (the workflow verifies the signed-in DPO or deputy); answers once it is published or rejected', tags: ['inbox'],
      params: z.object({ domain: name, product: name, version: z.coerce.number().int().min(1) }), body: decisionBody,
      response: { 200: z.object({ product: z.string(), version: z.number(), outcome: z.enum(['published', 'rejected']), by: z.string(), at: z.string() }), 403: errorBody, 404: errorBody },
    }),
  }, async (request, reply) => {
    const { domain, product, version } = request.params as { domain: string; product: string; version: number };
    const { decision, comment } = request.body as z.infer<typeof decisionBody>;
    try {
      return await decideOnPublication(ctx.temporal, { product: `${domain}.${product}`, version, decision, comment, ...decider(request) }, { registry: ctx.registry, audit: ctx.audit });
    } catch (error) {
      const r = refused(error);
      return reply.code(r.status).send({ error: r.error });
    }
  });

  app.post('/api/inbox/schema-changes/:table/:request/decision', {
    schema: routeSchema({
      summary: "approve or reject a table's schema change request (approving resumes its change capture when nothing blocks it)", tags: ['inbox'],
      params: z.object({ table: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'expected <domain>.<table>'), request: z.coerce.number().int().min(1) }), body: decisionBody,
      response: { 200: z.object({ table: z.string(), request: z.number(), outcome: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), resumes: z.boolean() }), 403: errorBody, 404: errorBody },
    }),
  }, async (request, reply) => {
    const params = request.params as { table: string; request: number };
    const { decision, comment } = request.body as z.infer<typeof decisionBody>;
    try {
      return await decideOnSchemaChange(ctx.temporal, { table: params.table, request: params.request, decision, comment, ...decider(request) }, { registry: ctx.registry, audit: ctx.audit });
    } catch (error) {
      const r = refused(error);
      return reply.code(r.status).send({ error: r.error });
    }
  });
};
