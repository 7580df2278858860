import { createRequire } from 'node:module';
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../core/config.js';

/**
 * OpenTelemetry traces through Temporal's interceptors: a span per workflow run (exported from the
 * sandbox through a sink) and per activity execution, linked by the headers Temporal carries, sent
 * over OTLP/HTTP. Only with OTEL_EXPORTER_OTLP_ENDPOINT set: otherwise nothing is built and no
 * connection is attempted. Span attributes are ids and type names (the interceptors' own), never payloads.
 */
export interface WorkerTracing {
  /** Merged into each Worker.create. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Sends what is buffered, then stops (worker shutdown). */
  shutdown(): Promise<void>;
}

const workflowInterceptorsModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The W3C propagator and async context are process-wide: registered by the first tracing worker set. */
let registered = false;

export function createWorkerTracing(config: Config): WorkerTracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME });
  // The URL is passed explicitly: the exporter would otherwise read the environment itself.
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  if (!registered) {
    // The activity interceptor reads the workflow's span context from the headers through the global propagator.
    provider.register();
    registered = true;
  }
  const tracer: Tracer = provider.getTracer('data-factory');
  return {
    workerOptions: {
      interceptors: {
        workflowModules: [workflowInterceptorsModule],
        activity: [(ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        })],
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) },
    },
    shutdown: () => provider.shutdown(),
  };
}
