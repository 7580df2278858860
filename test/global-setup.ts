import { execFileSync } from 'node:child_process';

/**
 * Every integration test talks to the real local stack. `stack.sh up` is idempotent and returns once
 * every service answers its health check, so running it here makes `npx vitest` work on its own too.
 * Set FACTORY_TEST_NO_STACK=1 to run unit tests without starting services.
 */
export default function setup(): void {
  if (process.env.FACTORY_TEST_NO_STACK === '1') return;
  // The BigQuery emulator starts in a few seconds; the adapter's tests run against it. The identity
  // services (slapd + Keycloak) take about a minute on a first start, seconds once running.
  const extras = process.env.FACTORY_TEST_STACK_WITH ?? 'connect,bigquery,identity';
  execFileSync('bash', ['stack/stack.sh', 'up', ...(extras ? ['--with', extras] : [])], { stdio: 'inherit' });
}
