import { z } from 'zod';
import { EMPTY_KEY_METADATA, keyMetadataSchema, MAX_KEY_LABELS, readKeyMetadata } from './key-metadata';

const issuesOf = (input: unknown) =>
  (keyMetadataSchema.safeParse(input).error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));

describe('keyMetadataSchema', () => {
  it('accepts names of lower-case letters, digits, dots, underscores and dashes, and values of 1 to 256 characters', () => {
    const labels = { team: 'search', 'cost-centre.v2': 'CC 42 / Zoë', a: 'x', ['b'.repeat(63)]: 'y'.repeat(256) };
    expect(keyMetadataSchema.parse(labels)).toEqual(labels);
    expect(keyMetadataSchema.parse({})).toEqual({});
  });

  it.each([
    ['an upper-case letter', 'Team'],
    ['a leading digit', '1team'],
    ['a leading dot', '.team'],
    ['a space', 'my team'],
    ['an empty name', ''],
    ['a name of 64 characters', 'a'.repeat(64)],
    ['a prototype name', '__proto__x'],
  ])('refuses a name with %s, at the label', (_label, name) => {
    expect(issuesOf({ [name]: 'x' })).toEqual([
      { path: name, message: expect.stringMatching(/^label name must start/) },
    ]);
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a line feed', 'a\nb'],
    ['a C1 control', 'a\u0085b'],
    ['a bidirectional override', 'a\u202Eb'],
  ])('refuses a value with %s', (_label, value) => {
    expect(issuesOf({ team: value })).toEqual([{ path: 'team', message: expect.stringMatching(/control characters/) }]);
  });

  it('refuses an empty or too long value, a value that is not a string, and more than 20 labels', () => {
    expect(issuesOf({ team: '' })).toEqual([{ path: 'team', message: 'must not be empty' }]);
    expect(issuesOf({ team: 'x'.repeat(257) })).toEqual([
      { path: 'team', message: expect.stringMatching(/at most 256/) },
    ]);
    expect(issuesOf({ team: 5 })).toHaveLength(1);
    expect(issuesOf(['team'])).toHaveLength(1);
    const labels = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`l${i}`, 'v']));
    expect(issuesOf(labels(MAX_KEY_LABELS))).toEqual([]);
    expect(issuesOf(labels(MAX_KEY_LABELS + 1))).toEqual([{ path: '', message: 'at most 20 labels' }]);
  });

  it('tells the JSON Schema (and so the OpenAPI document) the limits', () => {
    expect(z.toJSONSchema(keyMetadataSchema)).toMatchObject({
      type: 'object',
      maxProperties: MAX_KEY_LABELS,
      propertyNames: { pattern: '^[a-z][a-z0-9_.-]{0,62}$' },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 256 },
    });
  });
});

describe('readKeyMetadata', () => {
  it('reads the stored labels by name, and shares one frozen empty object for keys without any', () => {
    expect(readKeyMetadata({ team: 'search', env: 'prod' })).toEqual({ env: 'prod', team: 'search' });
    expect(Object.keys(readKeyMetadata({ team: 'search', env: 'prod' }))).toEqual(['env', 'team']);
    for (const stored of [{}, null, undefined, [], 'team', { Team: 'x', ok: 5 }]) {
      expect(readKeyMetadata(stored)).toBe(EMPTY_KEY_METADATA);
    }
    expect(Object.isFrozen(EMPTY_KEY_METADATA)).toBe(true);
  });

  it('keeps only well-formed labels of a document written by hand', () => {
    expect(readKeyMetadata({ team: 'search', Bad: 'x', empty: '', nul: 'a\u0000' })).toEqual({ team: 'search' });
  });
});
