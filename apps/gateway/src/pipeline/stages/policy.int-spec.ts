import { asTenantId } from '@gatehouse/contracts';
import { ApiKeyRepository, countPostgresQueries, PolicyRepository } from '@gatehouse/db';
import { eventually } from '@gatehouse/testing';
import { GatewayHarness, NO_LIMITS, type TestKey } from '../../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../../test/mock-upstream';

/**
 * The policy documents' access rules at the gateway (policy.input, and the access check of HTTP products): a
 * change published by admin-api is in force at every instance within a second, a narrower document only tightens,
 * a monitored rule reports without refusing, and warm requests still make no Postgres query.
 */
const IN_FORCE_WITHIN_MS = 1_000;

interface OpenAiError {
  error: { code: string; type: string; message: string };
}

function document(name: string, access: string, mode = 'enforce'): string {
  return `apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: "${name}" }\nmode: ${mode}\nspec:\n  access:\n${access}`;
}

describe('policy.input: access rules of the policy documents', () => {
  let gateway: GatewayHarness;
  let replica: { url: string; close: () => Promise<void> };
  let mock: RunningMock;
  let tenantA: string;
  let tenantB: string;
  let keyA: string;
  let keyB: string;

  /** Saves a new version of the document, as admin-api does, and announces it. */
  const publish = async (name: string, yaml: string) => {
    await gateway.db.$transaction(async (tx) => {
      const policies = new PolicyRepository(tx);
      const scope = name === 'global' ? 'GLOBAL' : name.startsWith('tenant:') ? 'TENANT' : 'PRODUCT';
      const tenantId = scope === 'TENANT' ? name.slice('tenant:'.length) : null;
      const policy = await policies.lockOrCreate({ name, scope, tenantId, productId: null });
      await policies.publish(policy, { mode: 'ENFORCE', yaml, message: null, createdById: null });
    });
    await gateway.publish({ kind: 'policy', name, tenantId: name.startsWith('tenant:') ? name.slice(7) : null });
  };

  const call = async (url: string, key: string, model: string) => {
    const embeddings = model === 'demo-embed';
    const response = await fetch(`${url}${embeddings ? '/v1/embeddings' : '/v1/chat/completions'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        embeddings ? { model, input: 'hello' } : { model, messages: [{ role: 'user', content: 'hello' }] },
      ),
      signal: AbortSignal.timeout(10_000),
    });
    return {
      status: response.status,
      body: (await response.json()) as OpenAiError & Record<string, unknown>,
      policy: response.headers.get('x-gatehouse-policy'),
      requestId: response.headers.get('x-request-id'),
    };
  };

  /** Waits (at most the contract's second) until `url` answers `key`'s call of `model` with `status`. */
  const inForce = async (url: string, key: string, model: string, status: number) => {
    const reached = await eventually(async () => (await call(url, key, model)).status === status, IN_FORCE_WITHIN_MS);
    expect({ url, model, status, reached }).toEqual({ url, model, status, reached: true });
  };

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([GatewayHarness.start('gateway-policy'), startMockProvider()]);
    await gateway.useMockProvider(mock.url);
    [tenantA, tenantB] = [await gateway.tenant(), await gateway.tenant()];
    for (const tenantId of [tenantA, tenantB]) {
      await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
    }
    [keyA, keyB] = [(await gateway.key(tenantA)).key, (await gateway.key(tenantB)).key];
    const started = await gateway.startReplica();
    replica = { url: started.url, close: () => started.app.close() };
    gateway.watchUsage();
  });

  afterAll(async () => {
    await replica?.close();
    await gateway?.close();
    await mock?.close();
  });

  it('a tenant deny is in force at every instance within a second, for that tenant only, and its removal too', async () => {
    const name = `tenant:${tenantA}`;
    expect((await call(gateway.url, keyA, 'demo-embed')).status).toBe(200);
    await publish(name, document(name, '    denyModels: { models: [demo-embed] }\n'));

    for (const url of [gateway.url, replica.url]) {
      await inForce(url, keyA, 'demo-embed', 403);
      const refused = await call(url, keyA, 'demo-embed');
      expect(refused.body.error).toMatchObject({ code: 'policy_access_denied', type: 'permission_error' });
      expect(refused.body.error.message).toBe(
        `Refused by policy '${name}' (access.denyModels): the model 'demo-embed' may not be called.`,
      );
      expect(refused.policy).toBe('access.denyModels=block');
      expect((await call(url, keyA, 'demo-chat')).status).toBe(200);
      expect((await call(url, keyB, 'demo-embed')).status).toBe(200);
    }
    const refusal = await call(gateway.url, keyA, 'demo-embed');
    expect(await gateway.usageEventOf(refusal.requestId)).toMatchObject({
      statusCode: 403,
      errorCode: 'policy_access_denied',
      policyActions: [`block:access.denyModels@${name}`],
    });

    // Warm, with a document in force: still no Postgres query per request.
    const queries = countPostgresQueries();
    try {
      for (let i = 0; i < 5; i++) expect((await call(gateway.url, keyA, 'demo-embed')).status).toBe(403);
      for (let i = 0; i < 5; i++) expect((await call(gateway.url, keyA, 'demo-chat')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(queries.statements).toEqual([]);
    } finally {
      queries.stop();
    }

    await publish(name, document(name, '    denyModels: { models: [demo-unrelated] }\n'));
    for (const url of [gateway.url, replica.url]) await inForce(url, keyA, 'demo-embed', 200);
  });

  it('a tenant document cannot loosen a global deny: the global rule still refuses', async () => {
    const tenant = `tenant:${tenantB}`;
    await publish('global', document('global', '    denyModels: { models: [demo-embed] }\n'));
    await publish(tenant, document(tenant, '    allowModels: { models: [demo-chat, demo-embed] }\n'));
    try {
      await inForce(gateway.url, keyB, 'demo-embed', 403);
      const refused = await call(gateway.url, keyB, 'demo-embed');
      expect(refused.body.error.message).toMatch(/^Refused by policy 'global' \(access\.denyModels\)/);
      expect((await call(gateway.url, keyB, 'demo-chat')).status).toBe(200);
    } finally {
      await publish('global', document('global', '    denyModels: { models: [demo-unrelated] }\n'));
      await inForce(gateway.url, keyB, 'demo-embed', 200);
    }
  });

  it('a monitored rule admits the call, says so in x-gatehouse-policy and records it in the usage event', async () => {
    const name = `tenant:${tenantA}`;
    await publish(name, document(name, '    denyModels: { models: [demo-chat] }\n', 'monitor'));
    const reported = await eventually(
      async () => (await call(gateway.url, keyA, 'demo-chat')).policy === 'access.denyModels=monitor',
      IN_FORCE_WITHIN_MS,
    );
    expect(reported).toBe(true);
    const admitted = await call(gateway.url, keyA, 'demo-chat');
    expect(admitted.status).toBe(200);
    expect(admitted.policy).toBe('access.denyModels=monitor');
    const event = await gateway.usageEventOf(admitted.requestId);
    expect(event?.policyActions).toEqual([`monitor:access.denyModels@${name}`]);
  });

  it('source ranges refuse a client outside them and admit one inside (IPv4 and IPv6 loopback)', async () => {
    const name = `tenant:${tenantA}`;
    await publish(name, document(name, '    sourceIps: { ranges: [10.0.0.0/8] }\n'));
    await inForce(gateway.url, keyA, 'demo-chat', 403);
    const refused = await call(gateway.url, keyA, 'demo-chat');
    expect(refused.body.error.message).toMatch(
      /\(access\.sourceIps\): calls from (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)/,
    );

    await publish(name, document(name, '    sourceIps: { ranges: [127.0.0.0/8, "::1/128"] }\n'));
    await inForce(gateway.url, keyA, 'demo-chat', 200);
    await publish(name, document(name, '    denyModels: { models: [demo-unrelated] }\n'));
  });

  it('key metadata labels: a key without the label is refused, a labelled one admitted, a change of labels in force within a second', async () => {
    const tenant = await gateway.tenant();
    await gateway.subscribeToDemo(tenant, { limitOverrides: NO_LIMITS });
    const [bare, search, ads] = [
      await gateway.key(tenant),
      await gateway.key(tenant, { metadata: { team: 'search', env: 'prod' } }),
      await gateway.key(tenant, { metadata: { team: 'ads' } }),
    ];
    /** Relabels the key as admin-api does (the repository, then the key's invalidation after commit). */
    const relabel = async (key: TestKey, metadata: Record<string, string>) => {
      expect(await new ApiKeyRepository(gateway.db).updateMetadata(asTenantId(tenant), key.id, metadata)).toBe(true);
      await gateway.publish({ kind: 'api-key', tenantId: tenant, apiKeyId: key.id, hashes: [key.hash] });
    };
    const name = `tenant:${tenant}`;
    await publish(name, document(name, '    keyMetadata: { labels: { team: [search] } }\n'));

    for (const url of [gateway.url, replica.url]) {
      await inForce(url, bare.key, 'demo-chat', 403);
      const refused = await call(url, bare.key, 'demo-chat');
      expect(refused.body.error).toMatchObject({ code: 'policy_access_denied', type: 'permission_error' });
      expect(refused.body.error.message).toBe(
        `Refused by policy '${name}' (access.keyMetadata): the API key's metadata label 'team' must be 'search'.`,
      );
      expect(refused.policy).toBe('access.keyMetadata=block');
      expect((await call(url, ads.key, 'demo-chat')).status).toBe(403);
      expect((await call(url, search.key, 'demo-chat')).status).toBe(200);
      expect((await call(url, search.key, 'demo-embed')).status).toBe(200);
    }
    // Every key of the tenant is now cached at both instances: only the invalidation can bring new labels in.
    await relabel(ads, { team: 'search' });
    await relabel(search, {});
    for (const url of [gateway.url, replica.url]) {
      await inForce(url, ads.key, 'demo-chat', 200);
      await inForce(url, search.key, 'demo-chat', 403);
      expect((await call(url, bare.key, 'demo-chat')).status).toBe(403);
    }

    // Warm, with labels in the snapshot: still no Postgres query per request.
    const queries = countPostgresQueries();
    try {
      for (let i = 0; i < 5; i++) expect((await call(gateway.url, ads.key, 'demo-chat')).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await call(gateway.url, search.key, 'demo-chat')).status).toBe(403);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(queries.statements).toEqual([]);
    } finally {
      queries.stop();
    }
  });

  describe('pii.input', () => {
    let tenant: string;
    let key: string;
    const prompt = 'Write to jane.doe@example.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.';
    const piiDocument = (name: string, input: string, mode = 'enforce') =>
      `apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: "${name}" }\nmode: ${mode}\nspec:\n  pii:\n    input: ${input}\n`;
    const chat = async (messages: unknown[]) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-chat', messages }),
        signal: AbortSignal.timeout(10_000),
      });
      return {
        status: response.status,
        body: (await response.json()) as OpenAiError,
        policy: response.headers.get('x-gatehouse-policy'),
        requestId: response.headers.get('x-request-id'),
      };
    };
    /** Retries `attempt` until it gives a value, for at most the second a change takes to be in force. */
    const until = async <T>(attempt: () => Promise<T | null>): Promise<T> => {
      const deadline = Date.now() + IN_FORCE_WITHIN_MS;
      for (;;) {
        const value = await attempt();
        if (value !== null) return value;
        if (Date.now() > deadline) throw new Error(`not in force within ${IN_FORCE_WITHIN_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    /** What the upstream received for the last call: its messages. */
    const sentUpstream = () => (mock.received.at(-1) as { messages: { content: unknown }[] }).messages;

    beforeAll(async () => {
      tenant = await gateway.tenant();
      await gateway.subscribeToDemo(tenant, { limitOverrides: NO_LIMITS });
      key = (await gateway.key(tenant)).key;
    });

    it('redacts what it finds with numbered placeholders before the upstream sees the prompt, and says so', async () => {
      const name = `tenant:${tenant}`;
      await publish(name, piiDocument(name, '{ action: redact, entities: [EMAIL, CREDIT_CARD, IBAN] }'));
      const redacted = await until(async () => {
        const answer = await chat([
          { role: 'system', content: 'Mail jane.doe@example.com if needed.' },
          { role: 'user', content: [{ type: 'text', text: prompt }] },
        ]);
        return answer.policy === 'pii.input=redact:4' ? answer : null;
      });
      expect(redacted.status).toBe(200);
      expect(sentUpstream()).toEqual([
        { role: 'system', content: 'Mail [EMAIL_1] if needed.' },
        { role: 'user', content: [{ type: 'text', text: 'Write to [EMAIL_1], card [CREDIT_CARD_1], IBAN [IBAN_1].' }] },
      ]);
      const event = await gateway.usageEventOf(redacted.requestId);
      expect(event?.policyActions).toEqual(
        expect.arrayContaining([
          `redact:pii.input.EMAIL@${name}`,
          `redact:pii.input.CREDIT_CARD@${name}`,
          `redact:pii.input.IBAN@${name}`,
        ]),
      );
      expect(JSON.stringify(event)).not.toContain('jane.doe');
    });

    it('blocks with 400 content_policy_violation naming the rule and the entity, the upstream never called', async () => {
      const name = `tenant:${tenant}`;
      await publish('global', piiDocument('global', '{ action: block, entities: [CREDIT_CARD] }'));
      try {
        const refused = await until(async () => {
          const answer = await chat([{ role: 'user', content: prompt }]);
          return answer.status === 400 ? answer : null;
        });
        expect(refused.body.error).toMatchObject({ code: 'content_policy_violation', type: 'invalid_request_error' });
        expect(refused.body.error.message).toBe(
          "Refused by policy 'global' (pii.input: CREDIT_CARD): the request contains a payment card number.",
        );
        expect(refused.policy).toBe('pii.input=block');
        // The tenant's own rule only redacts; the global block is stricter and wins, and no upstream is called.
        const before = mock.received.length;
        expect((await chat([{ role: 'user', content: 'card 4111 1111 1111 1111' }])).status).toBe(400);
        expect(mock.received.length).toBe(before);
      } finally {
        await publish('global', piiDocument('global', '{ action: log, entities: [PHONE] }'));
        await publish(name, piiDocument(name, '{ action: redact, entities: [EMAIL] }', 'monitor'));
      }
    });

    it('in monitor mode changes nothing and reports what it would have done', async () => {
      const name = `tenant:${tenant}`;
      const answer = await until(async () => {
        const result = await chat([{ role: 'user', content: prompt }]);
        return result.status === 200 && result.policy === 'pii.input=monitor:1' ? result : null;
      });
      expect(answer.status).toBe(200);
      expect(sentUpstream()).toEqual([{ role: 'user', content: prompt }]);
      const event = await gateway.usageEventOf(answer.requestId);
      expect(event?.policyActions).toEqual([`monitor:pii.input.EMAIL@${name}`]);
    });
  });

  describe('validation', () => {
    let tenant: string;
    let key: string;
    const validationDocument = (name: string, rules: string, mode = 'enforce') =>
      `apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: "${name}" }\nmode: ${mode}\nspec:\n  validation: ${rules}\n`;
    const chat = async (body: Record<string, unknown>) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-chat', ...body }),
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as OpenAiError & { error: { param: string | null } };
      return { status: response.status, body: answer, policy: response.headers.get('x-gatehouse-policy') };
    };
    const three = [1, 2, 3].map((n) => ({ role: 'user', content: `message ${n}` }));

    beforeAll(async () => {
      tenant = await gateway.tenant();
      await gateway.subscribeToDemo(tenant, { limitOverrides: NO_LIMITS });
      key = (await gateway.key(tenant)).key;
    });

    it('refuses what breaks a size limit or an unknown parameter under strictParams, naming the parameter', async () => {
      const name = `tenant:${tenant}`;
      await publish(name, validationDocument(name, '{ maxMessages: 2, strictParams: true }'));
      expect(await eventually(async () => (await chat({ messages: three })).status === 400, IN_FORCE_WITHIN_MS)).toBe(
        true,
      );
      const before = mock.received.length;
      const tooMany = await chat({ messages: three });
      expect(tooMany.body.error).toMatchObject({ code: 'invalid_request_error', param: 'messages' });
      expect(tooMany.body.error.message).toMatch(/validation\.maxMessages: 2/);
      expect(tooMany.policy).toBe('validation=block');
      const unknown = await chat({ messages: three.slice(0, 1), house_special: true });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.param).toBe('house_special');
      expect(mock.received.length).toBe(before);
      expect((await chat({ messages: three.slice(0, 2) })).status).toBe(200);

      // In monitor mode the same calls go through, reported.
      await publish(name, validationDocument(name, '{ maxMessages: 2 }', 'monitor'));
      expect(
        await eventually(
          async () => (await chat({ messages: three })).policy === 'validation=monitor',
          IN_FORCE_WITHIN_MS,
        ),
      ).toBe(true);
      expect((await chat({ messages: three })).status).toBe(200);
    });
  });
});
