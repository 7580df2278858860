import { z } from 'zod';
import { piiClasses } from '../../contracts/contract.js';
import { errorBody, routeSchema } from '../schema.js';
import type { ApiRoutes } from './context.js';

/**
 * The catalog for every signed-in user: search and a product's page (schema with PII classes,
 * lineage, quality history, freshness, versions). Metadata only, no rows: not audited.
 */

const hit = z.object({
  kind: z.enum(['domain', 'product', 'table', 'column']), name: z.string(), domain: z.string(),
  description: z.string().nullable(), rank: z.number(), matched: z.array(z.string()),
});
const quality = z.object({
  reportId: z.string(), domain: z.string(), product: z.string(), status: z.string(), rules: z.number(), warned: z.number(),
  blocked: z.number(), durationMs: z.number(), checkedAt: z.string(),
});
export const lineageEdge = z.object({ from: z.string(), to: z.string(), columns: z.array(z.object({ from: z.string(), to: z.string(), rule: z.string().optional() })).optional() });
const person = z.object({ id: z.string(), name: z.string(), email: z.string().nullable() });
const column = z.object({ name: z.string(), type: z.string(), nullable: z.boolean(), pii: z.enum(piiClasses), description: z.string().nullable() });
const product = z.object({
  domain: z.string(), product: z.string(), description: z.string(), consumers: z.array(z.string()),
  owner: z.object({ dpo: person.nullable(), deputies: z.array(person) }),
  datasets: z.array(z.object({ table: z.string(), description: z.string().nullable(), source: z.string().nullable(), columns: z.array(column) })),
  pii: z.record(z.string(), z.enum(piiClasses)),
  quality: quality.nullable(),
  qualityRuns: z.array(quality),
  freshness: z.object({ lastPublishedAt: z.string().nullable(), lastQualityAt: z.string().nullable() }),
  lineage: z.array(lineageEdge),
  published: z.object({ version: z.number(), publishedAt: z.string().nullable(), decidedBy: z.string().nullable(), comment: z.string().nullable() }).loose().nullable(),
  open: z.array(z.object({ version: z.number(), status: z.string(), breaking: z.boolean(), qualityStatus: z.string(), createdAt: z.string() })),
  /** Declared `serving: 'realtime'`: its rows are readable through the data routes (the console's data page). */
  served: z.boolean(),
});

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name such as booking');

export const catalogRoutes: ApiRoutes = (app, { catalog, registry }) => {
  app.get('/api/catalog/search', {
    schema: routeSchema({
      summary: 'full-text search over domains, products, tables and columns, best match first', tags: ['catalog'],
      querystring: z.object({ q: z.string().trim().min(1, 'expected search words').max(200), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      response: { 200: z.object({ hits: z.array(hit) }) },
    }),
  }, async (request) => {
    const { q, limit } = request.query as { q: string; limit: number };
    return { hits: await catalog.search({ text: q, limit }) };
  });

  app.get('/api/catalog/products/:domain/:product', {
    schema: routeSchema({
      summary: "a data product's page: owner, schema with PII classes, quality history, freshness, lineage, versions", tags: ['catalog'],
      params: z.object({ domain: name, product: name }),
      response: { 200: product, 404: errorBody },
    }),
  }, async (request, reply) => {
    const ref = request.params as { domain: string; product: string };
    const shown = await catalog.showProduct(ref);
    if (!shown) return reply.code(404).send({ error: `${ref.domain}.${ref.product} is not in the catalog (unknown, or the catalog is not synced: factory catalog sync)` });
    const declared = registry.domains.find((d) => d.name === ref.domain)?.products.find((p) => p.name === ref.product);
    return { ...shown, served: declared?.serving === 'realtime' };
  });
};
