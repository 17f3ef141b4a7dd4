import { generateApiKey, hashApiKey } from '@gatehouse/domain';
import { extractApiKey } from './api-key-extractor';

describe('extractApiKey', () => {
  const { key } = generateApiKey('live');
  const other = generateApiKey('test').key;

  it('reads Authorization: Bearer (any case of the scheme)', () => {
    expect(extractApiKey({ authorization: `Bearer ${key}` })).toEqual({ kind: 'key', key, hash: hashApiKey(key) });
    expect(extractApiKey({ authorization: `bearer  ${key}` })).toMatchObject({ kind: 'key', key });
  });

  it('reads x-api-key, then api-key', () => {
    expect(extractApiKey({ 'x-api-key': key })).toMatchObject({ kind: 'key', key });
    expect(extractApiKey({ 'api-key': key })).toMatchObject({ kind: 'key', key });
    expect(extractApiKey({ 'x-api-key': key, 'api-key': other })).toMatchObject({ key });
  });

  it('prefers Authorization over the other headers', () => {
    expect(extractApiKey({ authorization: `Bearer ${other}`, 'x-api-key': key })).toMatchObject({ key: other });
  });

  it('ignores a non-Bearer Authorization and falls back to the other headers', () => {
    expect(extractApiKey({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': key })).toMatchObject({ key });
    expect(extractApiKey({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual({ kind: 'missing' });
  });

  it('answers missing without any key header, or with an empty one', () => {
    expect(extractApiKey({})).toEqual({ kind: 'missing' });
    expect(extractApiKey({ 'x-api-key': '' })).toEqual({ kind: 'missing' });
  });

  it('answers malformed for a wrong prefix, length, alphabet or checksum, without hashing', () => {
    const typo = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    for (const bad of [
      typo,
      key.slice(0, -1),
      `${key}x`,
      key.replace('gh_live_', 'gh_prod_'),
      'sk-123',
      `${key.slice(0, -1)}-`,
    ]) {
      expect(extractApiKey({ authorization: `Bearer ${bad}` })).toEqual({ kind: 'malformed' });
    }
  });
});
