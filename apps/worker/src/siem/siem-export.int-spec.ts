import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import {
  createPrismaClient,
  type DbClient,
  SiemExportRepository,
  UsageIngestionRepository,
  type UsageEventInput,
} from '@gatehouse/db';
import { createTestDatabase, createTestRedis, eventually, type TestDatabase } from '@gatehouse/testing';
import { Registry } from 'prom-client';
import { startWorkerApp } from '../../test/worker-fixtures';
import { SiemExporter, type SiemExporterOptions } from './siem-exporter';
import { SiemMetrics } from './siem-metrics';
import { HttpSiemSink, type SiemHttpFormat, type SiemSink, SyslogSiemSink } from './siem-sinks';
import { AuditStream, CallsStream, type SiemStream } from './siem-streams';

const LOOPBACK = { policy: { allowLoopback: true } };
const FAST: SiemExporterOptions = { batchSize: 4, intervalMs: 40, maxRetryDelayMs: 150 };

interface Request {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The ids in a JSON-lines body. */
const idsOf = (body: string) =>
  body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);

describe('SIEM export of the audit trail and the calls (real Postgres)', () => {
  let database: TestDatabase;
  let db: DbClient;
  let repository: SiemExportRepository;
  let server: Server;
  let port: number;
  const requests: Request[] = [];
  /** What the receiver answers, and after how long. */
  let status = 200;
  let delayMs = 0;

  beforeAll(async () => {
    database = await createTestDatabase('worker_siem');
    db = createPrismaClient({ url: database.url, maxConnections: 4 });
    repository = new SiemExportRepository(db);
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answer = status;
        requests.push({ status: answer, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        setTimeout(() => {
          response.statusCode = answer;
          response.end();
        }, delayMs);
      });
    });
    await listen(server, 0);
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(async () => {
    requests.length = 0;
    status = 200;
    delayMs = 0;
    await db.siemExportCursor.deleteMany();
    await db.auditEvent.deleteMany();
    await db.usageEvent.deleteMany();
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await db?.$disconnect();
    await database?.drop();
  });

  async function insertAuditEvents(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const event = await db.auditEvent.create({
        data: {
          action: 'key.create',
          targetType: 'api_key',
          targetId: randomUUID(),
          after: { name: `key ${index}`, keyHash: 'must never leave' },
          prevHash: '0'.repeat(64),
          hash: randomBytes(32).toString('hex'),
        },
      });
      ids.push(event.id);
    }
    return ids;
  }

  function httpSink(format: SiemHttpFormat = 'jsonl', token: string | null = null): HttpSiemSink {
    return new HttpSiemSink({ url: `http://127.0.0.1:${port}/ingest`, format, token, guard: LOOPBACK });
  }

  function exporter(
    sink: SiemSink,
    registry = new Registry(),
    stream: SiemStream = new AuditStream(repository),
  ): { exporter: SiemExporter; metrics: SiemMetrics } {
    const metrics = new SiemMetrics(registry);
    return { exporter: new SiemExporter(repository, stream, sink, metrics, FAST), metrics };
  }

  const acknowledgedIds = () => requests.filter((request) => request.status === 200).flatMap((r) => idsOf(r.body));

  it('delivers every audit event once across a receiver outage (503, then connection refused)', async () => {
    const before = await insertAuditEvents(6);
    status = 503;
    const { exporter: running, metrics } = exporter(httpSink());
    running.start();
    try {
      expect(await eventually(() => requests.length >= 2, 5_000)).toBe(true);
      const during503 = await insertAuditEvents(3);
      // The receiver goes away altogether for a while: connections are refused.
      await new Promise((resolve) => server.close(resolve));
      const failuresSoFar = (await metrics.failures.get()).values[0]?.value ?? 0;
      expect(
        await eventually(async () => ((await metrics.failures.get()).values[0]?.value ?? 0) > failuresSoFar + 1, 5_000),
      ).toBe(true);
      const duringRefusal = await insertAuditEvents(2);
      expect(acknowledgedIds()).toEqual([]);
      expect((await metrics.lag.get()).values[0]?.value).toBeGreaterThan(0);

      status = 200;
      await listen(server, port);
      const expected = [...before, ...during503, ...duringRefusal];
      expect(await eventually(() => acknowledgedIds().length >= expected.length, 10_000)).toBe(true);
      const after = await insertAuditEvents(1);
      expect(await eventually(() => acknowledgedIds().length >= expected.length + 1, 5_000)).toBe(true);
      // Let a few idle polls pass: nothing acknowledged is sent again.
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(acknowledgedIds()).toEqual([...expected, ...after]);
      expect(requests.filter((request) => request.status === 200).every((r) => idsOf(r.body).length <= 4)).toBe(true);
      expect(requests.every((request) => !request.body.includes('must never leave'))).toBe(true);
      expect((await metrics.exported.get()).values[0]).toMatchObject({
        labels: { sink: 'http', stream: 'audit' },
        value: expected.length + 1,
      });
      expect((await metrics.lag.get()).values[0]?.value).toBe(0);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('runs an exporter in the worker app when SIEM_HTTP_URL is set, with its metrics on /metrics', async () => {
    const ids = await insertAuditEvents(3);
    const redis = await createTestRedis('worker-siem');
    const app = await startWorkerApp(database, redis, {
      SIEM_HTTP_URL: `http://127.0.0.1:${port}/ingest`,
      SIEM_ALLOW_LOOPBACK: 'true',
      SIEM_POLL_INTERVAL_MS: '50',
    });
    try {
      expect(await eventually(() => acknowledgedIds().length === 3, 5_000)).toBe(true);
      expect(acknowledgedIds()).toEqual(ids);
      // The receiver has the batch before the exporter has its answer: the counter moves once the answer is in.
      const exported = 'gatehouse_siem_events_exported_total{sink="http",stream="audit"} 3';
      let metrics = '';
      const scraped = await eventually(async () => {
        metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
        return metrics.includes(exported);
      }, 5_000);
      expect(scraped).toBe(true);
      expect(metrics).toContain(exported);
      expect(metrics).toContain('gatehouse_siem_export_lag_seconds{sink="http",stream="audit"} 0');
    } finally {
      await app.close();
      await redis.cleanup();
    }
  }, 30_000);

  it('continues after the stored cursor when a new exporter starts (a worker restart)', async () => {
    const first = await insertAuditEvents(3);
    const { exporter: before } = exporter(httpSink());
    expect(await before.exportBatch()).toEqual({ exported: 3, more: false });
    await before.stop();

    const next = await insertAuditEvents(2);
    const { exporter: after } = exporter(httpSink());
    expect(await after.exportBatch()).toEqual({ exported: 2, more: false });
    expect(await after.exportBatch()).toEqual({ exported: 0, more: false });
    await after.stop();
    expect(acknowledgedIds()).toEqual([...first, ...next]);
  });

  it('lets one exporter at a time send to a sink, and keeps the cursor when the sink fails', async () => {
    await insertAuditEvents(2);
    delayMs = 300;
    const { exporter: one } = exporter(httpSink());
    const { exporter: two } = exporter(httpSink());
    const sending = one.exportBatch();
    await eventually(() => requests.length === 1);
    expect(await two.exportBatch()).toBeNull();
    expect(await sending).toEqual({ exported: 2, more: false });

    await insertAuditEvents(1);
    delayMs = 0;
    status = 500;
    await expect(two.exportBatch()).rejects.toThrow('the receiver answered 500');
    status = 200;
    expect(await two.exportBatch()).toEqual({ exported: 1, more: false });
    await Promise.all([one.stop(), two.stop()]);
  });

  it('refuses a loopback receiver unless loopback is allowed', async () => {
    await insertAuditEvents(1);
    const strict = new HttpSiemSink({
      url: `http://127.0.0.1:${port}/ingest`,
      format: 'jsonl',
      token: null,
      guard: { policy: { allowLoopback: false } },
    });
    const { exporter: refused } = exporter(strict);
    await expect(refused.exportBatch()).rejects.toThrow('127.0.0.1 is a loopback address');
    await refused.stop();
    expect(requests).toEqual([]);
    expect(await db.siemExportCursor.count()).toBe(0);
  });

  it('posts Splunk HEC events with the Splunk authorization scheme', async () => {
    const ids = await insertAuditEvents(2);
    const { exporter: hec } = exporter(httpSink('splunk-hec', 'hec-token'));
    await hec.exportBatch();
    await hec.stop();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe('Splunk hec-token');
    const events = (requests[0]?.body ?? '').split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => (event.event as { id: string }).id)).toEqual(ids);
    expect(events[0]).toMatchObject({ sourcetype: 'gatehouse:audit', source: 'gatehouse', time: expect.any(Number) });
  });

  it('writes RFC 5424 messages with octet-counting frames to a syslog TCP receiver', async () => {
    const ids = await insertAuditEvents(5);
    let received = Buffer.alloc(0);
    const syslog: TcpServer = createTcpServer((socket) =>
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
      }),
    );
    await listen(syslog, 0);
    const url = new URL(`tcp://127.0.0.1:${(syslog.address() as AddressInfo).port}`);
    const { exporter: toSyslog } = exporter(new SyslogSiemSink(url, LOOPBACK));
    try {
      expect(await toSyslog.exportBatch()).toEqual({ exported: 4, more: true });
      expect(await toSyslog.exportBatch()).toEqual({ exported: 1, more: false });
      const messages = await eventually(() => unframe(received).length === 5).then(() => unframe(received));
      expect(messages).toHaveLength(5);
      messages.forEach((message, index) => {
        expect(message).toMatch(
          new RegExp(
            `^<109>1 \\S+Z \\S+ gatehouse \\d+ audit \\[gatehouse@32473 id="${ids[index]}" stream="audit" name="key.create"\\] \\{`,
          ),
        );
        expect(JSON.parse(message.slice(message.indexOf('] ') + 2))).toMatchObject({
          id: ids[index],
          seq: expect.any(String),
        });
      });
    } finally {
      await toSyslog.stop();
      await new Promise((resolve) => syslog.close(resolve));
    }
  });

  describe('the calls stream', () => {
    const tenantId = randomUUID();

    function call(requestId: string, policyActions: string[] = []): UsageEventInput {
      return {
        requestId,
        occurredAt: new Date(),
        tenantId,
        apiKeyId: null,
        subscriptionId: null,
        productId: null,
        model: 'demo-chat',
        providerId: null,
        upstreamModel: null,
        endpoint: 'chat.completions',
        statusCode: policyActions.length > 0 ? 400 : 200,
        errorCode: policyActions.length > 0 ? 'content_policy_violation' : null,
        latencyMs: 5,
        timeToFirstByteMs: null,
        timeToFirstTokenMs: null,
        inputTokens: 3,
        outputTokens: 4,
        cachedTokens: 0,
        usageSource: 'upstream',
        streamed: false,
        cacheHit: false,
        policyActions,
      };
    }

    const ingest = (...calls: UsageEventInput[]) => new UsageIngestionRepository(db).ingest(calls);
    const calls = () => exporter(httpSink(), new Registry(), new CallsStream(repository));

    it('sends every call once across a receiver outage, with a record per policy decision', async () => {
      await ingest(call('req_a'), call('req_b', ['block:pii.input.EMAIL@global', 'log:injection']), call('req_c'));
      status = 503;
      const { exporter: running, metrics } = calls();
      running.start();
      try {
        expect(await eventually(() => requests.length >= 2, 5_000)).toBe(true);
        await ingest(call('req_d'), call('req_e'));
        expect(acknowledgedIds()).toEqual([]);
        status = 200;
        const first = ['req_a', 'req_b', 'req_b/policy/0', 'req_b/policy/1', 'req_c'];
        const expected = [...first, 'req_d', 'req_e'];
        expect(await eventually(() => acknowledgedIds().length >= expected.length, 10_000)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // In ingestion order: the first ingestion's calls (ordered by id among themselves), then the second's; a
        // call's decisions right after it.
        const ids = acknowledgedIds();
        expect(ids.slice(0, first.length).sort()).toEqual(first);
        expect(ids.slice(first.length).sort()).toEqual(['req_d', 'req_e']);
        expect(ids.indexOf('req_b/policy/0')).toBe(ids.indexOf('req_b') + 1);
        expect(ids.indexOf('req_b/policy/1')).toBe(ids.indexOf('req_b') + 2);
        expect((await metrics.exported.get()).values[0]).toMatchObject({
          labels: { sink: 'http', stream: 'calls' },
          value: expected.length,
        });
      } finally {
        await running.stop();
      }
    }, 30_000);

    it('never passes a call whose ingestion commits after a later one (it waits for the older transaction)', async () => {
      let commit!: () => void;
      const held = new Promise<void>((resolve) => (commit = resolve));
      let inserted!: () => void;
      const insertedEarly = new Promise<void>((resolve) => (inserted = resolve));
      // An ingestion batch that has written its row but not committed yet...
      const slow = db.$transaction(async (tx) => {
        await new UsageIngestionRepository(tx).ingest([call('req_slow')]);
        inserted();
        await held;
      });
      await insertedEarly;
      // ...and a later one that commits first.
      await ingest(call('req_fast'));
      const { exporter: running } = calls();
      try {
        expect(await running.exportBatch()).toEqual({ exported: 0, more: false });
        commit();
        await slow;
        expect(await running.exportBatch()).toEqual({ exported: 2, more: false });
        expect(acknowledgedIds()).toEqual(['req_slow', 'req_fast']);
        expect(await running.exportBatch()).toEqual({ exported: 0, more: false });
      } finally {
        commit();
        await running.stop();
      }
    });
  });
});

function listen(server: Server | TcpServer, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
}

/** Splits octet-counted frames (RFC 6587); a trailing partial frame is left out. */
function unframe(data: Buffer): string[] {
  const messages: string[] = [];
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (space + 1 + length > data.length) break;
    messages.push(data.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return messages;
}
