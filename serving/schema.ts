import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

/**
 * One zod schema per request part and response, used twice: Fastify validates requests with the zod
 * schema itself (not a JSON-schema re-interpretation of it), and @fastify/swagger documents the route
 * from the JSON schema zod generates. Responses are documented, not filtered: they are serialised with
 * JSON.stringify, so a field missing from a response schema is never silently dropped.
 */

export interface RouteSchemas {
  summary: string;
  tags?: string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Status code → the response body's schema. */
  response: Record<number, z.ZodType>;
}

const zodOf = new WeakMap<object, z.ZodType>();

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete generated.$schema;
  zodOf.set(generated, schema);
  return generated;
}

/** The route's `schema` option: JSON schemas for the document, each remembering the zod schema that validates. */
export function routeSchema(s: RouteSchemas): FastifySchema {
  return {
    summary: s.summary,
    ...(s.tags ? { tags: s.tags } : {}),
    ...(s.params ? { params: jsonSchema(s.params, 'input') } : {}),
    ...(s.querystring ? { querystring: jsonSchema(s.querystring, 'input') } : {}),
    ...(s.body ? { body: jsonSchema(s.body, 'input') } : {}),
    response: Object.fromEntries(Object.entries(s.response).map(([code, schema]) => [code, { description: `HTTP ${code}`, ...jsonSchema(schema, 'output') }])),
  };
}

/** Request validation by the zod schemas behind routeSchema; a schema made any other way is refused at start. */
export function useZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, method, url, httpPart }) => {
    const zod = zodOf.get(schema);
    if (!zod) throw new Error(`${method} ${url}: the ${httpPart ?? 'request'} schema was not made by routeSchema (serving/schema.ts)`);
    return (data: unknown) => {
      const parsed = zod.safeParse(data);
      if (parsed.success) return { value: parsed.data };
      const issue = parsed.error.issues[0];
      return { error: new Error(`${httpPart ?? 'request'}${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`) };
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The error body every route answers with. */
export const errorBody = z.object({ error: z.string() });
