import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  eventually,
  putTenantPolicy,
  recordedCall as recorded,
  type SubscribedKey,
  subscribedKey,
} from '../support/gateway';
import { e2eDatabaseUrl, stackUrls } from '../support/stack';

/**
 * The call log's stored bodies end to end: a tenant whose policy says `logging.bodies: true` sees its calls' request
 * and response bodies with the PII replaced, and the database holds the planted address nowhere in clear (the bodies
 * are redacted, then encrypted, in the gateway); a tenant without it has no stored bodies at all. mock-provider's
 * `echo:` answers with the prompt, so the answer carries the address too, and `say:` streams the text after it in
 * chunks of 3 characters, so that the address straddles the stream's events.
 */
const EMAIL = `bodies-${randomUUID().slice(0, 8)}@example.com`;

/** One chat call over plain HTTP; its request id, and the whole answer as the client got it. */
async function chatCall(
  apiKey: string,
  content: string,
  stream: boolean,
): Promise<{ requestId: string; text: string }> {
  const response = await fetch(`${stackUrls.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo-chat', max_tokens: 200, stream, messages: [{ role: 'user', content }] }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  expect(response.status).toBe(200);
  return { requestId: response.headers.get('x-request-id') ?? '', text };
}

describe('call log bodies', () => {
  let database: pg.Client;
  let storing: SubscribedKey;
  let silent: SubscribedKey;

  beforeAll(async () => {
    database = new pg.Client({ connectionString: e2eDatabaseUrl() });
    [storing, silent] = await Promise.all([
      subscribedKey('bodies-on', { plan: 'demo-pro' }),
      subscribedKey('bodies-off', { plan: 'demo-pro' }),
      database.connect(),
    ]);
    await putTenantPolicy(storing, '  logging: { bodies: true, retentionDays: 3 }\n');
  });

  afterAll(async () => {
    await database?.end();
  });

  it('stores the bodies of a call, streamed and not, with the planted address redacted', async () => {
    // The policy reaches the gateway within a second: the first call made after it stores its bodies.
    const plain = await eventually(
      async () => {
        const call = await chatCall(storing.apiKey, `echo: write to ${EMAIL} please`, false);
        expect(call.text).toContain(EMAIL);
        const detail = await recorded(storing, call.requestId);
        expect(detail.bodies).not.toBeNull();
        return detail;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(plain.bodies).toMatchObject({ requestTruncated: false, responseTruncated: false, decryptionError: null });
    const request = JSON.parse(plain.bodies?.request ?? '') as { messages: { content: string }[] };
    expect(request.messages[0]?.content).toBe('echo: write to [EMAIL_1] please');
    expect(plain.bodies?.response).toContain('[EMAIL_1]');
    expect(plain.bodies?.response).toContain('chat.completion');

    const streamed = await chatCall(storing.apiKey, `say: mail ${EMAIL} today`, true);
    expect(streamed.text).toContain('data:');
    const detail = await recorded(storing, streamed.requestId);
    expect(detail.streamed).toBe(true);
    expect(detail.bodies?.request).toContain('say: mail [EMAIL_1] today');
    // The text the client's events carried, assembled, then redacted: the address was split across chunks.
    expect(detail.bodies?.response?.trim()).toBe('mail [EMAIL_1] today');

    const rows = await database.query<{ key_version: number; expires_at: Date; created_at: Date }>(
      'SELECT key_version, expires_at, created_at FROM call_log_bodies WHERE request_id = ANY($1)',
      [[plain.requestId, streamed.requestId]],
    );
    expect(rows.rows).toHaveLength(2);
    for (const row of rows.rows) {
      expect(row.key_version).toBe(1);
      expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(3 * 86_400_000);
    }
  });

  it('stores no bodies for a tenant whose policy does not ask for them', async () => {
    const call = await chatCall(silent.apiKey, `echo: write to ${EMAIL}`, false);
    const detail = await recorded(silent, call.requestId);
    expect(detail.bodies).toBeNull();
    const rows = await database.query('SELECT 1 FROM call_log_bodies WHERE request_id = $1', [call.requestId]);
    expect(rows.rowCount).toBe(0);
  });

  it('leaves the planted address nowhere in clear in the database: no text, JSON or bytes column holds it', async () => {
    const columns = await database.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`,
    );
    expect(columns.rows.map((column) => column.table_name)).toEqual(
      expect.arrayContaining(['call_log_bodies', 'usage_events', 'audit_events']),
    );
    const found: string[] = [];
    for (const { table_name: table, column_name: column, data_type: type } of columns.rows) {
      const name = `"${table.replaceAll('"', '""')}"."${column.replaceAll('"', '""')}"`;
      const holds =
        type === 'bytea'
          ? `position(convert_to($1, 'UTF8') in ${name}) > 0`
          : `strpos(lower(${name}::text), lower($1)) > 0`;
      const result = await database.query<{ count: string }>(
        `SELECT count(*) FROM "${table.replaceAll('"', '""')}" WHERE ${holds}`,
        [EMAIL],
      );
      if (Number(result.rows[0]?.count) > 0) found.push(name);
    }
    expect(found).toEqual([]);
  });
});
