import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * GET /metrics: this worker's registry, followed by the Temporal SDK's runtime metrics, which the
 * SDK serves on its own loopback port (Runtime telemetry) and this server pulls at each scrape — so
 * a worker is one scrape target. Families never collide: the SDK's all start with `temporal_`.
 */
export interface MetricsServer {
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { host: string; port: number; registry: Registry; sdkMetricsUrl?: string | undefined }): Promise<MetricsServer> {
  const { host, port, registry, sdkMetricsUrl } = options;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    void scrape(registry, sdkMetricsUrl).then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(error as Error).message}\n`),
    );
  });
  await listen(server, host, port);
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function scrape(registry: Registry, sdkMetricsUrl: string | undefined): Promise<string> {
  const ours = await registry.metrics();
  if (!sdkMetricsUrl) return ours;
  try {
    const answer = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) });
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    return `${ours}\n${await answer.text()}`;
  } catch (error) {
    // Our metrics still count; the comment says why the SDK's are missing from this scrape.
    return `${ours}\n# Temporal SDK runtime metrics unavailable from ${sdkMetricsUrl}: ${(error as Error).message}\n`;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(new Error(`FACTORY_METRICS_PORT: cannot serve metrics on ${host}:${port} (${error.code ?? error.message}); choose a free port, 0 for any, or off`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** A free loopback port for the SDK's own exporter (only this process's metrics server reads it). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await listen(server, '127.0.0.1', 0);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
