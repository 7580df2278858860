import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppendAuditInput } from '../../connectors/catalog/port.js';
import { NotServedError, ReadRefusedError, type ServingReads } from '../../connectors/serving-store/reads.js';
import { parseAccessRole, type AccessRole } from '../../core/access/policy.js';
import { InvalidInputError } from '../../core/errors.js';
import { rolesFromGroups, type VerifiedIdentity } from '../../core/identity/roles.js';
import '../request-identity.js';
import { routeSchema } from '../schema.js';

/**
 * Data access for the self-BI API, read from the serving store under the caller's access policy:
 * GET /api/customers/:id/360 (the call-centre screen) and GET /api/products/:domain/:product/:table
 * (a served product's rows, filtered and keyset-paged). The caller is `request.identity`, set by the
 * server's authentication hook; no identity, no data (401). Roles come from the verified directory
 * groups; a caller holding several names the one to read as (`as`). Privileged reads — every
 * customer-360, and any read returning a personal column in clear — are written to the catalog's
 * audit log before the answer leaves; when the audit cannot be written, nothing is answered.
 * Paths and queries are validated once, by the route schemas: register the plugin on a server that
 * validates with them (useZodValidation, serving/schema.ts), as buildServer does.
 */

const lowerName = z.string().regex(/^[a-z][a-z0-9_]*$/);
const asRole = z.string().min(1).max(80).optional().describe('The role to read as, when the caller holds several (e.g. agency:101).');

export const customer360Params = z.object({ id: z.string().regex(/^\d{1,18}$/, 'expected a customer id of up to 18 digits') });
export const customer360Query = z.object({ as: asRole });
export const productParams = z.object({ domain: lowerName, product: lowerName, table: lowerName });
export const productQuery = z.object({
  filter: z.union([z.string(), z.array(z.string())]).optional()
    .describe("Equality filters 'COLUMN:value', repeatable; only on columns the role reads in clear."),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.string().max(2000).optional().describe('The `next` cursor of the previous page.'),
  as: asRole,
});

const rows = z.array(z.record(z.string(), z.unknown()));
export const sectionSchema = z.union([
  z.object({ product: z.string(), table: z.string(), readable: z.literal(true), rows }),
  z.object({ product: z.string(), table: z.string(), readable: z.literal(false), reason: z.string() }),
]);
export const customer360Response = z.object({
  customerId: z.string(), role: z.string(), found: z.boolean(),
  customer: sectionSchema, contacts: sectionSchema, bookings: sectionSchema, payments: sectionSchema, cases: sectionSchema, consents: sectionSchema,
});
export const tablePageResponse = z.object({
  product: z.string(), table: z.string(), role: z.string(), columns: z.array(z.string()), rows, next: z.string().nullable(),
});
/** A request the route schema refuses gets the server's `{ error }` (serving/server.ts); the route's own refusals add `message`. */
export const errorResponse = z.object({ error: z.string(), message: z.string().optional() });

/** The routes' schemas, for the OpenAPI document (zod 4: z.toJSONSchema). */
export const dataRouteSchemas = {
  'GET /api/customers/{id}/360': { params: customer360Params, querystring: customer360Query, response: { 200: customer360Response, 400: errorResponse, 401: errorResponse, 403: errorResponse } },
  'GET /api/products/{domain}/{product}/{table}': {
    params: productParams, querystring: productQuery, response: { 200: tablePageResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
  },
} as const;

export interface DataRoutesOptions {
  store: ServingReads;
  /** The catalog's audit log (connectors/catalog). */
  audit: { appendAudit(entry: AppendAuditInput): Promise<unknown> };
  /** Declared domain names (a steward's role names one). */
  domains: readonly string[];
}

class HttpError extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
  }
}

/** The role the caller reads as: their only one, or the one they name among theirs. */
export function accessRoleOf(identity: VerifiedIdentity, requested: string | undefined, domains: readonly string[]): AccessRole {
  const held = rolesFromGroups(identity.groups);
  if (held.length === 0) throw new HttpError(403, 'Forbidden', 'no role: the caller\'s directory groups grant none');
  if (requested !== undefined && !held.includes(requested as (typeof held)[number])) {
    throw new HttpError(403, 'Forbidden', `role ${requested} is not one of the caller's roles (${held.join(', ')})`);
  }
  if (requested === undefined && held.length > 1) throw new HttpError(400, 'Bad Request', `the caller holds several roles (${held.join(', ')}): name one with ?as=`);
  return parseAccessRole(requested ?? held[0]!, domains);
}

function filtersOf(filter: string | string[] | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const f of filter === undefined ? [] : Array.isArray(filter) ? filter : [filter]) {
    const at = f.indexOf(':');
    if (at <= 0) throw new HttpError(400, 'Bad Request', "filter: expected 'COLUMN:value'");
    filters[f.slice(0, at)] = f.slice(at + 1);
  }
  return filters;
}

function send(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof HttpError) return reply.code(error.status).send({ error: error.error, message: error.message });
  if (error instanceof ReadRefusedError) return reply.code(403).send({ error: 'Forbidden', message: error.message });
  if (error instanceof NotServedError) return reply.code(404).send({ error: 'Not Found', message: error.message });
  if (error instanceof InvalidInputError) return reply.code(400).send({ error: 'Bad Request', message: error.message });
  throw error;
}

function caller(request: FastifyRequest): VerifiedIdentity {
  if (!request.identity) throw new HttpError(401, 'Unauthorized', 'sign in first: this endpoint needs a verified identity');
  return request.identity;
}

export async function dataRoutes(fastify: FastifyInstance, { store, audit, domains }: DataRoutesOptions): Promise<void> {
  const record = (identity: VerifiedIdentity, role: AccessRole, entry: Pick<AppendAuditInput, 'domain' | 'product' | 'action' | 'detail'>) => audit.appendAudit({
    ...entry, actor: identity.user, verifiedBy: identity.user, via: 'api', authorized: true, outcome: 'accepted',
    detail: `as ${role.role}: ${entry.detail}`, at: new Date().toISOString(),
  });

  const s360 = dataRouteSchemas['GET /api/customers/{id}/360'];
  const sTable = dataRouteSchemas['GET /api/products/{domain}/{product}/{table}'];
  fastify.get('/api/customers/:id/360', {
    schema: routeSchema({ summary: "customer-360: a customer's profile, contacts, active bookings, payments, open cases and consents under the caller's policy (audited)", tags: ['data'], ...s360 }),
  }, async (request, reply) => {
    try {
      const identity = caller(request);
      // Validated (and coerced) by the route schema: the server validates with the zod schemas themselves (serving/schema.ts).
      const { id } = request.params as z.infer<typeof customer360Params>;
      const { as } = request.query as z.infer<typeof customer360Query>;
      const role = accessRoleOf(identity, as, domains);
      const view = await store.customer360(id, role);
      const clear = view.personalClear.length > 0 ? `; personal columns in clear: ${view.personalClear.join(', ')}` : '';
      await record(identity, role, { domain: 'customer', product: 'customer.customer_profile', action: 'read.customer360', detail: `customer ${id}${view.found ? '' : ' (not found)'}${clear}` });
      const { personalClear: _omitted, ...body } = view;
      return reply.send({ ...body, role: role.role });
    } catch (error) {
      return send(reply, error);
    }
  });

  fastify.get('/api/products/:domain/:product/:table', {
    schema: routeSchema({ summary: "a served product's rows under the caller's masking and row policies, filtered and keyset-paged", tags: ['data'], ...sTable }),
  }, async (request, reply) => {
    try {
      const identity = caller(request);
      const { domain, product, table } = request.params as z.infer<typeof productParams>;
      const query = request.query as z.infer<typeof productQuery>;
      const role = accessRoleOf(identity, query.as, domains);
      const filters = filtersOf(query.filter);
      const page = await store.readTable(domain, product, table, {
        filters, ...(query.limit !== undefined ? { limit: query.limit } : {}), ...(query.after !== undefined ? { after: query.after } : {}),
      }, role);
      if (page.personalClear.length > 0) {
        const filtered = Object.keys(filters);
        await record(identity, role, {
          domain, product: `${domain}.${product}`, action: 'read.personal',
          detail: `${page.rows.length} rows of ${page.table}${filtered.length ? ` filtered by ${filtered.join(', ')}` : ''}; personal columns in clear: ${page.personalClear.join(', ')}`,
        });
      }
      const { personalClear: _omitted, ...body } = page;
      return reply.send({ ...body, role: role.role });
    } catch (error) {
      return send(reply, error);
    }
  });
}
