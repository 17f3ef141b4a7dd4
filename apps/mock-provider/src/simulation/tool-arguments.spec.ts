import Ajv from 'ajv';
import { toolArguments } from './tool-arguments';

const ajv = new Ajv({ allErrors: true, format: 'full' });

function expectValid(schema: Record<string, unknown>): Record<string, unknown> {
  const value = toolArguments(schema);
  const validate = ajv.compile(schema);
  expect({ valid: validate(value), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  return value;
}

describe('toolArguments', () => {
  it('fills every declared property, named after it, in declaration order', () => {
    const value = expectValid({
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1, maximum: 14 },
        metric: { type: 'boolean' },
      },
      required: ['city'],
      additionalProperties: false,
    });
    expect(value).toEqual({ city: 'mock city', days: 1, metric: true });
    expect(Object.keys(value)).toEqual(['city', 'days', 'metric']);
  });

  it('is valid for enums, consts, bounds, formats, nullable types, arrays and nested objects', () => {
    const value = expectValid({
      type: 'object',
      properties: {
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        kind: { const: 'forecast' },
        code: { type: 'string', minLength: 12, maxLength: 12 },
        short: { type: 'string', maxLength: 3 },
        when: { type: 'string', format: 'date-time' },
        email: { type: 'string', format: 'email' },
        id: { type: 'string', format: 'uuid' },
        note: { type: ['null', 'string'] },
        ratio: { type: 'number', exclusiveMinimum: 2.5, maximum: 3 },
        negative: { type: 'integer', maximum: -5 },
        even: { type: 'integer', minimum: 3, multipleOf: 2 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        none: { type: 'array', items: { type: 'string' }, maxItems: 0 },
        pair: { type: 'array', items: [{ type: 'integer' }, { type: 'boolean' }] },
        either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
        location: {
          type: 'object',
          properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, label: {} },
          required: ['lat', 'label'],
        },
      },
      required: ['unit', 'kind', 'code', 'location'],
    });
    expect(value).toMatchObject({
      unit: 'celsius',
      kind: 'forecast',
      code: 'mock codexxx',
      short: 'moc',
      note: 'mock note',
      negative: -5,
      even: 4,
      tags: ['mock tags', 'mock tags'],
      none: [],
      pair: [1, true],
      either: 1,
      location: { lat: 1, label: 'mock label' },
    });
  });

  it('answers an empty object for a tool without a schema or properties', () => {
    expect(toolArguments(undefined)).toEqual({});
    expect(expectValid({ type: 'object' })).toEqual({});
  });

  it('is a pure function of the schema', () => {
    const schema = { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } } };
    expect(JSON.stringify(toolArguments(schema))).toBe(JSON.stringify(toolArguments(structuredClone(schema))));
  });
});
