import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { IdentityVerifier } from '../connectors/identity/oidc.js';
import { IdentityRefusedError } from '../core/errors.js';
import type { Role, VerifiedIdentity } from '../core/identity/roles.js';

/**
 * The Temporal UI's remote codec endpoint: POST /decode and /encode with {payloads: [...]} (metadata
 * values and data in base64), answered in the same shape. Decoded payloads hold what encryption
 * hides (decisions, comments, personal data), so every call needs an SSO access token of a platform
 * engineer or admin: the people who operate workflows in the Temporal UI. DPOs, agents and analysts
 * decide and read through the CLI and serving layer, which apply their own policies; a decoded
 * history is not scoped to one domain, so it is not theirs to read. Encoding reveals nothing (it
 * encrypts what the caller sends), so any signed-in user may encode: a DPO's decision sent with
 * `temporal workflow signal --codec-endpoint …` then enters the history encrypted, token included.
 */

export const defaultCodecPort = 8234;
export const codecReaderRoles: readonly Role[] = ['engineer', 'admin'];

export interface CodecEndpointOptions {
  codec: PayloadCodec;
  verifier: IdentityVerifier;
  /** Browser origins (the Temporal UI) allowed to call with credentials. */
  corsOrigins: readonly string[];
  /** Audit lines: who decoded how many payloads, and every refusal with its reason. Never tokens or payloads. */
  audit?: (entry: Record<string, unknown>) => void;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(10_000),
});
type WirePayload = z.infer<typeof wirePayloads>['payloads'][number];

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function createCodecEndpoint({ codec, verifier, corsOrigins, audit = () => {} }: CodecEndpointOptions): FastifyInstance {
  // Fastify's own request log is off: the audit lines say what matters without headers or bodies.
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && corsOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    }
  });
  // Browsers send the preflight without credentials; it reveals nothing, so it is answered to anyone.
  const preflight = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', 'Authorization, Content-Type, X-Namespace')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  };

  const signedIn = async (request: FastifyRequest, reply: FastifyReply, operation: 'decode' | 'encode'): Promise<VerifiedIdentity | undefined> => {
    const refuse = (status: 401 | 403 | 503, reason: string, user?: string) => {
      audit({ event: 'codec.refused', operation, status, reason, ...(user ? { user } : {}) });
      if (status === 401) reply.header('www-authenticate', 'Bearer realm="factory-codec"');
      void reply.code(status).send({ error: reason });
      return undefined;
    };
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) return refuse(401, 'sign-in required: send Authorization: Bearer <access token>');
    let identity: VerifiedIdentity;
    try {
      identity = await verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof IdentityRefusedError) return refuse(401, error.message);
      return refuse(503, 'the identity provider cannot be reached to check the token; try again');
    }
    if (operation === 'decode' && !identity.roles.some((r) => codecReaderRoles.includes(r))) {
      return refuse(403, `${identity.user} may not read workflow payloads: needs role ${codecReaderRoles.join(' or ')}`, identity.user);
    }
    return identity;
  };

  for (const operation of ['decode', 'encode'] as const) {
    app.options(`/${operation}`, preflight);
    app.post(`/${operation}`, async (request, reply) => {
      const identity = await signedIn(request, reply, operation);
      if (!identity) return reply;
      const body = wirePayloads.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: `expected {"payloads": [{"metadata": {…base64}, "data": base64}]}: ${body.error.issues[0]?.message}` });
      const payloads = body.data.payloads.map(fromWire);
      let result: Payload[];
      try {
        result = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      } catch (error) {
        // The codec's messages name key ids, never keys or content.
        const reason = error instanceof Error ? error.message : String(error);
        audit({ event: `codec.${operation}.failed`, user: identity.user, reason });
        return reply.code(422).send({ error: reason });
      }
      audit({ event: `codec.${operation}`, user: identity.user, payloads: payloads.length, namespace: request.headers['x-namespace'] });
      return reply.send({ payloads: result.map(toWire) });
    });
  }
  return app;
}
