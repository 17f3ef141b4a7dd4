import { webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it('accepts any http(s) URL outside production, so local receivers work in development and tests', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', false)).toBeNull();
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
  });

  it('refuses URLs that are not http(s) or carry credentials', () => {
    expect(webhookUrlProblem('ftp://example.com', false)).toMatch(/http/);
    expect(webhookUrlProblem('https://user:pw@example.com', false)).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url', false)).toMatch(/not a URL/);
  });

  it('requires https and a public host in production', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', true)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', true)).toMatch(/https/);
    for (const url of [
      'https://localhost/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.20.0.1/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:127.0.0.1]/x',
    ]) {
      expect(webhookUrlProblem(url, true)).not.toBeNull();
    }
  });
});
