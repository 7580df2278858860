import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { createWorkerTracing } from './traces.js';

describe('worker tracing', () => {
  it('is off, with nothing built, unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(createWorkerTracing(parseConfig({}))).toBeUndefined();
  });

  it('adds Temporal\'s workflow interceptor module, activity interceptors and the span sink when set', async () => {
    const tracing = createWorkerTracing(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }))!;
    expect(tracing.workerOptions.interceptors?.workflowModules?.[0]).toMatch(/interceptors-opentelemetry\/lib\/workflow-interceptors\.js$/);
    expect(tracing.workerOptions.interceptors?.activity).toHaveLength(1);
    expect(Object.keys(tracing.workerOptions.sinks ?? {})).toEqual(['exporter']);
    await tracing.shutdown();
  });
});
