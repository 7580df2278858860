import { z } from 'zod';
import { envelopeFormats, type EnvelopeFormat } from './cdc/adapter.js';
import { parsePayloadKeys, type PayloadKey } from './payload/keys.js';

/**
 * Every setting of Data Factory, as one zod schema over environment variables. Entry points
 * (workers/, cli/) call `parseConfig(process.env)` once at start; nothing else reads the environment.
 */

const hostPort = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected a PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:55432/dbname');
const positiveInt = z.coerce.number().int('expected a whole number').positive('expected a number above 0');

/** A list of `<keyId>:<base64 of 32 bytes>` keys (payload encryption, pseudonyms, the erasure ledger). */
const keyList = () => z
  .string()
  .optional()
  .transform((text, ctx): PayloadKey[] | undefined => {
    if (text === undefined) return undefined;
    const parsed = parsePayloadKeys(text);
    if (parsed.ok) return parsed.keys;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

export const configSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a namespace name such as default').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('factory'),
  /** The single process that owns the warehouse listens here (DuckDB allows one writer process). */
  TEMPORAL_WAREHOUSE_TASK_QUEUE: z.string().min(1).default('factory-warehouse'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(hostPort).min(1, 'expected a comma-separated list of host:port')),
  KAFKA_CLIENT_ID: z.string().min(1).default('data-factory'),
  KAFKA_CONNECT_URL: z.url({ message: 'expected a URL such as http://127.0.0.1:8083' }).default('http://127.0.0.1:8083'),
  /** Change topics are `<prefix>.<SCHEMA>.<TABLE>` (Debezium's topic.prefix). */
  FACTORY_CDC_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a Kafka topic prefix such as factory').default('factory'),
  /**
   * How long change topics the capture creates keep their events (Debezium topic.creation.default.retention.ms):
   * the window in which an erased subject's events still sit in Kafka (the ledger keeps a replay from bringing them back).
   */
  FACTORY_CDC_TOPIC_RETENTION_HOURS: positiveInt.default(168),
  /**
   * Before a backfill records its start position, wait (up to 90 s) until the source's change capture
   * covers the table (`wait`), so no change falls between the backfill and the capture; `off` skips the
   * check. A table no registered capture includes is backfilled without change capture either way.
   */
  FACTORY_CAPTURE_CHECK: z.enum(['wait', 'off']).default('wait'),
  FACTORY_SOURCE_URL: postgresUrl.default('postgres://factory:factory@127.0.0.1:55432/factory_source'),
  FACTORY_CATALOG_URL: postgresUrl.default('postgres://factory:factory@127.0.0.1:55432/factory_catalog'),
  /**
   * The serving store (PostgreSQL): products declared `serving: 'realtime'` are kept current there by
   * the warehouse owner, for the API's real-time reads. The database is created when missing.
   */
  FACTORY_SERVING_URL: postgresUrl.default('postgres://factory:factory@127.0.0.1:55432/factory_serving'),
  /** Publication notifications (approval requests, reminders, escalations) are POSTed here as JSON; unset: logged only. */
  FACTORY_NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://hooks.example.org/factory' }).optional(),
  /** DB2: a db2:// URL or an ibm_db connection string (DATABASE=…;HOSTNAME=…;PORT=…;UID=…;PWD=…); unset where there is no DB2. */
  DB2_URL: z.string().regex(/^db2:\/\/|DATABASE=/i, 'expected db2://user:password@host:port/DATABASE or an ibm_db connection string DATABASE=…;HOSTNAME=…;PORT=…;PROTOCOL=TCPIP;UID=…;PWD=…').optional(),
  /**
   * Whether the PostgreSQL source (FACTORY_SOURCE_URL) stands in for DB2 when DB2_URL is unset: `postgres`
   * (the demo and tests: the demo source mirrors DB2's schemas and types; workers say so at start) or
   * `none` (a deployment: db2 tables without DB2_URL stop the worker at start, naming the variable).
   */
  FACTORY_DB2_STANDIN: z.enum(['postgres', 'none'], { message: 'expected postgres or none' }).default('postgres'),
  FACTORY_WAREHOUSE: z.enum(['duckdb', 'bigquery'], { message: 'expected duckdb or bigquery' }).default('duckdb'),
  FACTORY_DUCKDB_PATH: z.string().min(1).default('.stack/warehouse/factory.duckdb'),
  /** Where source workers leave staged chunk files for the warehouse owner (claim-check). */
  FACTORY_STAGING_DIR: z.string().min(1).default('.stack/staging'),
  FACTORY_CHUNK_ROWS: positiveInt.default(500_000),
  FACTORY_CHUNK_CONCURRENCY: positiveInt.default(4),
  GOOGLE_CLOUD_PROJECT: z.string().optional(),
  BIGQUERY_LOCATION: z.string().default('EU'),
  /** Set for the local emulator (stack.sh env prints it): requests go there, without credentials. */
  BIGQUERY_API_ENDPOINT: z.url({ message: 'expected a URL such as http://127.0.0.1:9050' }).optional(),
  /** Cost guard on every BigQuery query: a query that would bill more fails instead (default 1 TiB). */
  BIGQUERY_MAX_BYTES_BILLED: positiveInt.default(1024 ** 4),
  /**
   * The workflows this deployment runs: `all`, or a comma-separated list of workflow names. The
   * warehouse worker refuses to start when the warehouse lacks a capability one of them needs.
   */
  FACTORY_WORKFLOWS: z
    .string()
    .default('all')
    .transform((s) => s.split(',').map((w) => w.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected all, or workflow names such as backfillTable,cdcIngest')).min(1, 'expected all, or a comma-separated list of workflow names'))
    .transform((names): 'all' | string[] => (names.length === 1 && names[0] === 'all' ? 'all' : names)),
  /**
   * How a decision (approval, erasure, policy change) proves who makes it: `oidc` verifies the
   * decider's access token; `dev` (the local demo only) takes the user id the caller names.
   */
  FACTORY_AUTH: z.enum(['dev', 'oidc'], { message: 'expected dev or oidc' }).default('dev'),
  /** Sign-in: an OpenID Connect provider (the stack's Keycloak over LDAP; in production the company's IdP). */
  OIDC_DISCOVERY_URL: z.url({ message: 'expected the provider\'s discovery URL, e.g. http://127.0.0.1:8480/realms/factory/.well-known/openid-configuration' }).optional(),
  /** The issuer tokens must name; default: the one the discovery document announces. */
  OIDC_ISSUER: z.url({ message: 'expected an issuer URL such as http://127.0.0.1:8480/realms/factory' }).optional(),
  OIDC_AUDIENCE: z.string().min(1).default('factory'),
  OIDC_CLI_CLIENT_ID: z.string().min(1).default('factory-cli'),
  OIDC_CONSOLE_CLIENT_ID: z.string().min(1).default('factory-console'),
  /** Seconds of clock difference between this host and the identity provider tolerated on a token's exp and nbf. */
  OIDC_CLOCK_SKEW_SECONDS: z.coerce.number().int('expected whole seconds').min(0, 'expected 0 or more seconds').max(300, 'expected at most 300 seconds').default(30),
  /** The token claim that lists the user's directory groups. */
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** The self-BI console and API (`factory console`): the port it listens on, on FACTORY_CONSOLE_HOST. */
  FACTORY_CONSOLE_PORT: z.coerce.number().int('expected a TCP port').min(1, 'expected a TCP port from 1').max(65535, 'expected a TCP port up to 65535').default(3000),
  FACTORY_CONSOLE_HOST: z.string().min(1).default('127.0.0.1'),
  /** The console's address as browsers reach it: the IdP sends people back to <url>/auth/callback (registered at the IdP). */
  FACTORY_CONSOLE_URL: z.url({ protocol: /^https?$/, message: 'expected the console\'s http(s) address, e.g. http://127.0.0.1:3000' }).default('http://127.0.0.1:3000'),
  /** The console's OIDC client secret (a confidential client); the default is the local stack's demo secret. */
  FACTORY_CONSOLE_CLIENT_SECRET: z.string().min(1).default('factory-console-demo-secret'),
  /** Signs the console's session cookie (at least 32 characters); the default is public: local demo only. */
  FACTORY_CONSOLE_SESSION_SECRET: z.string().min(32, 'expected at least 32 characters').default('factory-console-local-demo-session-secret'),
  /** The company directory (read-only): who holds a role, for the catalog. */
  LDAP_URL: z.string().regex(/^ldaps?:\/\/[^\s]+$/, 'expected an LDAP URL such as ldap://127.0.0.1:3890').optional(),
  LDAP_BASE_DN: z.string().min(1).default('dc=factory,dc=local'),
  /** Where the CLI keeps its sign-in (token.json); unset: $XDG_CONFIG_HOME/factory, else $HOME/.config/factory. */
  FACTORY_CONFIG_DIR: z.string().min(1).optional(),
  /** Read only to derive the CLI's default configuration directory (XDG Base Directory). */
  XDG_CONFIG_HOME: z.string().optional(),
  HOME: z.string().optional(),
  /** A command that opens a URL (`factory login` runs it with the sign-in URL); unset: the URL is only printed. */
  BROWSER: z.string().min(1).optional(),
  /**
   * Temporal payload encryption (AES-256-GCM): `<keyId>:<base64 of 32 bytes>`, comma-separated. Unset:
   * payloads are written in clear (workers and the CLI warn once). Every worker and client of a
   * namespace needs the same list, or the side without a key cannot read what the other wrote.
   */
  FACTORY_PAYLOAD_KEYS: keyList(),
  /** The key id that encrypts new payloads (default: the first of FACTORY_PAYLOAD_KEYS); the others only decrypt, for rotation. */
  FACTORY_PAYLOAD_KEY_ID: z.string().optional(),
  /**
   * Keys of the access policy's pseudonyms (keyed HMAC-SHA256), `<keyId>:<base64 of 32 bytes>`,
   * comma-separated, in the form of FACTORY_PAYLOAD_KEYS. The current key (FACTORY_PSEUDONYM_KEY_ID,
   * default the first) makes every pseudonym; rotating it changes every pseudonym at the next view
   * build. Unset with FACTORY_AUTH=dev: a fixed development key, with a warning.
   */
  FACTORY_PSEUDONYM_KEYS: keyList(),
  FACTORY_PSEUDONYM_KEY_ID: z.string().optional(),
  /**
   * The erasure ledger's key, `<keyId>:<base64 of 32 bytes>`: subjects are recorded as their keyed
   * hash. Never rotate it without re-keying the ledger: a hash made with another key no longer
   * matches re-ingested rows. Unset with FACTORY_AUTH=dev: a fixed development key, with a warning.
   */
  FACTORY_ERASURE_KEY: keyList().refine((keys) => keys === undefined || keys.length === 1, 'expected exactly one <keyId>:<base64 key>'),
  /** Web origins (the Temporal UI) allowed to call the codec endpoint from a browser. */
  FACTORY_CODEC_CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'expected a comma-separated list of origins such as http://127.0.0.1:8233')).min(1, 'expected at least one origin')),
  /**
   * The travel agencies that get secured views of their own (schema access_agency_<id>): `all`, every
   * agency of raw_distribution.agency, or a comma-separated list of agency ids — those with users in
   * the directory. An agency's views are a schema per agency on DuckDB and a dataset per agency on
   * BigQuery: thousands of agencies without users cost thousands of datasets and view builds.
   */
  FACTORY_ACCESS_AGENCIES: z
    .string()
    .default('all')
    .transform((s) => (s.trim() === 'all' ? 'all' as const : s.split(',').map((a) => a.trim()).filter(Boolean)))
    .pipe(z.union([z.literal('all'), z.array(z.string().regex(/^[0-9]+$/, 'expected agency ids (digits)')).min(1, "expected 'all' or at least one agency id")])),
  /**
   * How the source's Debezium connector sends DECIMAL values (decimal.handling.mode): `factory cdc
   * register` configures the connector with it and the decoder reads by it, never by guessing.
   */
  FACTORY_CDC_DECIMAL_MODE: z.enum(['precise', 'string', 'double'], { message: 'expected precise, string or double' }).default('precise'),
  /**
   * Which product writes each source system's change topics, `<system>=<format>,…` (e.g. db2=iidr-kcop-json):
   * debezium (PostgreSQL or Db2, read from the event; the default for a system not listed),
   * debezium-postgresql, debezium-db2, or iidr-kcop-json (IBM IIDR's KcopJsonSingleRowAuditFormatIntegrated).
   */
  FACTORY_CDC_FORMATS: z
    .string()
    .default('')
    .transform((text, ctx): Record<string, EnvelopeFormat> => {
      const formats: Record<string, EnvelopeFormat> = {};
      for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
        const [system, format] = entry.split('=').map((p) => p.trim());
        if (!system || !format || !(envelopeFormats as readonly string[]).includes(format)) {
          ctx.addIssue({ code: 'custom', message: `expected <system>=<format> with format one of ${envelopeFormats.join(', ')}, got '${entry}'` });
          return z.NEVER;
        }
        formats[system] = format as EnvelopeFormat;
      }
      return formats;
    }),
  /**
   * Db2 capture (`factory cdc register --system db2`): path, on the Kafka Connect worker, of the
   * properties file holding db2.user and db2.password, which the worker's FileConfigProvider reads; the
   * connector configuration only references it. Default: docker/secrets as docker/compose.yaml mounts it.
   */
  FACTORY_CDC_DB2_SECRETS_FILE: z.string().regex(/^\/[^:{}\s]+$/, "expected an absolute path on the Connect worker without ':', '{', '}' or spaces, e.g. /secrets/db2.properties").default('/secrets/db2.properties'),
  /** Kafka as the Connect worker reaches it, for the Db2 connector's schema history topic; unset: KAFKA_BROKERS. */
  FACTORY_CDC_SCHEMA_HISTORY_BROKERS: z
    .string()
    .optional()
    .transform((s) => s?.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(hostPort).min(1, 'expected a comma-separated list of host:port').optional()),
  /**
   * Each worker serves Prometheus metrics at http://FACTORY_METRICS_HOST:FACTORY_METRICS_PORT/metrics
   * (ours and the Temporal SDK's runtime metrics together). `off` serves none; 0 takes any free port
   * (tests; the start-up log line names it). Two workers on one host need two ports.
   */
  FACTORY_METRICS_PORT: z
    .union([z.literal('off'), z.coerce.number().int('expected a whole number').min(0, 'expected 0 to 65535').max(65535, 'expected 0 to 65535')], { message: 'expected a port number (0 = any free port) or off' })
    .default(9464),
  /** Loopback by default: metrics name domains and tables; expose them wider on purpose (0.0.0.0 in a container). */
  FACTORY_METRICS_HOST: z.string().regex(/^[A-Za-z0-9.\-:]+$/, 'expected a host name or address such as 127.0.0.1').default('127.0.0.1'),
  /**
   * OpenTelemetry traces of workflows and activities go to this OTLP/HTTP collector (the base URL:
   * spans are POSTed to <url>/v1/traces). Unset: no tracing, and no connection is ever attempted.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'expected the OTLP/HTTP base URL of a collector, e.g. http://127.0.0.1:4318' }).optional(),
  /** service.name of the spans this worker sends. */
  OTEL_SERVICE_NAME: z.string().min(1).default('data-factory-worker'),
  FACTORY_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { message: 'expected one of trace, debug, info, warn, error, fatal, silent' }).default('info'),
}).superRefine((config, ctx) => {
  const current = config.FACTORY_PAYLOAD_KEY_ID;
  if (current === undefined) return;
  if (!config.FACTORY_PAYLOAD_KEYS) ctx.addIssue({ code: 'custom', path: ['FACTORY_PAYLOAD_KEY_ID'], message: 'names the encrypting key, but FACTORY_PAYLOAD_KEYS is not set' });
  else if (!config.FACTORY_PAYLOAD_KEYS.some((k) => k.id === current)) {
    ctx.addIssue({ code: 'custom', path: ['FACTORY_PAYLOAD_KEY_ID'], message: `expected one of the key ids of FACTORY_PAYLOAD_KEYS (${config.FACTORY_PAYLOAD_KEYS.map((k) => k.id).join(', ')}), got '${current}'` });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming each bad variable, its value's problem and the expected form. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = configSchema.safeParse(known);
  const lines = result.success ? crossChecks(result.data) : result.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
  if (result.success && lines.length === 0) return result.data;
  throw new ConfigError(`Invalid configuration (environment variables):\n  ${lines.join('\n  ')}`);
}

/** Settings that only make sense together. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  if (config.FACTORY_AUTH === 'oidc' && !config.OIDC_DISCOVERY_URL) {
    problems.push('OIDC_DISCOVERY_URL: required with FACTORY_AUTH=oidc (the identity provider\'s discovery URL; `bash stack/stack.sh env` prints the local one)');
  }
  if (config.FACTORY_AUTH === 'oidc' && !config.FACTORY_PAYLOAD_KEYS) {
    // Decisions carry access tokens; without encryption they would sit readable in Temporal's history.
    problems.push('FACTORY_PAYLOAD_KEYS: required with FACTORY_AUTH=oidc, so decisions and their tokens are encrypted in Temporal\'s history (`bash stack/stack.sh env` prints the local key)');
  }
  const current = config.FACTORY_PSEUDONYM_KEY_ID;
  if (current !== undefined && !(config.FACTORY_PSEUDONYM_KEYS ?? []).some((k) => k.id === current)) {
    problems.push(`FACTORY_PSEUDONYM_KEY_ID: expected one of the key ids of FACTORY_PSEUDONYM_KEYS, got '${current}'`);
  }
  return problems;
}

/**
 * The CLI's own configuration directory: FACTORY_CONFIG_DIR, else the XDG default. A relative
 * XDG_CONFIG_HOME is ignored, as the XDG Base Directory specification asks.
 */
export function cliConfigDir(config: Pick<Config, 'FACTORY_CONFIG_DIR' | 'XDG_CONFIG_HOME' | 'HOME'>): string {
  if (config.FACTORY_CONFIG_DIR) return config.FACTORY_CONFIG_DIR;
  const base = (dir: string): string => dir.replace(/\/+$/, '');
  if (config.XDG_CONFIG_HOME?.startsWith('/')) return `${base(config.XDG_CONFIG_HOME)}/factory`;
  if (config.HOME?.startsWith('/')) return `${base(config.HOME)}/.config/factory`;
  throw new ConfigError('Invalid configuration (environment variables):\n  FACTORY_CONFIG_DIR: unset, and neither XDG_CONFIG_HOME nor HOME is an absolute path to derive it from');
}

/** The development keys used when FACTORY_AUTH=dev leaves a key unset: public, so they protect nothing. */
const developmentKeys = {
  FACTORY_PSEUDONYM_KEYS: 'dev-pseudonym:ZGF0YS1mYWN0b3J5IGRldiBwc2V1ZG9ueW0ga2V5IDE=',
  FACTORY_ERASURE_KEY: 'dev-erasure:ZGF0YS1mYWN0b3J5IGRldiBlcmFzdXJlIGtleSAwMDE=',
} as const;

/**
 * The key that makes pseudonyms (the current one of FACTORY_PSEUDONYM_KEYS) or the erasure ledger's
 * hashes; `development` when it is the public development key (FACTORY_AUTH=dev only: with oidc an unset
 * variable is a ConfigError). Callers warn once when `development` is set.
 */
export function hashKey(config: Config, name: 'FACTORY_PSEUDONYM_KEYS' | 'FACTORY_ERASURE_KEY'): { key: PayloadKey; development: boolean } {
  const configured = config[name];
  if (configured) {
    const current = name === 'FACTORY_PSEUDONYM_KEYS' ? config.FACTORY_PSEUDONYM_KEY_ID : undefined;
    return { key: configured.find((k) => k.id === current) ?? configured[0]!, development: false };
  }
  if (config.FACTORY_AUTH === 'oidc') {
    throw new ConfigError(`Invalid configuration (environment variables):\n  ${name}: required with FACTORY_AUTH=oidc (the development key is for FACTORY_AUTH=dev only; \`bash stack/stack.sh env\` prints local keys)`);
  }
  const parsed = parsePayloadKeys(developmentKeys[name]);
  if (!parsed.ok) throw new Error(`${name}: the development key does not parse: ${parsed.problem}`);
  return { key: parsed.keys[0]!, development: true };
}
