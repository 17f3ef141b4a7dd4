import { generateApiKey } from '../../keys/api-key-format';
import { detectSecrets } from './secret.detector';

const texts = (input: string) => detectSecrets(input).map((finding) => finding.text);

/** Deterministic filler: fake token bodies, never real credentials. */
function filler(alphabet: string, length: number, seed = 7): string {
  let out = '';
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[Math.floor((state / 2147483648) * alphabet.length)];
  }
  return out;
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE64URL = `${BASE62}-_`;
const jwtPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('detectSecrets', () => {
  const cases: [string, string][] = [
    ['OpenAI project key', `sk-proj-${filler(BASE64URL, 156)}`],
    ['OpenAI legacy key', `sk-${filler(BASE62, 20)}T3BlbkFJ${filler(BASE62, 20, 9)}`],
    ['Anthropic key', `sk-ant-api03-${filler(BASE64URL, 93)}AA`],
    ['AWS access key id', 'AKIA' + filler('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)],
    ['GitHub classic token', `ghp_${filler(BASE62, 36)}`],
    ['GitHub OAuth token', `gho_${filler(BASE62, 36)}`],
    ['GitHub fine-grained token', `github_pat_${filler(BASE62, 22)}_${filler(BASE62, 59, 3)}`],
    ['Slack bot token', `xoxb-123456789012-1234567890123-${filler(BASE62, 24)}`],
    ['Stripe live key', `sk_live_${filler(BASE62, 24)}`],
    ['Stripe restricted key', `rk_live_${filler(BASE62, 24)}`],
    ['Google API key', `AIza${filler(BASE64URL, 35)}`],
    ['GitLab token', `glpat-${filler(BASE64URL, 20)}`],
    ['Gatehouse live key', generateApiKey('live', (size) => new Uint8Array(size).fill(7)).key],
    ['Gatehouse test key', generateApiKey('test', (size) => new Uint8Array(size).fill(9)).key],
    ['JWT', `${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart({ sub: '42' })}.${filler(BASE64URL, 43)}`],
    ['unsigned JWT', `${jwtPart({ alg: 'none' })}.${jwtPart({ sub: '42' })}.`],
  ];

  it.each(cases)('finds a %s where people paste it', (_kind, secret) => {
    for (const input of [`export API_KEY=${secret}`, `"apiKey": "${secret}",`, `Authorization: Bearer ${secret}\n`]) {
      expect(texts(input)).toEqual([secret]);
    }
  });

  it('finds a PEM private key block from BEGIN to END, and a truncated one to its last body line', () => {
    const body = `${filler(`${BASE62}+/`, 64)}\n${filler(`${BASE62}+/`, 40)}==`;
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    expect(texts(`deploy key:\n${block}\nthanks`)).toEqual([block]);
    const encrypted = `-----BEGIN ENCRYPTED PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n${body}\n-----END ENCRYPTED PRIVATE KEY-----`;
    expect(texts(encrypted)).toEqual([encrypted]);
    const truncated = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}`;
    expect(texts(`${truncated}\nwhat is wrong with this key?`)).toEqual([truncated]);
  });

  it('finds an AWS secret access key by its label or next to its key id', () => {
    const secret = filler(`${BASE62}/+`, 40, 11);
    expect(texts(`aws_secret_access_key = ${secret}`)).toEqual([secret]);
    const id = `AKIA${filler('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 5)}`;
    expect(texts(`keys: ${id} ${secret}`)).toEqual([id, secret]);
    expect(texts(`checksum ${secret}`)).toEqual([]);
  });

  it('finds a Slack webhook URL', () => {
    const url = `https://hooks.slack.com/services/T0123ABCD/B0456EFGH12/${filler(BASE62, 24)}`;
    expect(texts(`webhook: ${url}`)).toEqual([url]);
  });

  it.each([
    ['a library name', 'Install sk-learn? You mean scikit-learn.'],
    ['words after sk-', 'sk-this-is-definitely-not-a-real-key-just-some-words'],
    ['a placeholder', 'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['an ellipsis placeholder', 'OPENAI_API_KEY=sk-...'],
    ['a token placeholder', 'Replace ghp_your_token_here with your token.'],
    ['a prefix inside a word', 'task-force-2024 and ask-me-anything'],
    ['a truncated JWT', 'eyJhbGciOiJIUzI1NiJ9 is cut off'],
    ['a JWT-shaped string whose header names no alg', 'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'],
    ['a private-key header with no key', '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----'],
    ['a key id prefix in a word', 'The word ASIAN is not a key, nor is AKIAMOUNTAIN.'],
    ['a Slack prefix without a token', 'xoxp-user-token-goes-here'],
    ['a git commit hash', 'Commit 3f786850e387550fdab836ed7e6dc881de23001b broke the build.'],
    ['a Gatehouse key one character short', `gh_live_${filler(BASE62, 48)}`],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
