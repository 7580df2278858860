import pino from 'pino';

/** Structured JSON logs to stderr; callers log references and counts, never row values or credentials. */
export function createLogger(level: string, name: string) {
  return pino({ name, level, redact: { paths: ['*.password', '*.url', '*.connectionString'], censor: '[redacted]' } }, pino.destination(2));
}
