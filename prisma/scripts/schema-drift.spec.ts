import { type DmmfDatamodel } from './load-dmmf';
import { defaultConstraintName, diffSchemas, expectedSchema } from './schema-drift';

describe('defaultConstraintName', () => {
  it('follows Prisma: <table>_<columns>_<suffix>', () => {
    expect(defaultConstraintName('users', ['email'], 'key')).toBe('users_email_key');
    expect(defaultConstraintName('memberships', ['user_id', 'tenant_id'], 'key')).toBe(
      'memberships_user_id_tenant_id_key',
    );
    expect(defaultConstraintName('users', ['id'], 'pkey')).toBe('users_pkey');
  });

  it('cuts names to the 63 bytes Postgres keeps', () => {
    const name = defaultConstraintName(
      'a_long_table_name',
      ['first_long_column', 'second_long_column', 'third'],
      'idx',
    );
    expect(name).toHaveLength(63);
    expect(name.endsWith('_idx')).toBe(true);
  });
});

const field = (overrides: Record<string, unknown>) => ({
  kind: 'scalar',
  isList: false,
  isRequired: true,
  isId: false,
  isUpdatedAt: false,
  hasDefaultValue: false,
  ...overrides,
});

const dmmf = {
  enums: [{ name: 'Status', dbName: 'status', values: [{ name: 'ON', dbName: null }] }],
  models: [
    {
      name: 'Thing',
      dbName: 'things',
      primaryKey: null,
      fields: [
        field({
          name: 'id',
          type: 'String',
          nativeType: ['Uuid', []],
          isId: true,
          hasDefaultValue: true,
          default: { name: 'dbgenerated', args: ['gen_random_uuid()'] },
        }),
        field({ name: 'status', kind: 'enum', type: 'Status', hasDefaultValue: true, default: 'ON' }),
        field({ name: 'tags', type: 'String', isList: true, hasDefaultValue: true, default: [] }),
        field({
          name: 'priceUsd',
          dbName: 'price_usd',
          type: 'Decimal',
          nativeType: ['Decimal', ['18', '6']],
          isRequired: false,
        }),
      ],
    },
  ],
  indexes: [{ model: 'Thing', type: 'id', fields: [{ name: 'id' }] }],
} as unknown as DmmfDatamodel;

describe('expectedSchema', () => {
  it('maps Prisma fields to the columns Prisma Migrate would create', () => {
    expect(expectedSchema(dmmf)).toEqual({
      enums: { status: ['ON'] },
      tables: {
        things: {
          columns: {
            id: { type: 'uuid', nullable: false, default: 'gen_random_uuid()' },
            status: { type: 'enum:status', nullable: false, default: "'ON'::status" },
            tags: { type: 'text[]', nullable: true, default: 'ARRAY[]::text[]' },
            price_usd: { type: 'numeric(18,6)', nullable: true, default: null },
          },
          indexes: ['primary things_pkey (id)'],
          foreignKeys: [],
        },
      },
    });
  });

  it('diffs to nothing against itself', () => {
    expect(diffSchemas(expectedSchema(dmmf), expectedSchema(dmmf))).toEqual([]);
  });
});
