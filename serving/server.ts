import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { z } from 'zod';
import { identityOf, registerAuth, type ConsoleOidcSettings } from './auth.js';
import { catalogRoutes } from './routes/catalog.js';
import type { ApiRoutes, RouteContext } from './routes/context.js';
import { inboxRoutes } from './routes/inbox.js';
import { kpiRoutes } from './routes/kpis.js';
import { dataRoutes } from './routes/data.js';
import type { ServingReads } from '../connectors/serving-store/reads.js';
import { pipelineRoutes } from './routes/pipeline.js';
import { routeSchema, useZodValidation } from './schema.js';
import { expiringMemoryStore } from './session-store.js';

/**
 * The self-BI server: the HTTP API and the web console on one Fastify instance. Everything it talks
 * to is injected (catalog, Temporal client, identity provider settings, audit); only `factory console`
 * (cli/) reads configuration. Every route refuses anonymous callers except the sign-in routes and the
 * console's static files, which are marked public; every state-changing request needs the session's
 * CSRF token.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in: sign-in routes and static files only. */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Every route as registered, for the test that proves each refuses anonymous callers. */
    registeredRoutes: Array<Pick<RouteOptions, 'method' | 'url' | 'config'>>;
  }
}

export interface ServerDeps extends RouteContext {
  oidc: ConsoleOidcSettings;
  /** Signs the session cookie (at least 32 characters). */
  sessionSecret: string;
  /** More API routes: registered like the built-in ones, behind sign-in. */
  routes?: ApiRoutes[];
  /** The serving store's policy-aware reads: customer-360 and product data (serving/routes/data.ts); unset, those routes are not served. */
  serving?: ServingReads;
  /** Server errors, without request bodies or headers (they hold cookies and tokens). */
  logError?: (entry: Record<string, unknown>) => void;
}

const consoleRoot = fileURLToPath(new URL('./console/', import.meta.url));
const sessionHours = 8;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  // Fastify's request log is off: it would carry cookies and the callback's authorization code.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.decorate('registeredRoutes', [] as FastifyInstance['registeredRoutes']);
  app.addHook('onRoute', (route) => { app.registeredRoutes.push(route); });
  useZodValidation(app);
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.validation ? 400 : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.logError?.({ event: 'console.error', method: request.method, route: request.routeOptions.url, error: error.message });
    return reply.code(status).send({ error: status === 500 ? 'internal error (logged by the console)' : error.message });
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
      .header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
  });

  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: deps.sessionSecret, cookieName: 'factory_console', saveUninitialized: false, store: expiringMemoryStore(),
    cookie: { httpOnly: true, sameSite: 'lax', secure: deps.oidc.consoleUrl.startsWith('https:'), path: '/', maxAge: sessionHours * 3_600_000 },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Data Factory self-BI API', version: '1', description: 'Sign in at /auth/login; every /api route needs the session cookie, state-changing ones the csrf-token header from /api/me.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'factory_console' } } },
      security: [{ session: [] }],
    },
  });
  registerAuth(app, deps.oidc);

  app.get('/api/me', {
    schema: routeSchema({
      summary: 'who is signed in (verified claims only) and the CSRF token for state-changing requests', tags: ['auth'],
      response: { 200: z.object({ user: z.string(), name: z.string().optional(), roles: z.array(z.string()), groups: z.array(z.string()), expiresAt: z.string(), csrfToken: z.string() }) },
    }),
  }, async (request, reply) => {
    const { user, name, roles, groups, expiresAt } = identityOf(request);
    return { user, ...(name ? { name } : {}), roles, groups, expiresAt, csrfToken: reply.generateCsrf() };
  });
  app.get('/openapi.json', {
    schema: routeSchema({ summary: 'this API as an OpenAPI 3 document', tags: ['meta'], response: { 200: z.record(z.string(), z.unknown()) } }),
  }, async () => app.swagger());

  for (const routes of [catalogRoutes, inboxRoutes, pipelineRoutes, kpiRoutes, ...(deps.routes ?? [])]) await routes(app, deps);
  if (deps.serving) await dataRoutes(app, { store: deps.serving, audit: { appendAudit: deps.audit }, domains: deps.registry.domains.map((d) => d.name) });

  // The console: plain files, sent by explicit public routes so nothing else escapes the sign-in hook.
  await app.register(fastifyStatic, { root: consoleRoot, serve: false });
  const page = { config: { public: true }, schema: { hide: true } };
  app.get('/', page, (_request, reply) => reply.sendFile('index.html'));
  app.get('/assets/:file', page, (request, reply) => {
    const file = (request.params as { file: string }).file;
    if (!/^[a-z0-9-]+\.(js|css|svg)$/.test(file)) return reply.code(404).send({ error: `no asset ${file}` });
    return reply.sendFile(file);
  });
  return app;
}
