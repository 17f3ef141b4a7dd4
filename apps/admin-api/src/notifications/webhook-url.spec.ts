import { type HostResolver } from '@gatehouse/egress';
import { webhookUrlProblem } from './webhook-url';

const resolver: HostResolver = async (hostname) => {
  if (hostname === 'internal.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'hooks.example.com') return [{ address: '93.184.216.34', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const development = { production: false, guard: { policy: { allowLoopback: false }, resolver } };
const loopbackAllowed = { production: false, guard: { policy: { allowLoopback: true }, resolver } };
const production = { production: true, guard: { policy: { allowLoopback: false }, resolver } };

describe('webhookUrlProblem', () => {
  it('accepts a public receiver, and loopback only where it is allowed', async () => {
    expect(await webhookUrlProblem('https://hooks.example.com/x', production)).toBeNull();
    expect(await webhookUrlProblem('http://hooks.example.com/x', development)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9000/hook', loopbackAllowed)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9000/hook', development)).toMatch(/loopback/);
  });

  it('refuses URLs that are not http(s) or carry credentials', async () => {
    expect(await webhookUrlProblem('ftp://example.com', development)).toMatch(/http/);
    expect(await webhookUrlProblem('https://user:pw@example.com', development)).toMatch(/credentials/);
    expect(await webhookUrlProblem('not a url', development)).toMatch(/not a URL/);
    expect(await webhookUrlProblem('http://hooks.example.com/x', production)).toMatch(/https/);
  });

  it('refuses loopback, private, link-local, metadata and mapped addresses, literal or resolved', async () => {
    for (const url of [
      'https://localhost/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.20.0.1/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fd00:ec2::254]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://internal.test/x',
    ]) {
      expect(await webhookUrlProblem(url, production)).toMatch(/^must not point at this address: /);
    }
    // Even where loopback is allowed, private and metadata addresses are not.
    expect(await webhookUrlProblem('http://169.254.169.254/', loopbackAllowed)).toMatch(/metadata/);
    expect(await webhookUrlProblem('http://10.0.0.1/', loopbackAllowed)).toMatch(/private/);
  });
});
