import { detectEmails } from './email.detector';

const texts = (input: string) => detectEmails(input).map((finding) => finding.text);

describe('detectEmails', () => {
  it('finds addresses in prose, lists, headers and markup, without the punctuation around them', () => {
    expect(texts('Send it to anna.schmidt@firma.de.')).toEqual(['anna.schmidt@firma.de']);
    expect(texts('cc: a.b-c@sub.mail.example.org, JOHN.DOE@EXAMPLE.COM')).toEqual([
      'a.b-c@sub.mail.example.org',
      'JOHN.DOE@EXAMPLE.COM',
    ]);
    expect(texts('<lena+news@startup.dev> wrote:')).toEqual(['lena+news@startup.dev']);
    expect(texts('mailto:x@y.io')).toEqual(['x@y.io']);
  });

  it('reports UTF-16 offsets that cut the address out of the input', () => {
    const input = '👋 Grüße an jonas@example.com';
    const [finding] = detectEmails(input);
    expect(finding).toBeDefined();
    expect(input.slice(finding?.start, finding?.end)).toBe('jonas@example.com');
  });

  it.each([
    ['a mention', 'Thanks @maria for the review!'],
    ['a scoped package', 'npm i @types/node'],
    ['a package version', 'Bump react@18.2.0 and lodash@4.17.21'],
    ['a host without a domain', 'Run it as user@localhost first.'],
    ['retina image names', 'Save icon@2x.png and logo@3x.svg'],
    ['an SSH remote', 'git clone git@github.com:acme/widgets.git'],
    ['credentials in a URL', 'https://deploy:hunter2@db.example.com/app'],
    ['a price per item', '3 items @ 4.99 each'],
    ['a local part starting with a dot run', '..@example.com'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
