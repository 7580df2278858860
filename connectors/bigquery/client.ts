import { setTimeout as sleep } from 'node:timers/promises';
import { BigQuery, type Job, type JobMetadata, type Query } from '@google-cloud/bigquery';

/**
 * The BigQuery client, job runner and retry rules the warehouse adapter builds on.
 *
 * Authentication is the Google Cloud default chain of the client library: Application Default
 * Credentials (a workload's service account, or `gcloud auth application-default login`), a
 * service-account key file named by GOOGLE_APPLICATION_CREDENTIALS, or impersonation through an ADC
 * file of type `impersonated_service_account` (`gcloud auth application-default login
 * --impersonate-service-account=<sa>`). With an `apiEndpoint` (the local emulator) no credentials
 * are looked up at all: the emulator takes none, and a credential lookup on a machine without
 * them would probe the GCE metadata server.
 */

export interface BigQueryClientOptions {
  projectId: string;
  location: string;
  /** The emulator's URL; unset for BigQuery itself. */
  apiEndpoint?: string | undefined;
}

type AuthClientOption = NonNullable<ConstructorParameters<typeof BigQuery>[0]>['authClient'];

/** Adds no header: the emulator accepts anonymous requests. */
const anonymous = { getRequestHeaders: async () => new Headers() } as unknown as AuthClientOption;

export function createBigQueryClient({ projectId, location, apiEndpoint }: BigQueryClientOptions): BigQuery {
  return new BigQuery({
    projectId,
    location,
    // Retries are ours (withRetry, runJob): the library's own would re-send a job insert blindly.
    autoRetry: false,
    ...(apiEndpoint ? { apiEndpoint, authClient: anonymous } : {}),
  });
}

interface ApiErrorLike { code?: number | string; errors?: { reason?: string }[]; message?: string }

const retryableReasons = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobRateLimitExceeded', 'jobBackendError']);
const retryableNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * True for errors that can heal by waiting: HTTP 429 and 5xx, BigQuery's rate-limit and backend
 * reasons (a rate limit comes as 403 with reason rateLimitExceeded), and dropped connections. Other
 * 4xx (bad SQL, missing table, quotaExceeded for the day, access denied) fail at once.
 */
export function isRetryable(error: unknown): boolean {
  const e = error as ApiErrorLike;
  if (typeof e?.code === 'string') return retryableNetworkCodes.has(e.code);
  if (typeof e?.code === 'number' && (e.code === 429 || e.code >= 500)) return true;
  return (e?.errors ?? []).some((x) => retryableReasons.has(x.reason ?? ''));
}

export interface RetryOptions { attempts: number; baseDelayMs: number }
export const defaultRetry: RetryOptions = { attempts: 6, baseDelayMs: 500 };

/** Runs `work` again after retryable errors, with exponential backoff and jitter. */
export async function withRetry<T>(work: () => Promise<T>, { attempts, baseDelayMs }: RetryOptions = defaultRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await sleep(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

export class BigQueryJobError extends Error {
  constructor(readonly jobId: string, readonly reason: string, message: string) {
    super(`BigQuery job ${jobId} failed (${reason}): ${message}`);
    this.name = 'BigQueryJobError';
  }
}

export type JobConfiguration = NonNullable<JobMetadata['configuration']>;

export interface RunJobResult {
  jobId: string;
  metadata: JobMetadata;
  /** True when a job with this id had already succeeded (a retry): it was not run again. */
  reused: boolean;
}

/**
 * Runs a job under an id derived by the caller, at most once successfully. BigQuery refuses a second
 * insert of a job id (409), but the emulator runs it again, so the id is looked up first: a
 * finished, successful job is reused; a failed one (jobs are atomic: it changed nothing) moves on to
 * the next attempt suffix, so a retried activity can run the job again after a fix.
 */
export async function runJob(
  bq: BigQuery, baseId: string, configuration: JobConfiguration, retry = defaultRetry,
  insert: (jobId: string) => Promise<JobMetadata> = (jobId) => insertJob(bq, jobId, configuration),
): Promise<RunJobResult> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const jobId = `${baseId}_a${attempt}`;
    const existing = await withRetry(() => jobMetadata(bq, jobId), retry);
    if (existing) {
      const done = await waitForJob(bq, jobId, existing, retry);
      if (!done.status?.errorResult) return { jobId, metadata: done, reused: true };
      continue;
    }
    const inserted = await withRetry(() => insertOrFind(bq, jobId, insert), retry);
    const done = await waitForJob(bq, jobId, inserted, retry);
    const failure = done.status?.errorResult;
    if (!failure) return { jobId, metadata: done, reused: false };
    if (!retryableReasons.has(failure.reason ?? '')) throw new BigQueryJobError(jobId, failure.reason ?? 'unknown', failure.message ?? '');
  }
  throw new Error(`BigQuery job ${baseId}: 100 attempts failed; giving up`);
}

/** The id of a successful run of `baseId` (any attempt), if there is one. */
export async function succeededJob(bq: BigQuery, baseId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const jobId = `${baseId}_a${attempt}`;
    const found = await withRetry(() => jobMetadata(bq, jobId));
    if (!found) return undefined;
    const done = await waitForJob(bq, jobId, found, defaultRetry);
    if (!done.status?.errorResult) return jobId;
  }
  return undefined;
}

async function insertJob(bq: BigQuery, jobId: string, configuration: JobConfiguration): Promise<JobMetadata> {
  const [job] = await bq.createJob({ configuration, jobId });
  return job.metadata as JobMetadata;
}

async function insertOrFind(bq: BigQuery, jobId: string, insert: (jobId: string) => Promise<JobMetadata>): Promise<JobMetadata> {
  try {
    return await insert(jobId);
  } catch (error) {
    // A job whose insert was answered with an error in its status still exists: report its status.
    const e = error as ApiErrorLike & { response?: JobMetadata };
    if (e.response?.status?.errorResult) return e.response;
    // 409: an earlier insert of this id went through (its answer was lost); use that job.
    if (e.code === 409) {
      const found = await jobMetadata(bq, jobId);
      if (found) return found;
    }
    throw error;
  }
}

async function jobMetadata(bq: BigQuery, jobId: string): Promise<JobMetadata | undefined> {
  try {
    const [metadata] = await bq.job(jobId).getMetadata();
    return metadata as JobMetadata;
  } catch (error) {
    if ((error as ApiErrorLike).code === 404) return undefined;
    throw error;
  }
}

async function waitForJob(bq: BigQuery, jobId: string, metadata: JobMetadata, retry: RetryOptions): Promise<JobMetadata> {
  let current = metadata;
  for (let delay = 100; current.status?.state !== 'DONE'; delay = Math.min(delay * 2, 2_000)) {
    await sleep(delay);
    current = (await withRetry(() => jobMetadata(bq, jobId), retry)) ?? current;
  }
  return current;
}

export interface QueryOptions {
  params?: Query['params'];
  types?: Query['types'];
  maximumBytesBilled: number;
  labels?: Record<string, string>;
  /** Derived id for a statement that changes data (runs at most once); random for reads. */
  jobId?: string;
}

/**
 * Runs one query job and returns its rows. Every query carries maximumBytesBilled. Failures are read
 * from the job's status, never from an empty result: the emulator answers a failed jobs.query with
 * no rows and no error.
 */
export async function query<T = Record<string, unknown>>(bq: BigQuery, sql: string, options: QueryOptions): Promise<T[]> {
  const configuration: JobConfiguration = {
    query: { query: sql, useLegacySql: false, maximumBytesBilled: String(options.maximumBytesBilled) },
    ...(options.labels ? { labels: options.labels } : {}),
  };
  if (options.params) addParams(bq, configuration, options.params, options.types);
  const baseId = options.jobId ?? `factory_q_${crypto.randomUUID().replace(/-/g, '')}`;
  const { jobId } = await runJob(bq, baseId, configuration);
  const [rows] = await withRetry(() => bq.job(jobId).getQueryResults({ autoPaginate: true }));
  return rows as T[];
}

/** Fills queryParameters the way the client library would for bq.query({ params }). */
function addParams(bq: BigQuery, configuration: JobConfiguration, params: NonNullable<Query['params']>, types: Query['types']): void {
  if (Array.isArray(params)) throw new Error('query: named parameters only');
  const typeMap = (types ?? {}) as Record<string, string>;
  configuration.query!.parameterMode = 'NAMED';
  configuration.query!.queryParameters = Object.entries(params).map(([name, value]) =>
    ({ name, ...BigQuery.valueToQueryParameter_(value, typeMap[name]) }));
}

/** The bytes a query would scan, from a dry run (nothing runs, nothing is billed). */
export async function estimateBytes(bq: BigQuery, sql: string): Promise<number> {
  const [job] = await withRetry(() => bq.createQueryJob({ query: sql, dryRun: true }));
  return Number((job as Job).metadata?.statistics?.totalBytesProcessed ?? 0);
}
