import type { Command } from 'commander';
import { createOidcVerifier } from '../../connectors/identity/oidc.js';
import { payloadProtection } from '../../connectors/temporal-codec/index.js';
import { createCodecEndpoint, defaultCodecPort } from '../../serving/codec-endpoint.js';
import { createLogger } from '../../workers/logger.js';
import { config } from '../context.js';

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description("serve the Temporal UI's remote codec endpoint (POST /decode, /encode): decrypts payloads for signed-in engineers and admins")
    .option('--port <port>', 'TCP port (the stack starts the Temporal UI pointing at 8234)', String(defaultCodecPort))
    .option('--host <host>', 'address to bind; the browser that shows the Temporal UI must reach it', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const cfg = config();
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) program.error(`--port: expected a TCP port, got '${opts.port}'`);
      if (!cfg.OIDC_DISCOVERY_URL) program.error('codec-server needs OIDC_DISCOVERY_URL (every call is signed in); locally: eval "$(bash stack/stack.sh env)"');
      const { codec, warning } = payloadProtection(cfg);
      if (warning) program.error('codec-server needs FACTORY_PAYLOAD_KEYS, the keys the workers encrypt with: without them there is nothing to decode');
      const log = createLogger(cfg.FACTORY_LOG_LEVEL, 'codec-server');
      const app = createCodecEndpoint({
        codec,
        verifier: createOidcVerifier({ discoveryUrl: cfg.OIDC_DISCOVERY_URL, issuer: cfg.OIDC_ISSUER, audience: cfg.OIDC_AUDIENCE, groupsClaim: cfg.OIDC_GROUPS_CLAIM }),
        corsOrigins: cfg.FACTORY_CODEC_CORS_ORIGINS,
        audit: (entry) => log.info(entry, String(entry.event)),
      });
      const address = await app.listen({ port, host: opts.host });
      console.error(`codec endpoint on ${address} (encrypting key id ${codec.encryptingKeyId}; browser origins ${cfg.FACTORY_CODEC_CORS_ORIGINS.join(', ')}); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await app.close();
    });
}
