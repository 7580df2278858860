import pino from 'pino';

/** Structured JSON logs to stderr; callers log references and counts, never row values or credentials. */
export function createLogger(level: string, name: string, destination: pino.DestinationStream = pino.destination(2)) {
  return pino({ name, level, redact: { paths: ['*.password', '*.url', '*.connectionString'], censor: '[redacted]' } }, destination);
}

type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const pinoLevel = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
const rank = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as Record<string, number>;

/**
 * The Temporal runtime's logger, as JSON lines through pino. Workflow and activity log calls arrive
 * with the SDK's metadata (workflowId, runId, workflowType, activityId, activityType, taskQueue), so
 * each such line names its run; they are logged at the configured level. The SDK's own lines (worker
 * state changes, every one at INFO) stay at warnings unless debug or trace is asked for.
 */
export function createSdkLogger(level: string, destination?: pino.DestinationStream) {
  const logger = createLogger(level, 'temporal', destination);
  const sdkFloor = level === 'trace' || level === 'debug' ? rank[level]! : rank.warn!;
  const log = (sdkLevel: SdkLevel, message: string, meta?: Record<string | symbol, unknown>) => {
    const target = pinoLevel[sdkLevel];
    const inRun = meta !== undefined && ('workflowId' in meta || 'activityId' in meta);
    if (!inRun && rank[target]! < sdkFloor) return;
    // The task token is an opaque credential for completing the task: ids say which run it is.
    const { taskToken: _token, ...fields } = meta ?? {};
    logger[target](fields, message);
  };
  return {
    log,
    trace: (message: string, meta?: Record<string | symbol, unknown>) => log('TRACE', message, meta),
    debug: (message: string, meta?: Record<string | symbol, unknown>) => log('DEBUG', message, meta),
    info: (message: string, meta?: Record<string | symbol, unknown>) => log('INFO', message, meta),
    warn: (message: string, meta?: Record<string | symbol, unknown>) => log('WARN', message, meta),
    error: (message: string, meta?: Record<string | symbol, unknown>) => log('ERROR', message, meta),
  };
}
