import { z } from 'zod';
import { base64Key32, booleanFlag, DEV_CREDENTIAL_ENCRYPTION_KEY, port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const fraction = (fallback: number) => z.coerce.number().gt(0).max(1).default(fallback);
const multiplier = (fallback: number) => z.coerce.number().min(1).max(1_000).default(fallback);

/** The queues a worker process can consume (libs/jobs QueueName); kept here so config needs no job library. */
export const WORKER_QUEUES = ['usage', 'alerts', 'maintenance'] as const;
export type WorkerQueue = (typeof WORKER_QUEUES)[number];

const queueList = z
  .string()
  .default(WORKER_QUEUES.join(','))
  .transform((value, context) => {
    const names = [...new Set(value.split(',').map((name) => name.trim()))].filter((name) => name !== '');
    const unknown = names.filter((name) => !(WORKER_QUEUES as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) {
      context.addIssue({
        code: 'custom',
        message: `must be a comma-separated list of ${WORKER_QUEUES.join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return names as WorkerQueue[];
  });

/** An optional URL whose scheme is one of `protocols` (and, for syslog, that names a port). */
const SIEM_STREAMS = ['audit', 'calls'] as const;

/** `audit`, `calls` or both, comma-separated, each once; `audit` by default. */
const siemStreams = z
  .string()
  .default('audit')
  .transform((value, context) => {
    const names = [...new Set(value.split(',').map((part) => part.trim()))].filter(Boolean);
    const unknown = names.filter((name) => !(SIEM_STREAMS as readonly string[]).includes(name));
    if (names.length === 0 || unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `must list ${SIEM_STREAMS.join(' and/or ')}, comma-separated` });
      return z.NEVER;
    }
    return names as (typeof SIEM_STREAMS)[number][];
  });

function siemUrl(protocols: readonly string[]) {
  return z
    .string()
    .optional()
    .refine(
      (value) => {
        if (value === undefined || value === '') return true;
        const url = parsedUrl(value);
        return url !== null && protocols.includes(url.protocol) && (url.protocol.startsWith('http') || url.port !== '');
      },
      {
        message: `must be a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL${protocols.includes('tcp:') ? ' with a port' : ''}`,
      },
    )
    .transform((value) => (value === '' ? undefined : value));
}

function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export const workerConfigSchema = z
  .object({
    ...infrastructureVariables,
    WORKER_HOST: z.string().default('0.0.0.0'),
    WORKER_PORT: port(3002),
    /** The admin API's key: the worker decrypts webhook signing secrets with it. */
    CREDENTIAL_ENCRYPTION_KEY: base64Key32.default(DEV_CREDENTIAL_ENCRYPTION_KEY),
    /**
     * Which queues this process consumes: run several processes with different lists (or the same list) to scale
     * out; every process registers the schedules of the queues it consumes.
     */
    WORKER_QUEUES: queueList,
    /** Usage events written per transaction: bigger batches write faster, and each holds more jobs in flight. */
    WORKER_USAGE_BATCH_SIZE: positiveInt(1_000, 5_000),
    /** The longest an event waits for its batch to fill before it is written anyway. */
    WORKER_USAGE_FLUSH_MS: positiveInt(500, 60_000),
    /** Batches in flight at once per worker process (each its own transaction). */
    WORKER_USAGE_CONCURRENCY: positiveInt(2, 64),
    /**
     * How long a job may go without its lock being renewed before another process takes it over: after a crash,
     * the jobs it held are delivered again after at most this long (plus the stalled-job check's interval, the same).
     */
    WORKER_JOB_LOCK_MS: positiveInt(30_000, 600_000),
    /**
     * Days raw usage events are kept, in whole UTC days: their daily partitions older than this are dropped. The hour
     * and day rollups are kept for good.
     */
    WORKER_USAGE_RETENTION_DAYS: positiveInt(90, 3_650),
    /** Days minute rollups are kept (at least 32: a month's alerts read them at the period's first hour). */
    WORKER_MINUTE_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(32).max(3_650).default(40),
    /** How often retention runs. */
    WORKER_RETENTION_INTERVAL_MS: positiveInt(3_600_000, 86_400_000),
    /** Days after today whose daily partitions exist at all times (created at startup and on a schedule). */
    WORKER_PARTITIONS_AHEAD_DAYS: positiveInt(7, 90),
    /** How often the partitions of the coming days are created. */
    WORKER_PARTITIONS_INTERVAL_MS: positiveInt(3_600_000, 86_400_000),
    /** How often the rollups are reconciled with the raw rows, over the last WORKER_RECONCILIATION_WINDOW_HOURS. */
    WORKER_RECONCILIATION_INTERVAL_MS: positiveInt(3_600_000, 86_400_000),
    WORKER_RECONCILIATION_WINDOW_HOURS: positiveInt(48, 24 * 365),
    /** How often due webhook deliveries are retried. */
    WORKER_WEBHOOK_RETRY_INTERVAL_MS: positiveInt(15_000, 3_600_000),
    /** A tenant's budget alerts are checked at most this often, this long after its usage lands. */
    WORKER_BUDGET_CHECK_DEBOUNCE_MS: positiveInt(2_000, 600_000),
    /** A key's `lastUsedAt` is written at most this often (write-behind). */
    WORKER_LAST_USED_INTERVAL_MS: positiveInt(60_000, 3_600_000),
    /** How often anomalies are evaluated, for every tenant with recent calls and for the platform. */
    ANOMALY_CHECK_INTERVAL_MS: positiveInt(60_000, 3_600_000),
    /** The recent window judged, in whole minutes ending at the last full minute. */
    ANOMALY_WINDOW_MINUTES: positiveInt(5, 60),
    /** The baseline it is judged against: the minutes just before the window. */
    ANOMALY_BASELINE_MINUTES: positiveInt(60, 24 * 60),
    /** Calls in the window before its error rate is judged. */
    ANOMALY_MIN_WINDOW_REQUESTS: positiveInt(20, 1_000_000),
    /** Share of 5xx in the window, and rise of the error share over the baseline, that make an error-rate anomaly. */
    ANOMALY_ERROR_RATE: fraction(0.2),
    /** Calls in the baseline before a throughput drop or a cost spike is judged. */
    ANOMALY_MIN_BASELINE_REQUESTS: positiveInt(300, 100_000_000),
    /** Calls per minute below this fraction of the baseline's are a throughput drop. */
    ANOMALY_THROUGHPUT_DROP_RATIO: fraction(0.25),
    /** Spend per minute at least this many times the baseline's is a cost spike... */
    ANOMALY_COST_MULTIPLIER: multiplier(3),
    /** ...once the window spent at least this much (USD). */
    ANOMALY_MIN_COST_USD: z.coerce.number().min(0).max(1_000_000).default(1),
    /** Calls refused by policy in the window before they are judged... */
    ANOMALY_MIN_POLICY_BLOCKS: positiveInt(10, 1_000_000),
    /** ...and their rate per minute, against this many times the baseline's errors per minute. */
    ANOMALY_POLICY_MULTIPLIER: multiplier(3),
    /** An incident resolves after this many evaluations in a row found its signal normal. */
    ANOMALY_RESOLVE_AFTER: positiveInt(3, 1_000),
    /** Lets webhooks reach loopback addresses (a receiver on this machine, for development and tests). */
    WEBHOOK_ALLOW_LOOPBACK: booleanFlag(false),
    /** Where audit events are posted as JSON lines or Splunk HEC events; no HTTP export when unset. */
    SIEM_HTTP_URL: siemUrl(['http:', 'https:']),
    SIEM_HTTP_FORMAT: z.enum(['jsonl', 'splunk-hec']).default('jsonl'),
    /** Sent as `Authorization: Splunk <token>` (splunk-hec) or `Bearer <token>` (jsonl). */
    SIEM_HTTP_TOKEN: z.string().min(1).optional(),
    /** `tcp://host:port` or `udp://host:port` of a syslog receiver (RFC 5424); no syslog export when unset. */
    SIEM_SYSLOG_URL: siemUrl(['tcp:', 'udp:']),
    /** How often each sink looks for new records once it has everything; also the first retry delay. */
    SIEM_POLL_INTERVAL_MS: positiveInt(5_000, 3_600_000),
    /** The longest wait between retries of a sink that fails (the delay doubles per failure up to this). */
    SIEM_RETRY_MAX_MS: positiveInt(60_000, 3_600_000),
    /** Records per batch (one HTTP request, or one socket write). */
    SIEM_BATCH_SIZE: positiveInt(500, 5_000),
    /** Lets SIEM sinks reach loopback addresses (a receiver on this machine, for development and tests). */
    SIEM_ALLOW_LOOPBACK: booleanFlag(false),
    /**
     * What each sink is sent: `audit` (the audit trail) and/or `calls` (every recorded call with its policy decisions,
     * one record per call and per decision), comma-separated.
     */
    SIEM_STREAMS: siemStreams,
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.CREDENTIAL_ENCRYPTION_KEY === DEV_CREDENTIAL_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['CREDENTIAL_ENCRYPTION_KEY'], message: 'must be set in production' });
    }
    if (env.NODE_ENV === 'production' && env.WEBHOOK_ALLOW_LOOPBACK) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'must not be set in production' });
    }
    if (env.NODE_ENV === 'production' && env.SIEM_ALLOW_LOOPBACK) {
      context.addIssue({ code: 'custom', path: ['SIEM_ALLOW_LOOPBACK'], message: 'must not be set in production' });
    }
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.WORKER_HOST, port: env.WORKER_PORT },
    credentialEncryptionKey: env.CREDENTIAL_ENCRYPTION_KEY,
    queues: env.WORKER_QUEUES,
    jobLockMs: env.WORKER_JOB_LOCK_MS,
    usage: {
      batchSize: env.WORKER_USAGE_BATCH_SIZE,
      flushMs: env.WORKER_USAGE_FLUSH_MS,
      concurrency: env.WORKER_USAGE_CONCURRENCY,
      lastUsedIntervalMs: env.WORKER_LAST_USED_INTERVAL_MS,
      budgetCheckDebounceMs: env.WORKER_BUDGET_CHECK_DEBOUNCE_MS,
    },
    retention: {
      usageEventDays: env.WORKER_USAGE_RETENTION_DAYS,
      minuteRollupDays: env.WORKER_MINUTE_ROLLUP_RETENTION_DAYS,
      intervalMs: env.WORKER_RETENTION_INTERVAL_MS,
    },
    partitions: { aheadDays: env.WORKER_PARTITIONS_AHEAD_DAYS, intervalMs: env.WORKER_PARTITIONS_INTERVAL_MS },
    reconciliation: {
      intervalMs: env.WORKER_RECONCILIATION_INTERVAL_MS,
      windowHours: env.WORKER_RECONCILIATION_WINDOW_HOURS,
    },
    anomalies: {
      intervalMs: env.ANOMALY_CHECK_INTERVAL_MS,
      windowMinutes: env.ANOMALY_WINDOW_MINUTES,
      baselineMinutes: env.ANOMALY_BASELINE_MINUTES,
      resolveAfter: env.ANOMALY_RESOLVE_AFTER,
      thresholds: {
        minWindowRequests: env.ANOMALY_MIN_WINDOW_REQUESTS,
        errorRate: env.ANOMALY_ERROR_RATE,
        minBaselineRequests: env.ANOMALY_MIN_BASELINE_REQUESTS,
        throughputDropRatio: env.ANOMALY_THROUGHPUT_DROP_RATIO,
        costMultiplier: env.ANOMALY_COST_MULTIPLIER,
        minCostUsd: env.ANOMALY_MIN_COST_USD,
        minPolicyBlocks: env.ANOMALY_MIN_POLICY_BLOCKS,
        policyMultiplier: env.ANOMALY_POLICY_MULTIPLIER,
      },
    },
    webhooks: { retryIntervalMs: env.WORKER_WEBHOOK_RETRY_INTERVAL_MS, allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK },
    siem: {
      http: env.SIEM_HTTP_URL
        ? { url: env.SIEM_HTTP_URL, format: env.SIEM_HTTP_FORMAT, token: env.SIEM_HTTP_TOKEN ?? null }
        : null,
      syslogUrl: env.SIEM_SYSLOG_URL ?? null,
      intervalMs: env.SIEM_POLL_INTERVAL_MS,
      maxRetryDelayMs: env.SIEM_RETRY_MAX_MS,
      batchSize: env.SIEM_BATCH_SIZE,
      allowLoopback: env.SIEM_ALLOW_LOOPBACK,
      streams: env.SIEM_STREAMS,
    },
  }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
