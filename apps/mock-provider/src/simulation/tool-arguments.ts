/**
 * Deterministic arguments for a tool call, valid for the tool's JSON Schema: a pure function of the schema, so a
 * test can predict them. It covers what tool schemas use in practice (types, `properties`, `items`, `enum`,
 * `const`, bounds, common string formats); `$ref`, `pattern`, `not` and `uniqueItems` are not followed. See the README.
 */
type Schema = Record<string, unknown>;

/** Objects and arrays nested deeper than this are left empty: a pathological schema cannot exhaust the stack. */
const MAX_DEPTH = 16;

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'mock@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

/** The arguments object of a call: the value of the tool's schema, an object when the schema says nothing. */
export function toolArguments(schema: unknown): Record<string, unknown> {
  const value = valueOf(asSchema(schema), 'value', 0);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asSchema(schema: unknown): Schema {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as Schema) : {};
}

/** `hint` is the property name the value is for, which makes string values readable (`"mock city"`). */
function valueOf(schema: Schema, hint: string, depth: number): unknown {
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0) return valueOf(asSchema(branches[0]), hint, depth);
  }
  switch (typeOf(schema)) {
    case 'object':
      return depth >= MAX_DEPTH ? {} : objectValue(schema, depth);
    case 'array':
      return depth >= MAX_DEPTH ? [] : arrayValue(schema, hint, depth);
    case 'integer':
      return numberValue(schema, true);
    case 'number':
      return numberValue(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringValue(schema, hint);
  }
}

/** The schema's type; of a list, the first that is not `null`; without one, guessed from its keywords. */
function typeOf(schema: Schema): string {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string');
    return types.find((entry) => entry !== 'null') ?? types[0] ?? 'string';
  }
  if ('properties' in schema) return 'object';
  if ('items' in schema) return 'array';
  return 'string';
}

/** Every declared property, required or not, in declaration order. */
function objectValue(schema: Schema, depth: number): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(asSchema(schema['properties']))) {
    value[name] = valueOf(asSchema(property), name, depth + 1);
  }
  return value;
}

/** One item (or `minItems` of them), or none when `maxItems` is 0; a tuple's `items` list gives one of each. */
function arrayValue(schema: Schema, hint: string, depth: number): unknown[] {
  const items = schema['items'];
  if (Array.isArray(items)) return items.map((item) => valueOf(asSchema(item), hint, depth + 1));
  const count = Math.min(Math.max(numberOr(schema['minItems'], 1), 1), numberOr(schema['maxItems'], Infinity));
  return Array.from({ length: count }, () => valueOf(asSchema(items), hint, depth + 1));
}

/** 1 when the bounds allow it, else the nearest value inside them (a multiple of `multipleOf` where set). */
function numberValue(schema: Schema, integer: boolean): number {
  const step = numberOr(schema['multipleOf'], integer ? 1 : 0);
  const exclusiveMinimum = schema['exclusiveMinimum'];
  const exclusiveMaximum = schema['exclusiveMaximum'];
  let low = numberOr(schema['minimum'], -Infinity);
  let high = numberOr(schema['maximum'], Infinity);
  if (typeof exclusiveMinimum === 'number') low = Math.max(low, exclusiveMinimum + (step || 1e-9));
  if (typeof exclusiveMaximum === 'number') high = Math.min(high, exclusiveMaximum - (step || 1e-9));
  let value = Math.min(Math.max(1, low), high);
  if (step > 0) {
    value = Math.ceil(value / step) * step;
    if (value > high) value -= step;
  }
  return value;
}

/** A known format's example, else `mock <property name>`, padded with `x` to `minLength` and cut to `maxLength`. */
function stringValue(schema: Schema, hint: string): string {
  const format = schema['format'];
  let value = (typeof format === 'string' ? FORMAT_EXAMPLES[format] : undefined) ?? `mock ${hint}`;
  const minLength = numberOr(schema['minLength'], 0);
  if (value.length < minLength) value = value.padEnd(minLength, 'x');
  return value.slice(0, numberOr(schema['maxLength'], Infinity));
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
