/**
 * Generates the labelled PII corpus, `pii-corpus.jsonl` beside this file:
 *
 *   npx tsx libs/domain/src/guardrails/pii/corpus/generate-pii-corpus.ts
 *
 * Every value is a fake made here from a seeded random generator, valid by the rules of its kind: phone numbers
 * that libphonenumber calls valid, card numbers of real networks' IIN ranges with a computed Luhn digit, IBANs with
 * mod-97 check digits computed below, tokens in each provider's format with random bodies. No real secret, card or
 * account appears. The labels come from how each sample was built, not from the detectors, and the hard negatives
 * are the look-alikes the detectors must leave alone. The same seed gives the same file (a spec checks that the
 * committed file is this generator's output).
 */
import { PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil, type PhoneNumber } from 'google-libphonenumber';
import { getCountrySpecifications, isValidBBAN, isValidIBAN } from 'ibantools';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '../../../keys/api-key-format';
import type { PiiEntity } from '../pii-entity';
import type { PiiCorpusSample } from '../pii-accuracy';
import { DEFAULT_NATIONAL_PHONE_REGIONS } from '../phone.detector';

// ─── Randomness ─────────────────────────────────────────────────────────────────────────────────────────────────

/** mulberry32: small, seeded, good enough to vary fakes; the corpus must be reproducible, so no Math.random. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly random: () => number) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }

  digits(length: number): string {
    return this.chars(DIGITS, length);
  }

  bytes(size: number): Uint8Array {
    return Uint8Array.from({ length: size }, () => this.int(0, 255));
  }
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const BASE62 = DIGITS + UPPER + LOWER;
const BASE64URL = BASE62 + '-_';
const BASE64 = BASE62 + '+/';

// ─── Samples ────────────────────────────────────────────────────────────────────────────────────────────────────

/** A labelled value inside a sample's text. */
interface Value {
  entity: PiiEntity;
  text: string;
}

type Part = string | Value;

const v = (entity: PiiEntity, text: string): Value => ({ entity, text });

class CorpusBuilder {
  readonly samples: PiiCorpusSample[] = [];
  private readonly counters = new Map<string, number>();

  add(group: string, tags: string[], parts: Part[]): void {
    let text = '';
    const findings: PiiCorpusSample['findings'] = [];
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      findings.push({ entity: part.entity, start: text.length, end: text.length + part.text.length, text: part.text });
      text += part.text;
    }
    const number = (this.counters.get(group) ?? 0) + 1;
    this.counters.set(group, number);
    this.samples.push({ id: `${group}-${String(number).padStart(3, '0')}`, text, findings, tags });
  }
}

/** Fills a template's `{}` slots with the given parts: `fill('Call {} now', phone)`. */
function fill(template: string, ...values: Part[]): Part[] {
  const pieces = template.split('{}');
  if (pieces.length !== values.length + 1) throw new Error(`template "${template}" wants ${pieces.length - 1} values`);
  const parts: Part[] = [];
  pieces.forEach((piece, index) => {
    if (piece !== '') parts.push(piece);
    if (index < values.length) parts.push(values[index] as Part);
  });
  return parts;
}

// ─── Value makers ───────────────────────────────────────────────────────────────────────────────────────────────

const phoneUtil = PhoneNumberUtil.getInstance();

/** A valid number of the region and type: the region's example number with its tail redrawn until it is valid. */
function phoneNumber(dice: Dice, region: string, type: PhoneNumberType): PhoneNumber {
  const example = phoneUtil.getExampleNumberForType(region, type);
  if (!example) throw new Error(`no example ${type} number for ${region}`);
  const national = phoneUtil.getNationalSignificantNumber(example);
  for (let attempt = 0; attempt < 200; attempt++) {
    const keep = Math.max(2, national.length - dice.int(3, 6));
    const candidate = national.slice(0, keep) + dice.digits(national.length - keep);
    const parsed = phoneUtil.parse(`+${example.getCountryCode()}${candidate}`, 'ZZ');
    if (phoneUtil.isValidNumber(parsed) && phoneUtil.getRegionCodeForNumber(parsed) === region) return parsed;
  }
  return example;
}

type PhoneStyle = 'international' | 'e164' | 'national' | 'idd' | 'dashed' | 'dotted' | 'trunk-in-parentheses';

function formatPhone(number: PhoneNumber, style: PhoneStyle): string {
  const international = phoneUtil.format(number, PhoneNumberFormat.INTERNATIONAL);
  switch (style) {
    case 'international':
      return international;
    case 'e164':
      return phoneUtil.format(number, PhoneNumberFormat.E164);
    case 'national':
      return phoneUtil.format(number, PhoneNumberFormat.NATIONAL);
    case 'idd':
      return `00${international.slice(1)}`;
    case 'dashed':
      return international.replace(/ /g, '-').replace(/^\+(\d+)-/, '+$1 ');
    case 'dotted':
      return phoneUtil.format(number, PhoneNumberFormat.NATIONAL).replace(/[()]/g, '').replace(/[ -]/g, '.');
    case 'trunk-in-parentheses': {
      const [code, ...rest] = international.split(' ');
      return `${code} (0)${rest.join(' ')}`;
    }
  }
}

/** Regions whose national format the detector recognises (its default list), then a spread of others. */
const NATIONAL_REGIONS = DEFAULT_NATIONAL_PHONE_REGIONS;
const OTHER_REGIONS = [
  'BR',
  'MX',
  'PL',
  'DK',
  'NO',
  'ZA',
  'SG',
  'KR',
  'AR',
  'TR',
  'PH',
  'NG',
  'AE',
  'NZ',
  'FI',
  'CZ',
  'IL',
];

interface CardNetworkSpec {
  name: string;
  prefixes: readonly string[];
  lengths: readonly number[];
}

/** A few IIN prefixes and lengths per network (a subset of the detector's table; any real-world one would do). */
const CARD_NETWORKS: readonly CardNetworkSpec[] = [
  { name: 'visa', prefixes: ['4'], lengths: [16, 16, 16, 13, 19] },
  { name: 'mastercard', prefixes: ['51', '52', '53', '54', '55', '2221', '2720', '2500'], lengths: [16] },
  { name: 'amex', prefixes: ['34', '37'], lengths: [15] },
  { name: 'discover', prefixes: ['6011', '644', '65', '622126'], lengths: [16] },
  { name: 'diners', prefixes: ['300', '305', '36', '38'], lengths: [14] },
  { name: 'jcb', prefixes: ['3528', '3589', '3540'], lengths: [16] },
  { name: 'unionpay', prefixes: ['62'], lengths: [16, 19] },
  { name: 'maestro', prefixes: ['6759', '6304', '5018'], lengths: [12, 16, 19] },
  { name: 'mir', prefixes: ['2200', '2204'], lengths: [16] },
];

function luhnCheckDigit(payload: string): string {
  let sum = 0;
  let double = true;
  for (let i = payload.length - 1; i >= 0; i--) {
    let digit = Number(payload[i]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

function cardDigits(dice: Dice, network: CardNetworkSpec): string {
  const prefix = dice.pick(network.prefixes);
  const length = dice.pick(network.lengths);
  const payload = prefix + dice.digits(length - prefix.length - 1);
  return payload + luhnCheckDigit(payload);
}

type CardStyle = 'bare' | 'spaces' | 'dashes';

function formatCard(digits: string, style: CardStyle): string {
  if (style === 'bare') return digits;
  const separator = style === 'spaces' ? ' ' : '-';
  if (digits.length === 15) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  if (digits.length === 14) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  return digits.match(/.{1,4}/g)?.join(separator) ?? digits;
}

const IBAN_COUNTRIES = [
  'DE',
  'GB',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'PL',
  'SE',
  'DK',
  'NO',
  'IE',
  'PT',
  'FI',
  'LU',
  'GR',
  'CZ',
  'HR',
  'RO',
  'MT',
  'SA',
  'AE',
  'BR',
  'TR',
];

/** A random BBAN in the country's registered format (read from ibantools' table of formats), then check digits. */
function iban(dice: Dice, country: string): string {
  const spec = getCountrySpecifications()[country];
  const format = spec?.bban_regexp;
  if (!format) throw new Error(`no BBAN format for ${country}`);
  for (let attempt = 0; attempt < 500; attempt++) {
    let bban = '';
    for (const [, alphabet, count] of format.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)) {
      const chars = (alphabet as string).replace('A-Z', UPPER).replace('0-9', DIGITS).replace('a-z', LOWER);
      bban += dice.chars(chars, Number(count));
    }
    // Some countries carry national check digits inside the BBAN (Belgium, Spain, Norway, …): draw again until it
    // passes them, as every real account number does.
    if (!isValidBBAN(bban, country)) continue;
    const value = country + mod97CheckDigits(country, bban) + bban;
    if (isValidIBAN(value)) return value;
  }
  throw new Error(`could not draw a valid IBAN for ${country}`);
}

/** ISO 7064 MOD 97-10, as ISO 13616 computes IBAN check digits: BBAN + country + "00", letters as 10–35. */
function mod97CheckDigits(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return String(98 - remainder).padStart(2, '0');
}

function paperIban(electronic: string): string {
  return electronic.match(/.{1,4}/g)?.join(' ') ?? electronic;
}

/** The same IBAN with its check digits changed: mod-97 fails, which is the point of a hard negative. */
function brokenIban(electronic: string): string {
  const check = Number(electronic.slice(2, 4));
  const wrong = String(((check + 37) % 97) + 2).padStart(2, '0');
  return electronic.slice(0, 2) + (wrong === electronic.slice(2, 4) ? '01' : wrong) + electronic.slice(4);
}

function ipv4(dice: Dice): string {
  const kind = dice.int(0, 3);
  if (kind === 0) return `10.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`;
  if (kind === 1) return `192.168.${dice.int(0, 255)}.${dice.int(1, 254)}`;
  if (kind === 2) return `172.${dice.int(16, 31)}.${dice.int(0, 255)}.${dice.int(1, 254)}`;
  return `${dice.int(11, 223)}.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`;
}

function ipv6(dice: Dice): string {
  const groups = Array.from({ length: 8 }, () => dice.int(0, 0xffff).toString(16));
  const kind = dice.int(0, 3);
  if (kind === 0) return groups.join(':');
  if (kind === 1) return `2001:db8:${groups.slice(2, 4).join(':')}::${groups[7]}`;
  if (kind === 2) return `fe80::${groups.slice(4).join(':')}`;
  return `::ffff:${dice.int(11, 223)}.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`;
}

function ssn(dice: Dice): { area: string; group: string; serial: string } {
  let area = dice.int(1, 899);
  if (area === 666) area = 667;
  return {
    area: String(area).padStart(3, '0'),
    group: String(dice.int(1, 99)).padStart(2, '0'),
    serial: String(dice.int(1, 9999)).padStart(4, '0'),
  };
}

function base64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function jwt(dice: Dice): string {
  const alg = dice.pick(['HS256', 'RS256', 'ES256', 'HS512']);
  const header = base64url(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ sub: dice.digits(8), name: dice.pick(FIRST_NAMES), iat: 1_700_000_000 + dice.int(0, 9_999_999) }),
  );
  return `${header}.${payload}.${dice.chars(BASE64URL, alg.startsWith('HS') ? 43 : 86)}`;
}

function pemPrivateKey(dice: Dice): string {
  const kind = dice.pick([
    'RSA PRIVATE KEY',
    'PRIVATE KEY',
    'EC PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
  ]);
  const lines = Array.from({ length: dice.int(3, 8) }, () => dice.chars(BASE64, 64));
  lines.push(dice.chars(BASE64, dice.int(8, 60)) + '==');
  return `-----BEGIN ${kind}-----\n${lines.join('\n')}\n-----END ${kind}-----`;
}

type SecretKind =
  | 'openai-project'
  | 'openai-legacy'
  | 'openai-service'
  | 'anthropic'
  | 'aws-key-id'
  | 'github-classic'
  | 'github-oauth'
  | 'github-fine-grained'
  | 'slack-bot'
  | 'slack-user'
  | 'stripe-live'
  | 'stripe-restricted'
  | 'google'
  | 'gitlab'
  | 'gatehouse-live'
  | 'gatehouse-test'
  | 'jwt'
  | 'pem';

const SECRET_KINDS: readonly SecretKind[] = [
  'openai-project',
  'openai-legacy',
  'openai-service',
  'anthropic',
  'aws-key-id',
  'github-classic',
  'github-oauth',
  'github-fine-grained',
  'slack-bot',
  'slack-user',
  'stripe-live',
  'stripe-restricted',
  'google',
  'gitlab',
  'gatehouse-live',
  'gatehouse-test',
  'jwt',
  'pem',
];

function secret(dice: Dice, kind: SecretKind): string {
  switch (kind) {
    case 'openai-project':
      return `sk-proj-${dice.chars(BASE64URL, 156)}`;
    case 'openai-legacy':
      return `sk-${dice.chars(BASE62, 20)}T3BlbkFJ${dice.chars(BASE62, 20)}`;
    case 'openai-service':
      return `sk-svcacct-${dice.chars(BASE64URL, 120)}`;
    case 'anthropic':
      return `sk-ant-api03-${dice.chars(BASE64URL, 93)}AA`;
    case 'aws-key-id':
      return `${dice.pick(['AKIA', 'ASIA'])}${dice.chars(UPPER + '234567', 16)}`;
    case 'github-classic':
      return `ghp_${dice.chars(BASE62, 36)}`;
    case 'github-oauth':
      return `gho_${dice.chars(BASE62, 36)}`;
    case 'github-fine-grained':
      return `github_pat_${dice.chars(BASE62, 22)}_${dice.chars(BASE62, 59)}`;
    case 'slack-bot':
      return `xoxb-${dice.digits(12)}-${dice.digits(13)}-${dice.chars(BASE62, 24)}`;
    case 'slack-user':
      return `xoxp-${dice.digits(12)}-${dice.digits(12)}-${dice.digits(13)}-${dice.chars('0123456789abcdef', 32)}`;
    case 'stripe-live':
      return `sk_live_${dice.chars(BASE62, dice.pick([24, 99]))}`;
    case 'stripe-restricted':
      return `rk_live_${dice.chars(BASE62, dice.pick([24, 99]))}`;
    case 'google':
      return `AIza${dice.chars(BASE64URL, 35)}`;
    case 'gitlab':
      return `glpat-${dice.chars(BASE64URL, 20)}`;
    case 'gatehouse-live':
      return generateApiKey('live', (size) => dice.bytes(size)).key;
    case 'gatehouse-test':
      return generateApiKey('test', (size) => dice.bytes(size)).key;
    case 'jwt':
      return jwt(dice);
    case 'pem':
      return pemPrivateKey(dice);
  }
}

/** 40 base64 characters that mix cases and digits, as AWS secret access keys do. */
function awsSecretKey(dice: Dice): string {
  for (;;) {
    const key = dice.chars(BASE62 + '/+', 40);
    if (/[A-Z]/.test(key) && /[a-z]/.test(key) && /\d/.test(key)) return key;
  }
}

function uuid(dice: Dice): string {
  const hex = dice.chars('0123456789abcdef', 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${dice.pick(['8', '9', 'a', 'b'])}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const FIRST_NAMES = [
  'anna',
  'jonas',
  'marie',
  'lucas',
  'sofia',
  'mateo',
  'giulia',
  'noah',
  'emma',
  'liam',
  'yuki',
  'priya',
  'olivia',
  'pierre',
  'lena',
  'diego',
];
const LAST_NAMES = [
  'schmidt',
  'dubois',
  'garcia',
  'rossi',
  'smith',
  'jansen',
  'novak',
  'tanaka',
  'sharma',
  'oconnor',
  'silva',
  'berg',
  'kowalski',
  'moreau',
  'fischer',
  'lopez',
];
const DOMAINS = [
  'example.com',
  'acme.io',
  'mail.example.org',
  'firma.de',
  'entreprise.fr',
  'empresa.es',
  'azienda.it',
  'bedrijf.nl',
  'uni-hamburg.de',
  'company.co.uk',
  'startup.dev',
  'consulting.ch',
  'health.gov.au',
  'shop.example.net',
];

function email(dice: Dice): string {
  const first = dice.pick(FIRST_NAMES);
  const last = dice.pick(LAST_NAMES);
  const domain = dice.pick(DOMAINS);
  const local = dice.pick([
    `${first}.${last}`,
    `${first[0]}${last}`,
    `${first}_${last}${dice.int(1, 99)}`,
    `${first}+${dice.pick(['invoices', 'news', 'test'])}`,
    `${last}.${first}`,
    `${first}`,
  ]);
  const address = `${local}@${domain}`;
  return dice.chance(0.1) ? address.replace(/^./, (c) => c.toUpperCase()) : address;
}

// ─── The corpus ─────────────────────────────────────────────────────────────────────────────────────────────────

function buildCorpus(): PiiCorpusSample[] {
  const dice = new Dice(seededRandom(20261207));
  const corpus = new CorpusBuilder();

  // EMAIL, in sentences of several languages.
  const emailTemplates = [
    'Please send the signed contract to {} by Friday.',
    'Contact: {}',
    'You can reach me at {} if anything is unclear.',
    'Forwarded message from {}: see below.',
    'Bitte schicken Sie die Unterlagen an {}.',
    'Écrivez-moi à {} pour confirmer.',
    'Mi correo es {}, gracias.',
    'Scrivimi a {} quando puoi.',
    'Stuur de factuur naar {} alstublieft.',
    'cc: {}, {}',
    '<{}> wrote on Monday:',
    'mailto:{}',
    'Reply-To: "{}"',
  ];
  for (let i = 0; i < 70; i++) {
    const template = emailTemplates[i % emailTemplates.length] as string;
    const slots = template.split('{}').length - 1;
    const values = Array.from({ length: slots }, () => v('EMAIL', email(dice)));
    corpus.add('email', ['email'], fill(template, ...values));
  }

  // PHONE: national formats of the detector's regions, international formats everywhere.
  const phoneTemplates: Record<string, readonly string[]> = {
    en: [
      'Call me at {} tomorrow morning.',
      'My number is {}, text me anytime.',
      'Phone: {}',
      'Reach our support desk on {} (Mon–Fri).',
      'You can contact Sarah at {} or by email.',
    ],
    de: ['Rufen Sie mich unter {} an.', 'Tel.: {}', 'Meine Handynummer ist {}.', 'Erreichbar unter {} ab 9 Uhr.'],
    fr: ['Appelez-moi au {} demain.', 'Mon numéro : {}', 'Tél. {} (standard)'],
    es: ['Llámame al {} por la tarde.', 'Mi teléfono es {}.'],
    it: ['Chiamami al {} domani.', 'Il mio numero è {}.'],
    nl: ['Bel me op {} na vijf uur.', 'Mijn nummer is {}.'],
    ja: ['電話番号は{}です。'],
  };
  const languageOf: Record<string, string> = {
    DE: 'de',
    AT: 'de',
    CH: 'de',
    FR: 'fr',
    BE: 'fr',
    ES: 'es',
    IT: 'it',
    NL: 'nl',
    JP: 'ja',
  };
  for (let i = 0; i < 110; i++) {
    const national = i < 60;
    const region = national
      ? (NATIONAL_REGIONS[i % NATIONAL_REGIONS.length] as string)
      : (OTHER_REGIONS.concat(NATIONAL_REGIONS)[i % 34] as string);
    const type = dice.chance(0.5) ? PhoneNumberType.MOBILE : PhoneNumberType.FIXED_LINE;
    const number = phoneNumber(dice, region, type);
    const style: PhoneStyle = national
      ? region === 'US' || region === 'CA'
        ? dice.pick(['national', 'national', 'dashed', 'dotted'] as const)
        : 'national'
      : dice.pick([
          'international',
          'international',
          'e164',
          'idd',
          'dashed',
          ...(['GB', 'DE', 'CH', 'AT'].includes(region) ? (['trunk-in-parentheses'] as const) : []),
        ]);
    const formatted =
      style === 'dashed' && national
        ? formatPhone(number, 'national').replace(/^\((\d+)\) /, '$1-')
        : formatPhone(number, style);
    const language = languageOf[region] ?? 'en';
    const template = dice.pick(phoneTemplates[language] ?? phoneTemplates['en'] ?? []);
    corpus.add(
      'phone',
      ['phone', `phone:${region}`, `phone:${style}`, `lang:${language}`],
      fill(template, v('PHONE', formatted)),
    );
  }

  // CREDIT_CARD: every network, bare and grouped, some with an expiry date right after.
  const cardTemplates = [
    'My card number is {}, expiry 09/27.',
    'Please charge {} for the renewal.',
    'Karte: {} (gültig bis 11/26)',
    'Numéro de carte : {}',
    'Tarjeta {} caducada, ¿puedo usar otra?',
    'card={}&cvv=123',
    'Visa/MC: {} 08/28',
    'The customer paid with {} yesterday.',
  ];
  for (let i = 0; i < 80; i++) {
    const network = CARD_NETWORKS[i % CARD_NETWORKS.length] as CardNetworkSpec;
    const style = dice.pick(['bare', 'spaces', 'spaces', 'dashes'] as const);
    const template = cardTemplates[i % cardTemplates.length] as string;
    corpus.add(
      'card',
      ['card', `card:${network.name}`, `card:${style}`],
      fill(template, v('CREDIT_CARD', formatCard(cardDigits(dice, network), style))),
    );
  }

  // IBAN: many countries, paper and electronic forms.
  const ibanTemplates = [
    'Please transfer the deposit to {}.',
    'IBAN: {} BIC: {}',
    'Bankverbindung: {}, Kontoinhaber Max Mustermann',
    'Mon IBAN est {}, merci.',
    'Mi IBAN: {}',
    'Il mio IBAN è {}.',
    'Rekening {} t.n.v. J. Jansen',
    'Refund to {} please, reference 2024-118.',
  ];
  for (let i = 0; i < 80; i++) {
    const country = IBAN_COUNTRIES[i % IBAN_COUNTRIES.length] as string;
    const electronic = iban(dice, country);
    const value = v('IBAN', dice.chance(0.6) ? paperIban(electronic) : electronic);
    const template = ibanTemplates[i % ibanTemplates.length] as string;
    const parts = template.includes('BIC')
      ? fill(template, value, `${dice.chars(UPPER, 6)}${dice.chars(UPPER + DIGITS, 2)}XXX`)
      : fill(template, value);
    corpus.add('iban', ['iban', `iban:${country}`], parts);
  }

  // IP_ADDRESS: v4 and v6 in logs, configs and prose.
  const ipTemplates = [
    'The server at {} stopped answering after the deploy.',
    'Blocked {} after 5 failed logins.',
    'curl http://{}:8080/health returns 503',
    'Client IP {} - - [15/Jan/2024:10:30:00 +0000] "GET / HTTP/1.1" 200',
    'Allow traffic from {} only.',
    'Meine IP-Adresse ist {}.',
    'ssh admin@{}',
    'upstream backend { server {}; }',
  ];
  for (let i = 0; i < 80; i++) {
    const address = i % 3 === 2 ? ipv6(dice) : ipv4(dice);
    const template = ipTemplates[i % ipTemplates.length] as string;
    const shown = template.startsWith('curl') && address.includes(':') ? `[${address}]` : address;
    const parts = shown.startsWith('[')
      ? fill(template.replace('{}', '[{}]'), v('IP_ADDRESS', address))
      : fill(template, v('IP_ADDRESS', shown));
    corpus.add('ip', ['ip', address.includes(':') ? 'ip:v6' : 'ip:v4'], parts);
  }

  // US_SSN: dashed on its own, spaced and bare only where it is named.
  const ssnTemplates: readonly [string, '-' | ' ' | ''][] = [
    ['SSN: {}', '-'],
    ['My social security number is {}.', '-'],
    ['{} is the SSN on file for the applicant.', '-'],
    ['Employee SSN {} (verified)', ' '],
    ['SSN {}', ''],
    ['Social Security No. {} — please update the W-2.', ' '],
    ['Taxpayer ID: {}', '-'],
    ['Please confirm {} matches the card.', '-'],
  ];
  for (let i = 0; i < 70; i++) {
    const [template, separator] = ssnTemplates[i % ssnTemplates.length] as [string, '-' | ' ' | ''];
    const { area, group, serial } = ssn(dice);
    corpus.add(
      'ssn',
      ['ssn', `ssn:${separator === '' ? 'bare' : separator === ' ' ? 'spaced' : 'dashed'}`],
      fill(template, v('US_SSN', [area, group, serial].join(separator))),
    );
  }

  // SECRET: every provider format, in the places people paste them.
  const secretTemplates = [
    'export API_KEY={}',
    'Here is my key {} — why does it return 401?',
    'Authorization: Bearer {}',
    'const client = new Client({ apiKey: "{}" });',
    'token: {}',
    'Mein Schlüssel lautet {}, bitte prüfen.',
    "config['secret'] = '{}'",
  ];
  for (let i = 0; i < 108; i++) {
    const kind = SECRET_KINDS[i % SECRET_KINDS.length] as SecretKind;
    const value = secret(dice, kind);
    const template =
      kind === 'pem'
        ? 'This is the deploy key, keep it safe:\n{}\nThanks!'
        : (secretTemplates[i % secretTemplates.length] as string);
    corpus.add('secret', ['secret', `secret:${kind}`], fill(template, v('SECRET', value)));
  }
  // AWS key pairs: the id by its prefix, the secret key by its label or its id.
  for (let i = 0; i < 12; i++) {
    const id = v('SECRET', secret(dice, 'aws-key-id'));
    const key = v('SECRET', awsSecretKey(dice));
    const template = dice.pick([
      '[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n',
      'AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} aws s3 ls',
      'Access key {} with secret {} was leaked in the repo.',
    ]);
    corpus.add('secret', ['secret', 'secret:aws-pair'], fill(template, id, key));
  }

  // How people actually type numbers and keys: the same values in the layouts the formatters above do not produce.
  const variants: [string, Part[]][] = [
    ['phone:US', fill('Call {} toll free.', v('PHONE', '1 (800) 275-2273'))],
    ['phone:US', fill('Cell: {}', v('PHONE', '+1-415-555-2671'))],
    ['phone:US', fill('my number is {} call after 5', v('PHONE', '415 555 2671'))],
    ['phone:US', fill('Text me ({}) when you land.', v('PHONE', '+1 212 555 0147'))],
    ['phone:GB', fill('Mobile {} (UK)', v('PHONE', '07911 123456'))],
    ['phone:GB', fill('Office: {}', v('PHONE', '(020) 7946 0958'))],
    ['phone:GB', fill('Ring me on {}.', v('PHONE', '+44 7911 123 456'))],
    ['phone:DE', fill('Tel. {}', v('PHONE', '0171/2345678'))],
    ['phone:DE', fill('Telefon: {}', v('PHONE', '+49 (0) 30 901820'))],
    ['phone:DE', fill('Handy {}, Festnetz {}', v('PHONE', '0151 23456789'), v('PHONE', '089 12345678'))],
    ['phone:DE', fill('Rückruf bitte an {}.', v('PHONE', '+49 89 1234 5678'))],
    ['phone:DE', fill('Kontakt: Tel. {}, Fax {}', v('PHONE', '030 / 12 34 56-78'), v('PHONE', '030 / 12 34 56-99'))],
    ['phone:AT', fill('Meine Telefonnummer: {}, mobil {}', v('PHONE', '+43 1 5876543'), v('PHONE', '0664 1234567'))],
    ['phone:IT', fill('Numero verde {}, cellulare {}.', v('PHONE', '800 123 456'), v('PHONE', '347 123 4567'))],
    [
      'phone:ES',
      fill('Mi número es el {} y mi email {}', v('PHONE', '600 12 34 56'), v('EMAIL', 'pepe.garcia@correo.es')),
    ],
    ['phone:FR', fill('Appelle-moi au {} ou au {}.', v('PHONE', '06.12.34.56.78'), v('PHONE', '01-23-45-67-89'))],
    ['phone:FR', fill('Portable : {}', v('PHONE', '+33 (0)6 12 34 56 78'))],
    ['phone:IT', fill('Cellulare {}', v('PHONE', '+39 333 123 4567'))],
    ['phone:IT', fill('Ufficio {} int. 12', v('PHONE', '02 1234 5678'))],
    ['phone:NL', fill('Bel {} voor een afspraak.', v('PHONE', '06-12345678'))],
    ['phone:CH', fill('Tel. {}', v('PHONE', '044 668 18 00'))],
    ['phone:ES', fill('Llámame al {}.', v('PHONE', '612 345 678'))],
    ['phone:ES', fill('Teléfono: {}', v('PHONE', '+34 912 345 678'))],
    ['phone:AU', fill('Call {} anytime.', v('PHONE', '0412 345 678'))],
    ['phone:IN', fill('WhatsApp {}', v('PHONE', '+91 98765 43210'))],
    ['phone:JP', fill('携帯: {}', v('PHONE', '090-1234-5678'))],
    ['phone:BR', fill('Meu celular é {}.', v('PHONE', '+55 11 91234-5678'))],
    ['phone:PL', fill('Zadzwoń: {}', v('PHONE', '+48 512 345 678'))],
    ['phone:US', fill('Contact (p) {} (e) {}', v('PHONE', '650.253.0000'), v('EMAIL', 'press@example.com'))],
    ['email', fill('Email: {}', v('EMAIL', 'JOHN.DOE@EXAMPLE.COM'))],
    ['email', fill('{"email":"{}","verified":true}', v('EMAIL', 'a.b-c@sub.mail.example.org'))],
    ['email', fill('write to {}!', v('EMAIL', "o'brien".replace("'", '') + '@example.ie'))],
    ['email', fill('(at {})', v('EMAIL', 'x@y.io'))],
    ['card', fill('cc: {}.', v('CREDIT_CARD', '4111-1111-1111-1111'))],
    ['card', fill('{"card_number": "{}", "exp": "12/27"}', v('CREDIT_CARD', '5555555555554444'))],
    ['card', fill('Amex {} exp 02/29', v('CREDIT_CARD', '3782 822463 10005'))],
    ['card', fill('Kreditkarte {}; CVC 123', v('CREDIT_CARD', '4000 0566 5566 5556'))],
    ['iban', fill('IBAN:{}', v('IBAN', 'DE89370400440532013000'))],
    ['iban', fill('"iban": "{}"', v('IBAN', 'GB33 BUKB 2020 1555 5555 55'))],
    ['iban', fill('Compte {} (Société Générale)', v('IBAN', 'FR76 3000 6000 0112 3456 7890 189'))],
    ['ip', fill('X-Forwarded-For: {}, {}', v('IP_ADDRESS', '203.0.113.7'), v('IP_ADDRESS', '198.51.100.23'))],
    [
      'ip',
      fill('bind {}:443 and [{}]:443', v('IP_ADDRESS', '0.0.0.0'), v('IP_ADDRESS', '2001:db8:85a3::8a2e:370:7334')),
    ],
    ['ip', fill('route add {}/24 via {}', v('IP_ADDRESS', '10.8.0.0'), v('IP_ADDRESS', '10.8.0.1'))],
    ['ip', fill('Loopback is {} (or {}).', v('IP_ADDRESS', '127.0.0.1'), v('IP_ADDRESS', '::1'))],
    ['ssn', fill('SSN#{}', v('US_SSN', '536-22-1234'))],
    ['ssn', fill('ssn: {}', v('US_SSN', '536221234'))],
    ['ssn', fill('Social Security number {} (spouse)', v('US_SSN', '212 55 8712'))],
    ['secret', fill('{"api_key": "{}"}', v('SECRET', secret(dice, 'openai-project')))],
    ['secret', fill('OPENAI_API_KEY="{}"', v('SECRET', secret(dice, 'openai-legacy')))],
    ['secret', fill('curl -H "x-api-key: {}" https://api.example.com', v('SECRET', secret(dice, 'anthropic')))],
    [
      'secret',
      fill('git remote set-url origin https://{}@github.com/acme/app.git', v('SECRET', secret(dice, 'github-classic'))),
    ],
    [
      'secret',
      fill('STRIPE_SECRET_KEY={}\nSTRIPE_PUBLISHABLE_KEY=pk_live_abc', v('SECRET', secret(dice, 'stripe-live'))),
    ],
    ['secret', fill('slack_token = "{}"', v('SECRET', secret(dice, 'slack-bot')))],
    ['secret', fill('Authorization: Bearer {}', v('SECRET', secret(dice, 'gatehouse-live')))],
    ['secret', fill('id_token={}&state=xyz', v('SECRET', jwt(dice)))],
    ['secret', fill('maps key {}', v('SECRET', secret(dice, 'google')))],
    [
      'secret',
      fill(
        'webhook: {}',
        v(
          'SECRET',
          `https://hooks.slack.com/services/T${dice.chars(UPPER + DIGITS, 8)}/B${dice.chars(UPPER + DIGITS, 10)}/${dice.chars(BASE62, 24)}`,
        ),
      ),
    ],
  ];
  for (const [tag, parts] of variants) {
    // A hand-typed phone number is labelled only if libphonenumber, told its region, calls it valid.
    const region = tag.startsWith('phone:') ? tag.slice('phone:'.length) : null;
    for (const part of parts) {
      if (region === null || typeof part === 'string' || part.entity !== 'PHONE') continue;
      if (!phoneUtil.isValidNumber(phoneUtil.parse(part.text, region)))
        throw new Error(`${part.text}: not valid in ${region}`);
    }
    corpus.add('variant', ['variant', tag], parts);
  }

  // Several entities in one message.
  for (let i = 0; i < 40; i++) {
    const name = dice.pick(FIRST_NAMES);
    const region = dice.pick(['DE', 'GB', 'FR', 'US', 'NL', 'IT', 'ES']);
    const phone = v('PHONE', formatPhone(phoneNumber(dice, region, PhoneNumberType.MOBILE), 'international'));
    const mail = v('EMAIL', email(dice));
    const card = v('CREDIT_CARD', formatCard(cardDigits(dice, dice.pick(CARD_NETWORKS)), 'spaces'));
    const account = v('IBAN', paperIban(iban(dice, dice.pick(['DE', 'FR', 'NL', 'ES', 'IT', 'GB']))));
    const address = v('IP_ADDRESS', ipv4(dice));
    const templates: Part[][] = [
      fill(
        `Hi, this is ${name}. You can reach me at {} or {}. My card {} was charged twice on 2024-03-15.`,
        mail,
        phone,
        card,
      ),
      fill(
        'Customer record: email={}, phone={}, iban={}, last_login_ip={}, plan=pro, seats=12',
        mail,
        phone,
        account,
        address,
      ),
      fill(
        `Summarise this ticket: "${name} ({}) reports that login from {} fails since version 4.2.1. Callback: {}."`,
        mail,
        address,
        phone,
      ),
      fill('Refund order #100234 (total 1,299.00 EUR) to {} and notify {}.', account, mail),
    ];
    corpus.add('mixed', ['mixed'], dice.pick(templates));
  }

  addHardNegatives(corpus, dice);
  return corpus.samples;
}

/** A Luhn-valid 16-digit number starting with 1, which no card network issues. */
function luhnValidWithoutNetwork(dice: Dice): string {
  const payload = `1${dice.digits(14)}`;
  return payload + luhnCheckDigit(payload);
}

/** Look-alikes that must not be reported: each one a thing a naive pattern would take. */
function addHardNegatives(corpus: CorpusBuilder, dice: Dice): void {
  const negative = (kind: string, text: string) =>
    corpus.add('negative', ['hard-negative', `negative:${kind}`], [text]);

  // Versions and builds, dotted like IP addresses.
  for (const text of [
    'Upgrade from 1.2.3 to 2.0.0 before Friday.',
    'Chrome 120.0.6099.109 crashes on startup.',
    'We are on node v20.11.1 and npm 10.2.4.',
    'Firmware version 4.2.1.0 fixed the Wi-Fi bug.',
    'Windows build 10.0.19045.3803 is affected.',
    'The OID 1.3.6.1.4.1.2021 is not exposed.',
    'Bump lodash@4.17.21 and react@18.2.0.',
    'Release 10.0.0.1.5 is the last patch of the series.',
    'See section 4.3.2.1 of the spec.',
    'pip install numpy==1.26.4 pandas==2.2.0',
    'Docker image tag 1.25.3.2-alpine',
    'Kernel 6.1.0.17-amd64 panicked at boot.',
    'Version 3.11.4.150 of the agent is rolling out.',
    'Build v2.4.10.3 passed all checks.',
  ])
    negative('version', text);

  // Order, invoice, tracking and account numbers.
  for (let i = 0; i < 45; i++) {
    const template = dice.pick([
      `Order #${dice.digits(10)} has shipped.`,
      `Order number ${dice.digits(10)} was cancelled.`,
      `Invoice INV-2024-${dice.digits(6)} is overdue.`,
      `Tracking number 1Z${dice.chars(UPPER + DIGITS, 16)}`,
      `PO ${dice.digits(10)} approved by finance.`,
      `Customer ID ${dice.digits(9)}, contract ${dice.digits(8)}`,
      `Ticket ${dice.digits(7)}: printer on floor 3 jams.`,
      `Bestellnummer ${dice.digits(11)} – Lieferung am Montag.`,
      `Commande n° ${dice.digits(10)} expédiée.`,
      `Your confirmation code is ${dice.digits(12)}.`,
      `Reference ${dice.digits(4)}-${dice.digits(4)}-${dice.digits(4)}`,
    ]);
    negative('order-number', template);
  }

  // Dates, times and timestamps.
  for (let i = 0; i < 40; i++) {
    const year = dice.int(1990, 2030);
    const month = String(dice.int(1, 12)).padStart(2, '0');
    const day = String(dice.int(1, 28)).padStart(2, '0');
    const time = `${String(dice.int(0, 23)).padStart(2, '0')}:${String(dice.int(0, 59)).padStart(2, '0')}:${String(dice.int(0, 59)).padStart(2, '0')}`;
    negative(
      'date-time',
      dice.pick([
        `Meeting moved to ${year}-${month}-${day} at ${time.slice(0, 5)}.`,
        `Termin am ${day}.${month}.${year} um ${time.slice(0, 5)} Uhr.`,
        `Due ${month}/${day}/${year}, ${time} UTC`,
        `timestamp=${year}-${month}-${day}T${time}Z level=info msg="started"`,
        `Created at ${1_600_000_000 + dice.int(0, 99_999_999)} (unix), updated ${1_600_000_000_000 + dice.int(0, 99_999_999)}`,
        `Logged ${day}/${month}/${year} ${time}`,
        `Date: Mon, ${day} Jan ${year} ${time} +0000`,
        `Between ${year} and ${year + 3} revenue grew by ${dice.int(2, 40)} %.`,
      ]),
    );
  }

  // UUIDs and hashes: long hex strings with digits.
  for (let i = 0; i < 30; i++) {
    negative(
      'id-hash',
      dice.pick([
        `request_id=${uuid(dice)}`,
        `Commit ${dice.chars('0123456789abcdef', 40)} broke the build.`,
        `sha256: ${dice.chars('0123456789abcdef', 64)}`,
        `md5 ${dice.chars('0123456789abcdef', 32)}  archive.tar.gz`,
        `Trace ${dice.chars('0123456789abcdef', 32)} span ${dice.chars('0123456789abcdef', 16)}`,
        `Fixed in ${dice.chars('0123456789abcdef', 7)}; see PR #${dice.int(100, 9999)}.`,
      ]),
    );
  }

  // Product codes, ISBNs and other digit groups that look like phone numbers.
  for (const text of [
    'SKU 555-0199-22 is out of stock.',
    'Part no. 0800-123-45-A fits the 2019 model.',
    'Model XR-2000-5551234 replaces the XR-1000.',
    'P/N 12-3456-7890-00, qty 4',
    'ISBN 978-3-16-148410-0',
    'ISBN: 0-306-40615-2 (paperback)',
    'Serial number SN-0171-2345-678',
    'Lot 2023-0415-5526 expired.',
    'Art.-Nr. 030-901820-1',
    'Catalogue ref 06-12-34-56-78-90-11',
    'Use coupon code 4155-5526-71XY at checkout.',
    'GTIN 04012345123456',
    'Patent US 10,123,456 B2',
    'Product code 0044-2079-4609',
  ])
    negative('product-code', text);

  // Numbers in prose, amounts and measures.
  for (const text of [
    'We had 1 234 567 visitors last year.',
    'The population is roughly 83 200 000.',
    'It costs $1,299.99 or €1 199,00 incl. VAT.',
    'Revenue reached 4 155 552 671 USD.',
    'Coordinates: 48.8566, 2.3522',
    'The file is 2 147 483 648 bytes.',
    'Set the timeout to 30000 ms and retries to 5.',
    'Room 1204, building 7, floor 12.',
    'In 2023 we shipped 12 500 000 units to 48 countries.',
    'Pi is 3.14159265358979.',
    'Der Umsatz lag bei 12 345 678 €.',
    'Le budget est de 1 500 000 euros.',
    'Call volume rose from 120 000 to 340 000 per day.',
    'Matrix size 1024 x 768 x 3',
    'Take 2 tablets 3 times a day for 10 days.',
    'Scores: 98 87 91 78 85 90 72',
  ])
    negative('prose-number', text);

  // IP-shaped strings that are not addresses, and IPv6 look-alikes.
  for (const text of [
    'Upgrade to version 1.2.3.4 of the client.',
    'firmware 10.0.0.1 is vulnerable',
    'Octets must be below 256: 300.1.2.3 is wrong.',
    'Leading zeros like 010.001.002.003 are ambiguous.',
    'std::vector<int> v; std::map<std::string, int> m;',
    'The meeting is at 12:30:45 sharp.',
    'MAC address 00:1A:2B:3C:4D:5E',
    'Ratio 16:9, aspect 4:3',
    'Foo::Bar::baz() is deprecated.',
    'Use a::b to refer to the nested module.',
    'Time code 01:02:03:04 in the edit.',
  ])
    negative('ip-lookalike', text);

  // Card look-alikes: wrong check digit, unknown network, wrong grouping.
  for (let i = 0; i < 20; i++) {
    const digits = cardDigits(dice, dice.pick(CARD_NETWORKS));
    const wrong = digits.slice(0, -1) + String((Number(digits.at(-1)) + dice.int(1, 9)) % 10);
    negative(
      'card-lookalike',
      dice.pick([
        `Card ${formatCard(wrong, 'spaces')} was declined.`,
        `Account ${luhnValidWithoutNetwork(dice)}`,
        `Number ${formatCard(`9${dice.digits(15)}`, 'spaces')}`,
        `Code ${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`,
        `Card ${formatCard(wrong, 'bare')}`,
      ]),
    );
  }

  // IBAN look-alikes: wrong check digits, unknown country, wrong length.
  for (let i = 0; i < 20; i++) {
    const country = dice.pick(IBAN_COUNTRIES);
    const electronic = iban(dice, country);
    negative(
      'iban-lookalike',
      dice.pick([
        `IBAN ${paperIban(brokenIban(electronic))} (typo?)`,
        `Account ${brokenIban(electronic)}`,
        `Reference XX${electronic.slice(2)}`,
        `IBAN: ${paperIban(electronic.slice(0, -2))}`,
        `Code ${electronic}7`,
      ]),
    );
  }

  // SSN look-alikes: numbers the SSA never assigns, and SSN-shaped numbers named as something else.
  for (const text of [
    'SSN 000-12-3456 is not valid.',
    'SSN 666-12-3456 was rejected.',
    'ITIN 912-34-5678 belongs to a non-resident.',
    'SSN: 123-00-4567',
    'SSN: 123-45-0000',
    'The famous 078-05-1120 from the wallet insert.',
    'Part 219-45-6789 ships next week.',
    'Order #536-22-1234 confirmed.',
    'Call 536 22 1234 for details.',
    'Reference 536221234 on the invoice.',
    'Case number 401-22-7731 was closed.',
    'SKU 123-45-6789-B',
  ])
    negative('ssn-lookalike', text);

  // Secret look-alikes: placeholders, words, public keys and certificates, truncated tokens.
  for (const text of [
    'Install sk-learn? You mean scikit-learn.',
    'The task-force-2024 meets on Tuesdays.',
    'Set OPENAI_API_KEY=sk-... in your .env file.',
    'Use sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx as a placeholder.',
    'sk-this-is-definitely-not-a-real-key-just-some-words',
    'Replace ghp_your_token_here with your token.',
    'The header starts with eyJhbGciOi and is cut off.',
    'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl is not a JWT: its header names no alg.',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----',
    'Slack tokens start with xoxb- followed by digits.',
    'Stripe keys look like sk_live_... and must stay on the server.',
    'AKIA is the prefix of AWS access key ids.',
    'Our gh_live_ keys are shown once after creation.',
    'The word ASIAN is not a key, nor is AKIAMOUNTAIN.',
    'glpat- tokens expire after a year.',
    'AIza is how Google API keys begin.',
    'xoxp-user-token-goes-here',
  ])
    negative('secret-lookalike', text);

  // Email look-alikes.
  for (const text of [
    'Run it as user@localhost first.',
    'Thanks @maria for the review!',
    'Save the retina image as icon@2x.png and logo@3x.svg.',
    'git clone git@github.com:acme/widgets.git',
    'npm i @types/node@20.11.5',
    'Decorators like @Injectable() and @Module({}) configure Nest.',
    'Price: 3 items @ 4.99 each.',
    'Email us at support [at] example [dot] com.',
  ])
    negative('email-lookalike', text);

  // Phone look-alikes: phone-shaped but invalid in every region (libphonenumber is asked, below), or not phone
  // numbers at all.
  for (const [text, shaped] of [
    ['Call +1 555 555 5555 in the movie.', '+1 555 555 5555'],
    ['Dial +1 800 000 0000 for nothing.', '+1 800 000 0000'],
    ['Fake number 000-000-0000 on the form.', '+1 000-000-0000'],
    ['Try +49 0000 000000 again.', '+49 0000 000000'],
    ['+1 (123) 456-7890 is a placeholder, not a number.', '+1 (123) 456-7890'],
    ['Phone: 123-456-7890 (example)', '+1 123-456-7890'],
    ['Extension 4471 or room 2231.', null],
    ['Batch 020-7946-0958-X failed QA.', null],
  ] as const) {
    if (shaped !== null && phoneUtil.isValidNumber(phoneUtil.parse(shaped, 'ZZ'))) {
      throw new Error(`${shaped} is a valid number: not a look-alike`);
    }
    negative('phone-lookalike', text);
  }
  corpus.add(
    'ip',
    ['ip', 'ip:v4', 'hard-negative', 'negative:phone-lookalike'],
    [
      'IP ',
      v('IP_ADDRESS', '192.168.100.200'),
      ' and ',
      v('IP_ADDRESS', '10.20.30.40'),
      ' (twelve digits in dotted groups, not a phone number)',
    ],
  );

  // Random digits in phone layouts that no region the detector knows calls valid (libphonenumber is asked for
  // each): the detector must rely on validity, not on the layout.
  for (let made = 0; made < 40;) {
    const shaped = dice.pick([
      `(${dice.digits(3)}) ${dice.digits(3)}-${dice.digits(4)}`,
      `${dice.digits(3)}-${dice.digits(3)}-${dice.digits(4)}`,
      `0${dice.digits(3)} ${dice.digits(6)}`,
      `0${dice.digits(1)} ${dice.digits(2)} ${dice.digits(2)} ${dice.digits(2)} ${dice.digits(2)}`,
      `+${dice.pick(['1', '44', '49', '33', '39', '34'])} ${dice.digits(3)} ${dice.digits(3)} ${dice.digits(4)}`,
    ]);
    const validSomewhere = NATIONAL_REGIONS.some((region) => {
      try {
        return phoneUtil.isValidNumber(phoneUtil.parse(shaped, region));
      } catch {
        return false;
      }
    });
    if (validSomewhere) continue;
    made++;
    negative(
      'invalid-phone',
      dice.pick([`Call ${shaped} now.`, `Tel.: ${shaped}`, `My number is ${shaped}.`, `${shaped}`]),
    );
  }

  // Postal codes, flight numbers, coordinates and other numbers of everyday messages.
  for (const text of [
    'I was born on 04/07/1985 and my zip code is 90210-1234.',
    'Beverly Hills, CA 90210-1234, USA',
    'Flight LH 400 departs 10:35 from gate B 42; booking ref X7K9QP.',
    'The invoice total is 1.234.567,89 € payable by 31.12.2024.',
    'Coordinates 40.7128° N, 74.0060° W; elevation 10 m.',
    'SELECT * FROM users WHERE id = 1234567890 AND created_at > 1700000000;',
    'The ratio was 3:2:1 and the scores 7-5 6-4.',
    'Model number RTX-4090-24G, serial 2315-8846-1123-0071',
    'The build number is 20240315.1423 and the PR is #18234.',
    'ISBN 978-0-13-468599-1, pages 1-412, printed 2019.',
  ])
    negative('everyday-number', text);

  // Numbers in data and logs.
  for (let i = 0; i < 25; i++) {
    negative(
      'data-number',
      dice.pick([
        `took ${dice.int(1, 9999)} ms, ${dice.int(1, 999)} rows, ${dice.int(1, 99)}.${dice.digits(2)} % cpu`,
        `lat ${dice.int(-89, 89)}.${dice.digits(6)}, lon ${dice.int(-179, 179)}.${dice.digits(6)}`,
        `${dice.digits(4)},${dice.digits(3)},${dice.digits(5)},${dice.digits(2)},${dice.digits(6)}`,
        `Balance: ${dice.int(1, 999)} ${dice.digits(3)} ${dice.digits(3)},${dice.digits(2)} EUR`,
        `temperatures ${dice.int(10, 30)}.${dice.digits(1)} ${dice.int(10, 30)}.${dice.digits(1)} ${dice.int(10, 30)}.${dice.digits(1)} ${dice.int(10, 30)}.${dice.digits(1)}`,
        `port ${dice.int(1024, 65535)} pid ${dice.int(100, 99999)} uid ${dice.int(1000, 65000)}`,
      ]),
    );
  }

  // Plain prose of the kind prompts are made of.
  for (const text of [
    'Summarise the following article in three bullet points.',
    'Write a haiku about autumn in Kyoto.',
    'Explain the difference between TCP and UDP to a ten-year-old.',
    'Translate "good morning, how are you?" into German and French.',
    'What is the capital of Australia, and why is it not Sydney?',
    'Refactor this function to use async/await instead of callbacks.',
    'Ignore the noise in this data and find the trend.',
    'Give me 5 ideas for a birthday party for 8-year-olds.',
    'Compare the 2020 and 2024 election turnout in 3 sentences.',
    'Draft a polite reply declining the invitation for 14 March.',
  ])
    negative('prose', text);
}

const corpusPath = path.join(__dirname, 'pii-corpus.jsonl');

export function generatePiiCorpus(): string {
  return buildCorpus()
    .map((sample) => JSON.stringify(sample))
    .join('\n')
    .concat('\n');
}

if (require.main === module) {
  writeFileSync(corpusPath, generatePiiCorpus());
  console.log(`wrote ${corpusPath}`);
}
