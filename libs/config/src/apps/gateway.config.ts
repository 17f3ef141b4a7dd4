import path from 'node:path';
import { z } from 'zod';
import {
  base64Key32,
  booleanFlag,
  DEV_CREDENTIAL_ENCRYPTION_KEY,
  listenPort,
  logLevel,
  port,
  trustedProxies,
} from '../fields';
import { callLogKeysSection, callLogKeyVariables, checkCallLogKeys } from './call-log-keys';
import { infrastructureSection, infrastructureVariables } from './shared';

export const gatewayConfigSchema = z
  .object({
    ...infrastructureVariables,
    GATEWAY_HOST: z.string().default('0.0.0.0'),
    GATEWAY_PORT: port(8080),
    // Clients reach the gateway directly unless a load balancer is configured here.
    GATEWAY_TRUSTED_PROXIES: trustedProxies(''),
    /** The admin API's key: the gateway decrypts the provider credentials it stored. */
    CREDENTIAL_ENCRYPTION_KEY: base64Key32.default(DEV_CREDENTIAL_ENCRYPTION_KEY),
    ...callLogKeyVariables,
    /**
     * Where usage events wait, on disk, while Redis refuses them; replayed when it is back. One directory per
     * gateway instance (the instance locks it). Default: `var/spool/gateway-<port>` under the working directory.
     */
    GATEWAY_USAGE_SPOOL_DIR: z.string().min(1).optional(),
    /**
     * The output cap the gateway sends upstream when a client sets none (`max_tokens`): what a budget reserves for
     * the answer, which must bound it. Anthropic requires one anyway.
     */
    GATEWAY_DEFAULT_MAX_TOKENS: z.coerce.number().int().min(1).max(1_000_000).default(4_096),
    /** How long a reservation and its concurrency lease outlive a gateway that died before settling them. */
    GATEWAY_RESERVATION_TTL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
    /**
     * How long a Responses API answer (`POST /v1/responses` with `store` not false) and its conversation stay
     * readable (`GET /v1/responses/{id}`, `previous_response_id`), encrypted in Redis: 30 days, as OpenAI keeps
     * them. 0 keeps none: every answer then says `store: false`. At most a year.
     */
    GATEWAY_RESPONSES_RETENTION_HOURS: z.coerce.number().int().min(0).max(8_760).default(720),
    /** Open connections per upstream origin, at most. A stream holds one for its whole length. */
    GATEWAY_UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(2_048),
    /** Usage events go to the queue in batches of at most this many... */
    GATEWAY_USAGE_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
    /** ...or after this long, whichever comes first. */
    GATEWAY_USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(1).max(10_000).default(50),
    /**
     * The Prometheus endpoint's own listener, never the public port. Loopback by default: the metrics name models,
     * providers and (when enabled) tenants, so exposing them is a choice (`0.0.0.0` for a scraper in another
     * container). Port 0 takes any free port (tests, benchmarks).
     */
    GATEWAY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_METRICS_PORT: listenPort(9464),
    /** A `tenant` label on the request and cost counters; off by default, since every tenant adds series. */
    GATEWAY_METRICS_TENANT_LABELS: booleanFlag(false),
    /** The most tenants that get a label of their own; later ones share `other`, so the series stay bounded. */
    GATEWAY_METRICS_MAX_TENANTS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** The level of the one log line per request; `silent` writes none. */
    GATEWAY_REQUEST_LOG_LEVEL: logLevel,
    /** Lets a policy's external guardrail service be on a loopback address (a service on this machine, in tests). */
    GUARDRAIL_ALLOW_LOOPBACK: booleanFlag(false),
    /** The OTLP/HTTP collector's base URL (spans go to `<endpoint>/v1/traces`): tracing is off unless it is set. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('gatehouse-gateway'),
    /** The share of new traces kept (0 to 1); a caller's sampled `traceparent` is always followed. */
    GATEWAY_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  })
  .superRefine((env, context) => {
    checkCallLogKeys(env, context);
    if (env.NODE_ENV !== 'production') return;
    if (env.CREDENTIAL_ENCRYPTION_KEY === DEV_CREDENTIAL_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['CREDENTIAL_ENCRYPTION_KEY'], message: 'must be set in production' });
    }
    if (env.GUARDRAIL_ALLOW_LOOPBACK) {
      context.addIssue({
        code: 'custom',
        path: ['GUARDRAIL_ALLOW_LOOPBACK'],
        message: 'must not be set in production',
      });
    }
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.GATEWAY_HOST, port: env.GATEWAY_PORT, trustedProxies: env.GATEWAY_TRUSTED_PROXIES },
    credentialEncryptionKey: env.CREDENTIAL_ENCRYPTION_KEY,
    callLogKeys: callLogKeysSection(env),
    upstream: { connectionsPerOrigin: env.GATEWAY_UPSTREAM_CONNECTIONS },
    limits: { defaultMaxTokens: env.GATEWAY_DEFAULT_MAX_TOKENS, reservationTtlMs: env.GATEWAY_RESERVATION_TTL_MS },
    responses: { retentionHours: env.GATEWAY_RESPONSES_RETENTION_HOURS },
    usage: {
      spoolDir: path.resolve(env.GATEWAY_USAGE_SPOOL_DIR ?? path.join('var', 'spool', `gateway-${env.GATEWAY_PORT}`)),
      batchSize: env.GATEWAY_USAGE_BATCH_SIZE,
      flushIntervalMs: env.GATEWAY_USAGE_FLUSH_INTERVAL_MS,
    },
    guardrails: { allowLoopback: env.GUARDRAIL_ALLOW_LOOPBACK },
    tracing:
      env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? null
        : {
            endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
            serviceName: env.OTEL_SERVICE_NAME,
            sampleRatio: env.GATEWAY_TRACE_SAMPLE_RATIO,
          },
    metrics: {
      host: env.GATEWAY_METRICS_HOST,
      port: env.GATEWAY_METRICS_PORT,
      tenantLabels: env.GATEWAY_METRICS_TENANT_LABELS,
      maxTenants: env.GATEWAY_METRICS_MAX_TENANTS,
    },
    requestLogLevel: env.GATEWAY_REQUEST_LOG_LEVEL,
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
