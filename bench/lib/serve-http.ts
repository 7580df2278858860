import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildConsoleServer } from '../../cli/commands/console.js';
import { openCatalogStore, type PostgresCatalogStore } from '../../connectors/catalog/postgres.js';
import type { ServingReads } from '../../connectors/serving-store/reads.js';
import type { Config } from '../../core/config.js';
import { DEMO_PASSWORD } from '../../stack/identity/people.js';
import { FormBrowser, signInOnLoginForm, visibleText } from '../../test/support/browser-forms.js';
import { testCatalogDatabase } from '../../test/support/catalog.js';

/**
 * The console as `factory console` builds it (cli/commands/console.ts), in this process on a free
 * port, with a catalog database of the run's own (customer-360 writes an audit row per read), and a
 * call-centre agent signed in through the IdP's code + PKCE flow the way a browser does it.
 */

export interface RunningConsole {
  /** Where it listens. */
  baseUrl: string;
  app: FastifyInstance;
  errors: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startConsole(cfg: Config, serving: ServingReads): Promise<RunningConsole> {
  const catalogDb = testCatalogDatabase(cfg.FACTORY_CATALOG_URL);
  let catalog: PostgresCatalogStore | undefined;
  let connection: Connection | undefined;
  let app: FastifyInstance | undefined;
  const errors: Array<Record<string, unknown>> = [];
  const close = async () => {
    await app?.close();
    await connection?.close();
    await catalog?.close();
    await catalogDb.drop();
  };
  try {
    catalog = await openCatalogStore({ url: catalogDb.url });
    connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
    app = await buildConsoleServer(cfg, { catalog, temporal: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), serving, logError: (e) => errors.push(e) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, app, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Signs `username` in: GET /auth/login, the IdP's login form posted, the IdP's redirect to the
 * console's callback followed (the code exchanged by the console itself), and returns the session
 * cookie. The IdP knows the console at FACTORY_CONSOLE_URL; requests for that origin go to where
 * this run's console listens (FormBrowser's reroute), so the redirect URI is the registered one.
 */
export async function signIn(cfg: Config, console: RunningConsole, username: string): Promise<{ cookie: string; me: { user: string; roles: string[] } }> {
  const consoleOrigin = new URL(cfg.FACTORY_CONSOLE_URL).origin;
  const browser = new FormBrowser({ [consoleOrigin]: console.baseUrl });
  const login = await browser.open(`${consoleOrigin}/auth/login?returnTo=/`);
  const done = await signInOnLoginForm(browser, login, username, DEMO_PASSWORD);
  const session = browser.cookie('factory_console');
  if (done.status !== 200 || !session) throw new Error(`sign-in of ${username} did not end on the console (HTTP ${done.status} at ${done.url}): ${visibleText(done.html).slice(0, 300)}`);
  const cookie = `factory_console=${session}`;
  const me = await fetch(`${console.baseUrl}/api/me`, { headers: { cookie } });
  if (!me.ok) throw new Error(`/api/me after signing ${username} in: HTTP ${me.status} ${await me.text()}`);
  return { cookie, me: (await me.json()) as { user: string; roles: string[] } };
}
