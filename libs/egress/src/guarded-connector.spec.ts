import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import {
  checkedAddress,
  guardedConnector,
  type HostResolver,
  OutboundAddressRefusedError,
  outboundHostRefusal,
} from './guarded-connector';

/** A resolver that answers from a table, counting its lookups; unknown names fail like DNS does. */
function fakeResolver(table: Record<string, string[]>): HostResolver & { lookups: string[] } {
  const lookups: string[] = [];
  const resolve = async (hostname: string) => {
    lookups.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { lookups });
}

describe('checkedAddress and outboundHostRefusal', () => {
  const resolver = fakeResolver({
    'hook.test': ['127.0.0.1'],
    'mixed.test': ['8.8.8.8', '10.0.0.1'],
    'ok.test': ['8.8.8.8'],
    'dual.test': ['2001:4860:4860::8888', '8.8.4.4'],
  });
  const strict = { policy: { allowLoopback: false }, resolver };

  it('refuses literal and resolved forbidden addresses, naming what the name resolved to', async () => {
    await expect(checkedAddress('127.0.0.1', strict)).rejects.toThrow('127.0.0.1 is a loopback address');
    await expect(checkedAddress('[::ffff:7f00:1]', strict)).rejects.toThrow(OutboundAddressRefusedError);
    await expect(checkedAddress('hook.test', strict)).rejects.toThrow(
      'hook.test resolves to 127.0.0.1, a loopback address',
    );
    await expect(checkedAddress('mixed.test', strict)).rejects.toThrow('10.0.0.1, a private network address');
    await expect(checkedAddress('ok.test', strict)).resolves.toBe('8.8.8.8');
    await expect(checkedAddress('dual.test', strict)).resolves.toBe('8.8.4.4');
  });

  it('checks a URL at save time, letting a name that does not resolve now through', async () => {
    expect(await outboundHostRefusal(new URL('http://169.254.169.254/latest'), strict)).toBe(
      '169.254.169.254 is a cloud metadata address',
    );
    expect(await outboundHostRefusal(new URL('http://[::ffff:127.0.0.1]:5432/'), strict)).toBe(
      '::ffff:7f00:1 is a loopback address',
    );
    expect(await outboundHostRefusal(new URL('https://ok.test/hooks'), strict)).toBeNull();
    expect(await outboundHostRefusal(new URL('https://unknown.test/hooks'), strict)).toBeNull();
  });

  it('takes localhost and *.localhost for loopback without asking a resolver, and refuses them', async () => {
    for (const url of ['http://localhost:5432/', 'http://LOCALHOST./', 'http://api.localhost/']) {
      expect(await outboundHostRefusal(new URL(url), strict)).toMatch(
        /^\S*localhost\.? resolves to 127\.0\.0\.1, a loopback address$/,
      );
    }
    expect(resolver.lookups.filter((name) => name.includes('localhost'))).toEqual([]);
  });
});

describe('guardedConnector', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      received.push(incoming.headers);
      response.end('ok');
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
    connections = 0;
  });

  it('refuses before connecting when the host is, or resolves to, a forbidden address', async () => {
    const resolver = fakeResolver({ 'hook.test': ['127.0.0.1'] });
    const agent = new Agent({ connect: guardedConnector({ policy: { allowLoopback: false }, resolver }) });
    try {
      for (const url of [
        `http://hook.test:${port}/`,
        `http://127.0.0.1:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
      ]) {
        await expect(request(url, { dispatcher: agent })).rejects.toBeInstanceOf(OutboundAddressRefusedError);
      }
      expect(connections).toBe(0);
      expect(received).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it('connects to the address it checked, once per connection, keeping the Host of the URL', async () => {
    const resolver = fakeResolver({ 'hook.test': ['127.0.0.1'] });
    const agent = new Agent({ connect: guardedConnector({ policy: { allowLoopback: true }, resolver }) });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await request(`http://hook.test:${port}/`, { dispatcher: agent });
        expect(await response.body.text()).toBe('ok');
      }
      expect(received.map((headers) => headers.host)).toEqual(Array(3).fill(`hook.test:${port}`));
      // The name is looked up per connection, never per request: keep-alive sockets are reused without a lookup.
      expect(resolver.lookups).toEqual(Array(connections).fill('hook.test'));
      expect(connections).toBeLessThan(3);
    } finally {
      await agent.close();
    }
  });
});
