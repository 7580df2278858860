import { createRequire } from 'node:module';
import { InvalidInputError, MissingDriverError } from '../../core/errors.js';
import { db2ConnectionString } from './sql.js';

/**
 * The slice of `ibm_db` this project uses, typed here because the package is an optional
 * dependency: its install script fetches IBM's CLI driver, so many machines do not have it, and
 * everything else must build and run without it.
 */
interface IbmDbResult {
  fetchN(count: number, options: { fetchMode: 3 }): Promise<unknown[][]>;
  close(): Promise<unknown>;
}
interface IbmDbStatement {
  execute(params: unknown[]): Promise<IbmDbResult>;
}
interface IbmDbDatabase {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  prepare(sql: string): Promise<IbmDbStatement>;
  close(): Promise<unknown>;
}
interface IbmDbModule {
  open(connectionString: string, options?: Record<string, unknown>): Promise<IbmDbDatabase>;
}

/** Permanent (a MissingDriverError): no retry installs the driver, the message says how to. */
function db2DriverMissing(cause: unknown): MissingDriverError {
  return new MissingDriverError(
    "The DB2 connector needs the optional package 'ibm_db' (4.0.1) built against IBM's CLI driver, and it is not "
    + 'installed or not built here. `make setup` (or `bash stack/stack.sh db2-driver`) builds it: it fetches the '
    + 'pinned CLI driver into .stack/db2/clidriver and runs ibm_db\'s install script with IBM_DB_HOME pointing there '
    + "(the script is allowed in package.json's allowScripts). By hand: set IBM_DB_HOME to a clidriver directory (with "
    + 'include/ and lib/), or IBM_DB_INSTALLER_URL to a reachable clidriver archive, then run `npm rebuild ibm_db`.',
    { cause },
  );
}

let loaded: IbmDbModule | undefined;

/**
 * Loads ibm_db on first use, so nothing else pays for (or fails on) the native driver. `moduleId` is
 * for tests only: a module that cannot load must give this error, not a bare module error.
 */
export function loadIbmDb(moduleId = 'ibm_db'): IbmDbModule {
  if (loaded && moduleId === 'ibm_db') return loaded;
  try {
    const module = createRequire(import.meta.url)(moduleId) as IbmDbModule;
    if (moduleId === 'ibm_db') loaded = module;
    return module;
  } catch (error) {
    throw db2DriverMissing(error);
  }
}

/**
 * The CLI connection-string keywords this connector passes on, upper-cased. IBM's driver ignores a
 * keyword it does not know (CONNECTTIMOUT=5 is dropped without a word) and, when DATABASE is
 * missing, answers only "CLI0199E Invalid connection string attribute": so we check the string first
 * and name the faulty keyword. Every entry is a keyword of the pinned driver (driver.test.ts checks
 * libdb2.so); add one here when a connection needs it.
 */
export const db2ConnectionKeywords: readonly string[] = [
  'DATABASE', 'DSN', 'HOSTNAME', 'PORT', 'PROTOCOL', 'UID', 'PWD', 'AUTHENTICATION', 'SECURITY', 'SSLSERVERCERTIFICATE',
  'SSLCLIENTKEYSTOREDB', 'SSLCLIENTKEYSTASH', 'SSLCLIENTKEYSTOREDBPASSWORD', 'SSLCLIENTLABEL', 'SSLCLIENTHOSTNAMEVALIDATION',
  'TLSVERSION', 'KRBPLUGIN', 'ACCESSTOKEN', 'ACCESSTOKENTYPE', 'APIKEY', 'CURRENTSCHEMA', 'CURRENTSQLID', 'CURRENTPACKAGESET',
  'CURRENTFUNCTIONPATH', 'CONNECTTIMEOUT', 'LOGINTIMEOUT', 'RECEIVETIMEOUT', 'QUERYTIMEOUTINTERVAL', 'TXNISOLATION',
  'LOCKTIMEOUT', 'CLIENTUSERID', 'CLIENTAPPLNAME', 'CLIENTWRKSTNNAME', 'CLIENTACCTSTR', 'PROGRAMNAME', 'LIBRARYLIST', 'NAMING',
  'ALTHOSTNAME', 'ALTPORT', 'LOBMAXCOLUMNSIZE', 'LONGDATACOMPAT', 'DECIMALFLOATROUNDINGMODE',
];

/** Where a connection goes, for error messages (never the password). */
export interface Db2Target { host: string | null; port: string | null; database: string | null; dsn: string | null }

/** The driver could not connect (network, host, port, credentials): names where it tried to go. */
export class Db2ConnectionError extends Error {
  readonly sqlcode: number | undefined;
  readonly sqlstate: string | undefined;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'Db2ConnectionError';
    const e = cause as { sqlcode?: unknown; sqlstate?: unknown };
    this.sqlcode = typeof e?.sqlcode === 'number' ? e.sqlcode : undefined;
    this.sqlstate = typeof e?.sqlstate === 'string' ? e.sqlstate : undefined;
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Splits a CLI connection string ('KEY=value;KEY={va;lue};') and checks it as described at
 * db2ConnectionKeywords; returns where it points. Throws InvalidInputError (not retried) naming the keyword.
 */
export function checkDb2ConnectionString(connectionString: string): Db2Target {
  const values = new Map<string, string>();
  let rest = connectionString;
  while (rest.trim() !== '') {
    const eq = rest.indexOf('=');
    const semi = rest.indexOf(';');
    if (semi !== -1 && (eq === -1 || semi < eq)) {
      const part = rest.slice(0, semi).trim();
      if (part !== '') throw new InvalidInputError(`DB2 connection string: '${part}' is not KEYWORD=value`);
      rest = rest.slice(semi + 1);
      continue;
    }
    if (eq === -1) throw new InvalidInputError(`DB2 connection string: '${rest.trim()}' is not KEYWORD=value`);
    const keyword = rest.slice(0, eq).trim();
    let after = rest.slice(eq + 1).trimStart();
    let value: string;
    if (after.startsWith('{')) {
      const close = after.indexOf('}');
      if (close === -1) throw new InvalidInputError(`DB2 connection string: the value of ${keyword} opens a brace that never closes`);
      value = after.slice(1, close);
      after = after.slice(close + 1);
      if (!/^\s*(;|$)/.test(after)) throw new InvalidInputError(`DB2 connection string: the braced value of ${keyword} is followed by '${after.trim()}' instead of ;`);
      after = after.replace(/^\s*;?/, '');
    } else {
      const end = after.indexOf(';');
      value = (end === -1 ? after : after.slice(0, end)).trim();
      after = end === -1 ? '' : after.slice(end + 1);
    }
    if (keyword === '') throw new InvalidInputError(`DB2 connection string: '=${value}' has no keyword`);
    const upper = keyword.toUpperCase();
    if (!db2ConnectionKeywords.includes(upper)) {
      const near = db2ConnectionKeywords.filter((k) => editDistance(upper, k) <= 2);
      throw new InvalidInputError(
        `DB2 connection string: unknown keyword ${keyword}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; `
        + "IBM's driver would ignore it. Known keywords: " + db2ConnectionKeywords.join(', '),
      );
    }
    if (values.has(upper)) throw new InvalidInputError(`DB2 connection string: keyword ${keyword} is given twice`);
    values.set(upper, value);
    rest = after;
  }
  const dsn = values.get('DSN') || null;
  const database = values.get('DATABASE') || null;
  if (!database && !dsn) {
    throw new InvalidInputError('DB2 connection string: DATABASE= is missing or empty (the driver says only "CLI0199E Invalid connection string attribute")');
  }
  return { host: values.get('HOSTNAME') || null, port: values.get('PORT') || null, database, dsn };
}

/** The driver's message with host, port and database in front, and what its code means where we know. */
export function db2ConnectError(error: unknown, target: Db2Target): Db2ConnectionError {
  const e = error as { message?: unknown; sqlcode?: unknown };
  const driverMessage = String(e?.message ?? error).replace(/\s+/g, ' ').trim();
  const where = target.host
    ? `host ${target.host} port ${target.port ?? '50000 (default)'}`
    : `data source ${target.dsn ?? target.database} (no HOSTNAME in the connection string: the driver's catalog or db2dsdriver.cfg decides)`;
  const database = target.database ? `, database ${target.database}` : '';
  const codes: Record<number, string> = {
    [-30081]: 'nothing answered there (no DB2 listening, a firewall, or the wrong host or port)',
    [-1336]: 'the host name does not resolve',
    [-1337]: 'PORT is neither a number nor a known service name',
    [-30082]: 'the server refused the credentials',
    [-1013]: 'the database name was not found (or PROTOCOL is not TCPIP)',
  };
  const meaning = typeof e?.sqlcode === 'number' ? codes[e.sqlcode] : undefined;
  return new Db2ConnectionError(`cannot connect to DB2 at ${where}${database}${meaning ? `: ${meaning}` : ''}. Driver: ${driverMessage}`, error);
}

export interface Db2Session {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a prepared query and hands its rows (arrays, in select order) to onBatch, batchRows at a time. */
  stream(sql: string, params: unknown[], batchRows: number, onBatch: (rows: unknown[][]) => Promise<void> | void): Promise<number>;
  close(): Promise<void>;
}

/** Opens one connection; `url` is a db2:// URL or a CLI connection string (see db2ConnectionString). */
export async function openDb2(url: string): Promise<Db2Session> {
  // A CLI string is checked before sql.ts's own check, whose message cannot name the faulty keyword.
  const connectionString = /^db2:\/\//i.test(url) ? db2ConnectionString(url) : url;
  const target = checkDb2ConnectionString(connectionString);
  const ibmdb = loadIbmDb();
  let db: IbmDbDatabase;
  try {
    db = await ibmdb.open(connectionString);
  } catch (error) {
    throw db2ConnectError(error, target);
  }
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query(sql, params ?? [])) as T[],
    async stream(sql, params, batchRows, onBatch) {
      const statement = await db.prepare(sql);
      const result = await statement.execute(params);
      let total = 0;
      try {
        for (;;) {
          const rows = await result.fetchN(batchRows, { fetchMode: 3 });
          if (!rows || rows.length === 0) break;
          total += rows.length;
          await onBatch(rows);
          if (rows.length < batchRows) break;
        }
      } finally {
        // Closing the result also frees the statement handle (ibm_db's default SQL_DROP).
        await result.close();
      }
      return total;
    },
    async close() {
      await db.close();
    },
  };
}
