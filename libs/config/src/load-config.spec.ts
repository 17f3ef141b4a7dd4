import { adminApiConfigSchema } from './apps/admin-api.config';
import { gatewayConfigSchema } from './apps/gateway.config';
import { mockProviderConfigSchema } from './apps/mock-provider.config';
import { workerConfigSchema } from './apps/worker.config';
import { ConfigError, parseConfig } from './load-config';
import { maskSecrets, maskUrl } from './mask-secrets';

describe('parseConfig', () => {
  it('needs no variables at all in development: every app has working defaults', () => {
    const gateway = parseConfig('gateway', gatewayConfigSchema, {});
    expect(gateway.http.port).toBe(8080);
    expect(gateway.database.url).toBe('postgresql://postgres@127.0.0.1:5432/gatehouse');
    expect(gateway.database.readUrl).toBe(gateway.database.url);
    expect(gateway.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'gatehouse' });
    expect(parseConfig('admin-api', adminApiConfigSchema, {}).http.port).toBe(3001);
    expect(parseConfig('mock-provider', mockProviderConfigSchema, {}).http.port).toBe(8090);
  });

  it('coerces and validates values from the environment', () => {
    const config = parseConfig('gateway', gatewayConfigSchema, {
      GATEWAY_PORT: '9000',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      DATABASE_READ_URL: 'postgresql://u:p@replica:5432/x',
    });
    expect(config.http.port).toBe(9000);
    expect(config.database.readUrl).toBe('postgresql://u:p@replica:5432/x');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig('gateway', gatewayConfigSchema, { GATEWAY_PORT: '' }).http.port).toBe(8080);
  });

  it('lists every problem at once, each named by its variable', () => {
    let caught: unknown;
    try {
      parseConfig('gateway', gatewayConfigSchema, {
        GATEWAY_PORT: 'eighty',
        DATABASE_URL: 'mysql://localhost/x',
        REDIS_URL: 'not a url',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'GATEWAY_PORT',
      'LOG_LEVEL',
      'REDIS_URL',
    ]);
    expect((caught as ConfigError).message).toContain('Invalid configuration for gateway');
  });

  it('refuses the development secrets in production', () => {
    expect(() => parseConfig('admin-api', adminApiConfigSchema, { NODE_ENV: 'production' })).toThrow(
      /CALL_LOG_ENCRYPTION_KEY: must be set in production[\s\S]*SESSION_SECRET: must be set in production[\s\S]*CREDENTIAL_ENCRYPTION_KEY: must be set in production/,
    );
    const config = parseConfig('admin-api', adminApiConfigSchema, {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      CALL_LOG_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64'),
    });
    expect(config.nodeEnv).toBe('production');
  });

  it('reads the call log keys: the current one with its version, and the previous ones still read', () => {
    const current = Buffer.alloc(32, 3).toString('base64');
    const old = Buffer.alloc(32, 4).toString('base64');
    const config = parseConfig('gateway', gatewayConfigSchema, {
      CALL_LOG_ENCRYPTION_KEY: current,
      CALL_LOG_ENCRYPTION_KEY_VERSION: '2',
      CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: ` 1:${old} `,
    });
    expect(config.callLogKeys).toEqual({ current: { version: 2, key: current }, previous: [{ version: 1, key: old }] });
    expect(parseConfig('admin-api', adminApiConfigSchema, {}).callLogKeys).toMatchObject({
      current: { version: 1 },
      previous: [],
    });
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, { CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: `1:${old}` }),
    ).toThrow(/CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: must give each version once/);
    expect(() => parseConfig('gateway', gatewayConfigSchema, { CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: 'x:abc' })).toThrow(
      /CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: must be a comma list of version:key/,
    );
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, {
        NODE_ENV: 'production',
        CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      }),
    ).toThrow(/CALL_LOG_ENCRYPTION_KEY: must be set in production/);
  });

  it('allows webhooks to loopback only when asked, and never in production', () => {
    expect(parseConfig('admin-api', adminApiConfigSchema, {}).webhooks.allowLoopback).toBe(false);
    expect(parseConfig('worker', workerConfigSchema, { WEBHOOK_ALLOW_LOOPBACK: 'true' }).webhooks.allowLoopback).toBe(
      true,
    );
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      CALL_LOG_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64'),
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    };
    expect(() => parseConfig('admin-api', adminApiConfigSchema, production)).toThrow(
      /WEBHOOK_ALLOW_LOOPBACK: must not be set in production/,
    );
    expect(() => parseConfig('worker', workerConfigSchema, production)).toThrow(
      /WEBHOOK_ALLOW_LOOPBACK: must not be set in production/,
    );
  });

  it('configures no SIEM sink unless asked, checks the sink URLs, and never allows loopback in production', () => {
    expect(parseConfig('worker', workerConfigSchema, {}).siem).toMatchObject({ http: null, syslogUrl: null });
    const siem = parseConfig('worker', workerConfigSchema, {
      SIEM_HTTP_URL: 'https://splunk.example.com:8088/services/collector/event',
      SIEM_HTTP_FORMAT: 'splunk-hec',
      SIEM_HTTP_TOKEN: 'hec',
      SIEM_SYSLOG_URL: 'tcp://syslog.example.com:6514',
    }).siem;
    expect(siem.http).toEqual({
      url: 'https://splunk.example.com:8088/services/collector/event',
      format: 'splunk-hec',
      token: 'hec',
    });
    expect(siem.syslogUrl).toBe('tcp://syslog.example.com:6514');
    expect(() => parseConfig('worker', workerConfigSchema, { SIEM_SYSLOG_URL: 'tcp://syslog.example.com' })).toThrow(
      /SIEM_SYSLOG_URL: must be a tcp:\/\/ or udp:\/\/ URL with a port/,
    );
    expect(() => parseConfig('worker', workerConfigSchema, { SIEM_HTTP_URL: 'ftp://x.example.com' })).toThrow(
      /SIEM_HTTP_URL/,
    );
    expect(() =>
      parseConfig('worker', workerConfigSchema, {
        NODE_ENV: 'production',
        CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        SIEM_ALLOW_LOOPBACK: 'true',
      }),
    ).toThrow(/SIEM_ALLOW_LOOPBACK: must not be set in production/);
  });

  it('evaluates anomalies every minute by default, over 5 minutes against the hour before, and checks the thresholds', () => {
    const defaults = parseConfig('worker', workerConfigSchema, {}).anomalies;
    expect(defaults).toMatchObject({ intervalMs: 60_000, windowMinutes: 5, baselineMinutes: 60, resolveAfter: 3 });
    expect(defaults.thresholds).toEqual({
      minWindowRequests: 20,
      errorRate: 0.2,
      minBaselineRequests: 300,
      throughputDropRatio: 0.25,
      costMultiplier: 3,
      minCostUsd: 1,
      minPolicyBlocks: 10,
      policyMultiplier: 3,
    });
    const tuned = parseConfig('worker', workerConfigSchema, { ANOMALY_ERROR_RATE: '0.5', ANOMALY_MIN_COST_USD: '0' });
    expect(tuned.anomalies.thresholds).toMatchObject({ errorRate: 0.5, minCostUsd: 0 });
    expect(() => parseConfig('worker', workerConfigSchema, { ANOMALY_ERROR_RATE: '0' })).toThrow(/ANOMALY_ERROR_RATE/);
    expect(() => parseConfig('worker', workerConfigSchema, { ANOMALY_COST_MULTIPLIER: '0.5' })).toThrow(
      /ANOMALY_COST_MULTIPLIER/,
    );
  });

  it('sends the audit trail by default, calls only when asked, and names a wrong stream', () => {
    expect(parseConfig('worker', workerConfigSchema, {}).siem.streams).toEqual(['audit']);
    expect(parseConfig('worker', workerConfigSchema, { SIEM_STREAMS: ' calls, audit,calls' }).siem.streams).toEqual([
      'calls',
      'audit',
    ]);
    expect(() => parseConfig('worker', workerConfigSchema, { SIEM_STREAMS: 'audit,prompts' })).toThrow(
      /SIEM_STREAMS: must list audit and\/or calls/,
    );
    expect(() => parseConfig('worker', workerConfigSchema, { SIEM_STREAMS: ' , ' })).toThrow(/SIEM_STREAMS/);
  });

  it("puts the gateway's metrics on a loopback port of their own, tenant labels off, the request line at info", () => {
    const config = parseConfig('gateway', gatewayConfigSchema, {});
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464, tenantLabels: false, maxTenants: 100 });
    expect(config.requestLogLevel).toBe('info');
    const set = parseConfig('gateway', gatewayConfigSchema, {
      GATEWAY_METRICS_HOST: '0.0.0.0',
      GATEWAY_METRICS_PORT: '0',
      GATEWAY_METRICS_TENANT_LABELS: 'true',
      GATEWAY_METRICS_MAX_TENANTS: '20',
      GATEWAY_REQUEST_LOG_LEVEL: 'silent',
    });
    expect(set.metrics).toEqual({ host: '0.0.0.0', port: 0, tenantLabels: true, maxTenants: 20 });
    expect(set.requestLogLevel).toBe('silent');
    expect(() => parseConfig('gateway', gatewayConfigSchema, { GATEWAY_METRICS_MAX_TENANTS: '0' })).toThrow(
      /GATEWAY_METRICS_MAX_TENANTS/,
    );
  });

  it('keeps Responses 30 days by default, none at 0, and refuses a retention that is not whole hours up to a year', () => {
    expect(parseConfig('gateway', gatewayConfigSchema, {}).responses).toEqual({ retentionHours: 720 });
    expect(
      parseConfig('gateway', gatewayConfigSchema, { GATEWAY_RESPONSES_RETENTION_HOURS: '0' }).responses.retentionHours,
    ).toBe(0);
    for (const value of ['-1', '1.5', '8761', 'forever']) {
      expect(() => parseConfig('gateway', gatewayConfigSchema, { GATEWAY_RESPONSES_RETENTION_HOURS: value })).toThrow(
        /GATEWAY_RESPONSES_RETENTION_HOURS/,
      );
    }
  });

  it('allows a guardrail service on loopback only when asked, and never in production', () => {
    expect(parseConfig('gateway', gatewayConfigSchema, {}).guardrails.allowLoopback).toBe(false);
    expect(
      parseConfig('gateway', gatewayConfigSchema, { GUARDRAIL_ALLOW_LOOPBACK: 'true' }).guardrails.allowLoopback,
    ).toBe(true);
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, {
        NODE_ENV: 'production',
        CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        GUARDRAIL_ALLOW_LOOPBACK: 'true',
      }),
    ).toThrow(/GUARDRAIL_ALLOW_LOOPBACK: must not be set in production/);
  });

  it('turns tracing on only with an OTLP endpoint, sampling every trace unless told', () => {
    expect(parseConfig('gateway', gatewayConfigSchema, {}).tracing).toBeNull();
    expect(
      parseConfig('gateway', gatewayConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing,
    ).toEqual({ endpoint: 'http://collector:4318', serviceName: 'gatehouse-gateway', sampleRatio: 1 });
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        GATEWAY_TRACE_SAMPLE_RATIO: '1.5',
      }),
    ).toThrow(/GATEWAY_TRACE_SAMPLE_RATIO/);
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/);
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(() =>
      parseConfig('admin-api', adminApiConfigSchema, {
        CREDENTIAL_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
      }),
    ).toThrow(/CREDENTIAL_ENCRYPTION_KEY: must be 32 bytes/);
  });
});

describe('maskSecrets', () => {
  it('hides secret-looking keys and URL passwords, and leaves the rest', () => {
    const masked = maskSecrets({
      database: { url: 'postgresql://gatehouse:hunter2@db:5432/gatehouse' },
      auth: { sessionSecret: 'abc', signupEnabled: true },
      credentialEncryptionKey: 'key',
      http: { port: 3001 },
    });
    expect(masked).toEqual({
      database: { url: 'postgresql://gatehouse:***@db:5432/gatehouse' },
      auth: { sessionSecret: '***', signupEnabled: true },
      credentialEncryptionKey: '***',
      http: { port: 3001 },
    });
  });

  it('leaves a URL without a password unchanged', () => {
    expect(maskUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
