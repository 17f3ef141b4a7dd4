import { withoutOverlaps } from './overlaps';
import type { PiiFinding } from './pii-entity';
import { isAsciiAlphanumeric } from './text-scan';

/**
 * SECRET: credentials with a recognisable format: provider API keys and tokens, AWS key pairs, PEM private keys,
 * JWTs, and Gatehouse's own API keys.
 *
 * Every rule starts with a fixed prefix. One scan with an alternation of all the prefixes finds where a token may
 * start (the cheap filter: a text without any prefix costs that one scan); the rule of that prefix then reads the
 * token with a sticky expression of one character class with a bounded count, so nothing backtracks. Some rules
 * check more: a JWT's header must decode to JSON naming an algorithm, a generic-looking key must mix letters and
 * digits.
 */
export function detectSecrets(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  PREFIXES.lastIndex = 0;
  for (let match = PREFIXES.exec(text); match !== null; match = PREFIXES.exec(text)) {
    const start = match.index;
    const end = matchAt(text, start);
    if (end !== null) findings.push({ entity: 'SECRET', start, end, text: text.slice(start, end) });
    PREFIXES.lastIndex = end ?? start + 1;
  }
  for (const finding of detectAwsSecretKeys(text, findings)) findings.push(finding);
  // Rules can overlap (a key id inside a longer token): the longest wins.
  return withoutOverlaps(findings);
}

/** The end of the token of the first rule that reads one at `start`, or null. */
function matchAt(text: string, start: number): number | null {
  for (const rule of SECRET_RULES) {
    if (!rule.prefixes.some((prefix) => text.startsWith(prefix, start))) continue;
    const end = rule.match(text, start);
    if (end !== null) return end;
  }
  return null;
}

interface SecretRule {
  /** What the token starts with, exactly. */
  prefixes: readonly string[];
  /** The end of the token starting at `start`, or null when it is not one. */
  match(text: string, start: number): number | null;
}

/**
 * A token read by a sticky expression at the prefix: nothing of a token may stand right before it, nor right after
 * it (a key with one character too many is another string), and `check` may look closer.
 */
function tokenRule(
  prefixes: readonly string[],
  pattern: RegExp,
  check: (token: string) => boolean = () => true,
): SecretRule {
  const sticky = new RegExp(pattern.source, 'y');
  return {
    prefixes,
    match(text, start) {
      if (start > 0 && isTokenCode(text.charCodeAt(start - 1))) return null;
      sticky.lastIndex = start;
      const match = sticky.exec(text);
      if (match === null) return null;
      const end = start + match[0].length;
      if (end < text.length && isTokenCode(text.charCodeAt(end))) return null;
      return check(match[0]) ? end : null;
    },
  };
}

/** Letters, digits, `_` and `-`: the alphabet of nearly every API key. */
function isTokenCode(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 95 || code === 45;
}

/** Random keys mix upper case, lower case and digits; words joined by dashes (`sk-learn-…`) do not. */
function looksRandom(token: string): boolean {
  return /[A-Z]/.test(token) && /[a-z]/.test(token) && /\d/.test(token);
}

const SECRET_RULES: readonly SecretRule[] = [
  // Anthropic: `sk-ant-api03-…` (also `admin01`, `oat01`), about 95 base64url characters after the kind.
  tokenRule(['sk-ant-'], /sk-ant-[a-z]{2,10}\d{2}-[A-Za-z0-9_-]{32,200}/, looksRandom),
  // OpenAI: `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…` and the older `sk-` + 48 characters. `sk-ant-` is Anthropic's.
  tokenRule(['sk-'], /sk-(?!ant-)[A-Za-z0-9_-]{32,250}/, looksRandom),
  // Stripe secret and restricted keys, live and test (test keys still read the account's test data).
  tokenRule(['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'], /[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}/, looksRandom),
  // GitHub: personal (`ghp_`), OAuth (`gho_`), user-to-server (`ghu_`), server-to-server (`ghs_`), refresh (`ghr_`):
  // 36 base62 characters; fine-grained personal tokens: `github_pat_` + 22 + `_` + 59.
  tokenRule(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], /gh[pousr]_[A-Za-z0-9]{36}/),
  tokenRule(['github_pat_'], /github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}/),
  // GitLab personal access tokens.
  tokenRule(['glpat-'], /glpat-[A-Za-z0-9_-]{20,64}/),
  // Slack bot, user, app-level, refresh and configuration tokens: `xoxb-<team>-<bot>-<secret>` and the like.
  tokenRule(
    ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxr-', 'xoxs-', 'xoxe-', 'xapp-'],
    /x(?:ox[abposre]|app)-[A-Za-z0-9-]{20,250}/,
    (t) => /\d/.test(t),
  ),
  // Slack incoming webhooks: the URL itself is the credential.
  tokenRule(
    ['https://hooks.slack.com/services/'],
    /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,32}/,
  ),
  // Google API keys: `AIza` + 35 characters.
  tokenRule(['AIza'], /AIza[A-Za-z0-9_-]{35}/),
  // AWS access key ids: long-term (`AKIA`), temporary (`ASIA`) and a few rarer kinds, 16 more upper-case
  // characters. The secret access key that goes with one is found by `detectAwsSecretKeys`.
  tokenRule(['AKIA', 'ASIA', 'ABIA', 'ACCA'], /A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}/),
  // Gatehouse's own keys (`gh_live_` / `gh_test_`, 43 + 6 base62 characters). A key whose checksum is wrong is
  // still reported: it is most likely a real key with a typo.
  tokenRule(['gh_live_', 'gh_test_'], /gh_(?:live|test)_[A-Za-z0-9]{49}/),
  { prefixes: ['eyJ'], match: matchJwt },
  { prefixes: ['-----BEGIN '], match: matchPrivateKeyBlock },
];

/** Every rule's prefixes in one alternation, longest first. */
const PREFIXES = new RegExp(
  SECRET_RULES.flatMap((rule) => rule.prefixes)
    .sort((a, b) => b.length - a.length)
    .map((prefix) => prefix.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('|'),
  'g',
);

/**
 * A JWT: three base64url parts joined by dots, the first (the header) decoding to a JSON object with an `alg`. An
 * unsigned token (`alg: none`) has an empty third part.
 */
const JWT = /eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}/y;

function matchJwt(text: string, start: number): number | null {
  if (start > 0 && (isTokenCode(text.charCodeAt(start - 1)) || text[start - 1] === '.')) return null;
  JWT.lastIndex = start;
  const match = JWT.exec(text);
  if (match === null) return null;
  const end = start + match[0].length;
  if (
    end < text.length &&
    (isTokenCode(text.charCodeAt(end)) || (text[end] === '.' && isTokenCode(text.charCodeAt(end + 1))))
  ) {
    return null;
  }
  const header = match[0].slice(0, match[0].indexOf('.'));
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && typeof (decoded as { alg?: unknown }).alg === 'string'
      ? end
      : null;
  } catch {
    return null;
  }
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;

/**
 * A PEM private key (PKCS#1, PKCS#8, EC, OpenSSH, PGP) from its BEGIN line to its END line. A block pasted without
 * its END line is reported up to the last line of its base64 body.
 */
function matchPrivateKeyBlock(text: string, start: number): number | null {
  PEM_BEGIN.lastIndex = start;
  const begin = PEM_BEGIN.exec(text);
  if (begin === null) return null;
  let lineStart = start + begin[0].length;
  let end: number | null = null; // a header with no body line after it is not a key
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).trim();
    if (line.startsWith('-----END ')) {
      PEM_END.lastIndex = text.indexOf('-----END ', lineStart);
      const close = PEM_END.exec(text);
      return close === null || end === null ? end : PEM_END.lastIndex;
    }
    // Base64 body lines, blank lines and the headers of an encrypted key (`Proc-Type: 4,ENCRYPTED`).
    const bodyLine = /^[A-Za-z0-9+/=]+$/.test(line) || /^[A-Za-z-]+: \S+$/.test(line);
    if (!bodyLine && line !== '') break;
    if (line !== '') end = lineStart + text.slice(lineStart, lineEnd).trimEnd().length;
    lineStart = lineEnd + 1;
  }
  return end;
}

/** The 40-character secret access key that goes with an access key id: base64 characters, mixed. */
const AWS_SECRET_CANDIDATE = /[A-Za-z0-9/+]{40,}/g;
const AWS_SECRET_CONTEXT = /aws|secret|access[_ ]?key/i;
const AWS_CONTEXT_WINDOW = 80;

/**
 * AWS secret access keys have no prefix: 40 base64 characters that could be anything (a hash, a path). They are
 * reported only near the words that name one (`aws_secret_access_key =`, `SecretAccessKey`) or near an access key
 * id that this detector found.
 */
function detectAwsSecretKeys(text: string, found: readonly PiiFinding[]): PiiFinding[] {
  const keyIds = found.filter((finding) => /^A(?:KIA|SIA|BIA|CCA)/.test(finding.text));
  if (keyIds.length === 0 && !AWS_SECRET_CONTEXT.test(text)) return [];
  const findings: PiiFinding[] = [];
  AWS_SECRET_CANDIDATE.lastIndex = 0;
  for (let match = AWS_SECRET_CANDIDATE.exec(text); match !== null; match = AWS_SECRET_CANDIDATE.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0].length !== 40 || !looksRandom(match[0])) continue;
    if (start > 0 && isTokenCode(text.charCodeAt(start - 1))) continue;
    if (end < text.length && (isTokenCode(text.charCodeAt(end)) || text[end] === '=')) continue;
    const nearKeyId = keyIds.some((id) => Math.abs(id.start - start) <= 200);
    const named = AWS_SECRET_CONTEXT.test(text.slice(Math.max(0, start - AWS_CONTEXT_WINDOW), start));
    if (nearKeyId || named) findings.push({ entity: 'SECRET', start, end, text: match[0] });
  }
  return findings;
}
