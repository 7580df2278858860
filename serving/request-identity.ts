import type { VerifiedIdentity } from '../core/identity/roles.js';

/**
 * The caller of a request, as the server's authentication hook verified it (never the token): every
 * route that reads data derives the caller's roles from it, and refuses a request without one.
 */
declare module 'fastify' {
  interface FastifyRequest {
    identity?: VerifiedIdentity;
  }
}

export {};
