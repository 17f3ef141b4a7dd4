import { forwardedPath, normalizeUpstreamPath, parseProductUrl, queryProblem } from './forwarded-path';

describe('parseProductUrl', () => {
  it('splits slug, path and query, leaving them encoded', () => {
    expect(parseProductUrl('/apis/weather/v1/cities/S%C3%A3o%20Paulo?units=metric&q=a%2Fb')).toEqual({
      slug: 'weather',
      rest: '/v1/cities/S%C3%A3o%20Paulo',
      query: 'units=metric&q=a%2Fb',
    });
  });

  it('accepts the product root, with or without a slash, and an empty query', () => {
    expect(parseProductUrl('/apis/weather')).toEqual({ slug: 'weather', rest: '', query: undefined });
    expect(parseProductUrl('/apis/weather/?')).toEqual({ slug: 'weather', rest: '/', query: undefined });
  });

  it('refuses what is not an origin-form /apis/ target', () => {
    for (const url of ['http://evil.example/apis/weather/x', '/apis/', '/apis//x', '/apis/weather/x#frag', '/v1/x']) {
      expect(parseProductUrl(url)).toBeNull();
    }
  });
});

describe('normalizeUpstreamPath', () => {
  it('gives one leading slash and no trailing one, or nothing', () => {
    expect(normalizeUpstreamPath('/v2')).toBe('/v2');
    expect(normalizeUpstreamPath('v2/')).toBe('/v2');
    expect(normalizeUpstreamPath('/api/v2///')).toBe('/api/v2');
    expect(normalizeUpstreamPath('/')).toBe('');
    expect(normalizeUpstreamPath('')).toBe('');
    expect(normalizeUpstreamPath(null)).toBe('');
  });

  it('refuses a configured path that could climb out of the origin root', () => {
    for (const path of ['/v2/..', '/%2e%2e/admin', '//evil.example', '/a b', '/a\\b']) {
      expect(normalizeUpstreamPath(path)).toBeNull();
    }
  });
});

describe('forwardedPath', () => {
  it('joins the prefix and the client path, keeping encodings and trailing slashes', () => {
    expect(forwardedPath('/v2', '/items/42')).toEqual({ ok: true, path: '/v2/items/42' });
    expect(forwardedPath('/v2', '/items/')).toEqual({ ok: true, path: '/v2/items/' });
    expect(forwardedPath('/v2', '/a%20b/%C3%A9')).toEqual({ ok: true, path: '/v2/a%20b/%C3%A9' });
    expect(forwardedPath('/v2', '/file.json/...x/a..b')).toEqual({ ok: true, path: '/v2/file.json/...x/a..b' });
    expect(forwardedPath('/v2', '/100%2541')).toEqual({ ok: true, path: '/v2/100%2541' });
    expect(forwardedPath('/v2', '/@evil.example/x:y')).toEqual({ ok: true, path: '/v2/@evil.example/x:y' });
  });

  it('maps the product root to the prefix, or to / without one', () => {
    expect(forwardedPath('/v2', '')).toEqual({ ok: true, path: '/v2' });
    expect(forwardedPath('/v2', '/')).toEqual({ ok: true, path: '/v2/' });
    expect(forwardedPath('', '')).toEqual({ ok: true, path: '/' });
    expect(forwardedPath('', '/x')).toEqual({ ok: true, path: '/x' });
  });

  it.each([
    ['a dot-dot segment', '/../admin'],
    ['a trailing dot-dot', '/items/..'],
    ['a dot segment', '/./items'],
    ['an encoded dot-dot', '/%2e%2e/admin'],
    ['a half-encoded dot-dot', '/.%2E/admin'],
    ['an encoded slash', '/items%2F..%2Fadmin'],
    ['an encoded backslash', '/items%5c..'],
    ['a double-encoded dot', '/%252e%252e/admin'],
    ['a triple-encoded slash', '/a%25252fb'],
    ['dots encoded digit by digit', '/%25%32%65%25%32%65/admin'],
    ['a network-path reference', '//evil.example/x'],
    ['an absolute URL', '/http://evil.example/x'],
    ['an empty segment', '/items//42'],
    ['a backslash', '/items\\..\\admin'],
    ['a space', '/a b'],
    ['a control character', '/a\u0000b'],
    ['a raw non-ASCII character', '/caf\u00e9'],
    ['a malformed escape', '/a%zzb'],
    ['a truncated escape', '/a%2'],
    ['no leading slash', 'items'],
  ])('refuses %s', (_name, rest) => {
    expect(forwardedPath('/v2', rest)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});

describe('queryProblem', () => {
  it('lets any query through but one that would break the request line', () => {
    expect(queryProblem(undefined)).toBeNull();
    expect(queryProblem('filter[name]=a|b&x=%2F..%2F&y={"z":1}')).toBeNull();
    expect(queryProblem('a=b c')).not.toBeNull();
    expect(queryProblem('a=b\r\nHost: evil')).not.toBeNull();
  });
});
