import type pg from 'pg';
import { type DmmfDatamodel, type DmmfField, type DmmfModel } from './load-dmmf';

/**
 * The database shape both sides reduce to, so a difference reads as one line: table by table, column by
 * column (type, nullability, default), then indexes, foreign keys and enums.
 */
export interface ColumnShape {
  type: string;
  nullable: boolean;
  default: string | null;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  /** `primary|unique|index <name> (<col>, ...)`, sorted. */
  indexes: string[];
  /** `<name> (<col>, ...) -> <table>(<col>, ...) ON DELETE <action> ON UPDATE <action>`, sorted. */
  foreignKeys: string[];
}

export interface SchemaShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
}

const POSTGRES_MAX_IDENTIFIER = 63;

/** Prisma's default constraint name: `<table>_<columns>_<suffix>`, cut to fit Postgres's 63-byte limit. */
export function defaultConstraintName(
  table: string,
  columns: string[],
  suffix: 'pkey' | 'key' | 'idx' | 'fkey',
): string {
  const tail = `_${suffix}`;
  const base = suffix === 'pkey' ? table : `${table}_${columns.join('_')}`;
  return `${base.slice(0, POSTGRES_MAX_IDENTIFIER - tail.length)}${tail}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What the Prisma schema says

export function expectedSchema(dmmf: DmmfDatamodel): SchemaShape {
  const enumDbNames = new Map(dmmf.enums.map((item) => [item.name, item.dbName ?? item.name]));
  const models = new Map(dmmf.models.map((model) => [model.name, model]));
  const tables: Record<string, TableShape> = {};

  for (const model of dmmf.models) {
    const table = tableName(model);
    const columns: Record<string, ColumnShape> = {};
    for (const field of model.fields) {
      if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
      columns[columnName(field)] = {
        type: expectedType(field, enumDbNames),
        // Prisma creates scalar-list columns nullable whatever the schema says.
        nullable: field.isList || !field.isRequired,
        default: expectedDefault(model, field, enumDbNames),
      };
    }

    const foreignKeys: string[] = [];
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = models.get(field.type);
      if (!target) throw new Error(`Relation ${model.name}.${field.name} points at unknown model ${field.type}`);
      const from = field.relationFromFields.map((name) => columnName(fieldOf(model, name)));
      const to = (field.relationToFields ?? []).map((name) => columnName(fieldOf(target, name)));
      const required = field.relationFromFields.every((name) => fieldOf(model, name).isRequired);
      const onDelete = field.relationOnDelete ?? (required ? 'Restrict' : 'SetNull');
      const onUpdate = field.relationOnUpdate ?? 'Cascade';
      foreignKeys.push(
        foreignKeyShape(defaultConstraintName(table, from, 'fkey'), from, tableName(target), to, onDelete, onUpdate),
      );
    }

    tables[table] = { columns, indexes: [], foreignKeys: foreignKeys.sort() };
  }

  for (const index of dmmf.indexes) {
    const model = models.get(index.model);
    if (!model) throw new Error(`Index on unknown model ${index.model}`);
    const table = tableName(model);
    const columns = index.fields.map((item) => columnName(fieldOf(model, item.name)));
    const shape =
      index.type === 'id'
        ? indexShape(
            'primary',
            index.dbName ?? model.primaryKey?.name ?? defaultConstraintName(table, columns, 'pkey'),
            columns,
          )
        : index.type === 'unique'
          ? indexShape('unique', index.dbName ?? defaultConstraintName(table, columns, 'key'), columns)
          : index.type === 'normal'
            ? indexShape('index', index.dbName ?? defaultConstraintName(table, columns, 'idx'), columns)
            : unsupported(`index type ${index.type} on ${index.model}`);
    tables[table]?.indexes.push(shape);
  }
  for (const table of Object.values(tables)) table.indexes.sort();

  const enums: Record<string, string[]> = {};
  for (const item of dmmf.enums)
    enums[item.dbName ?? item.name] = item.values.map((value) => value.dbName ?? value.name);
  return { tables, enums };
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}

function fieldOf(model: DmmfModel, name: string): DmmfField {
  const field = model.fields.find((item) => item.name === name);
  if (!field) throw new Error(`${model.name} has no field ${name}`);
  return field;
}

function expectedType(field: DmmfField, enumDbNames: Map<string, string>): string {
  const element = field.kind === 'enum' ? `enum:${enumDbNames.get(field.type) ?? field.type}` : scalarType(field);
  return field.isList ? `${element}[]` : element;
}

function scalarType(field: DmmfField): string {
  const [native, args = []] = field.nativeType ?? [];
  switch (field.type) {
    case 'String':
      if (native === 'Uuid') return 'uuid';
      if (native === 'VarChar' || native === 'Char')
        return `${native === 'VarChar' ? 'varchar' : 'bpchar'}(${args[0] ?? ''})`;
      if (native === undefined || native === 'Text') return 'text';
      break;
    case 'Int':
      if (native === undefined || native === 'Integer') return 'integer';
      break;
    case 'BigInt':
      if (native === undefined || native === 'BigInt') return 'bigint';
      break;
    case 'Boolean':
      return 'boolean';
    case 'Float':
      if (native === undefined || native === 'DoublePrecision') return 'double precision';
      break;
    case 'DateTime':
      if (native === 'Timestamptz') return `timestamptz(${args[0] ?? '6'})`;
      if (native === undefined) return 'timestamp(3)';
      if (native === 'Timestamp') return `timestamp(${args[0] ?? '6'})`;
      break;
    case 'Decimal':
      if (native === 'Decimal') return `numeric(${args[0]},${args[1]})`;
      if (native === undefined) return 'numeric(65,30)';
      break;
    case 'Json':
      if (native === undefined || native === 'JsonB') return 'jsonb';
      break;
    case 'Bytes':
      return 'bytea';
  }
  return unsupported(`column type ${field.type} ${native ?? ''} of ${field.name}`);
}

/** The default as Postgres prints it in information_schema.columns.column_default. */
function expectedDefault(model: DmmfModel, field: DmmfField, enumDbNames: Map<string, string>): string | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (isFunctionDefault(value)) {
    switch (value.name) {
      case 'dbgenerated':
        return String(value.args[0]);
      case 'now':
        return 'CURRENT_TIMESTAMP';
      case 'autoincrement':
        return `nextval('${tableName(model)}_${columnName(field)}_seq'::regclass)`;
      case 'uuid':
      case 'cuid':
      case 'ulid':
      case 'nanoid':
        return null; // generated by the client, no database default
      default:
        return unsupported(`default ${value.name}() of ${model.name}.${field.name}`);
    }
  }
  if (field.isList && Array.isArray(value)) {
    if (value.length === 0) return `ARRAY[]::${listElementCast(field)}[]`;
    if (field.type === 'Int' || field.type === 'BigInt') return `ARRAY[${value.join(', ')}]`;
    return unsupported(`non-empty list default of ${model.name}.${field.name}`);
  }
  if (field.kind === 'enum') return `'${String(value)}'::${enumDbNames.get(field.type) ?? field.type}`;
  switch (field.type) {
    case 'String':
      return `'${String(value)}'::text`;
    case 'Json':
      return `'${String(value)}'::jsonb`;
    case 'Boolean':
    case 'Int':
    case 'BigInt':
    case 'Decimal':
    case 'Float':
      return String(value);
  }
  return unsupported(`default of ${model.name}.${field.name}`);
}

function listElementCast(field: DmmfField): string {
  const casts: Record<string, string> = { String: 'text', Int: 'integer', BigInt: 'bigint', Boolean: 'boolean' };
  return casts[field.type] ?? unsupported(`list type ${field.type}`);
}

function isFunctionDefault(value: unknown): value is { name: string; args: unknown[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value && 'args' in value;
}

function unsupported(what: string): never {
  throw new Error(`The drift test does not know how Prisma maps ${what}; extend prisma/scripts/schema-drift.ts.`);
}

function indexShape(kind: 'primary' | 'unique' | 'index', name: string, columns: string[]): string {
  return `${kind} ${name} (${columns.join(', ')})`;
}

function foreignKeyShape(
  name: string,
  columns: string[],
  refTable: string,
  refColumns: string[],
  onDelete: string,
  onUpdate: string,
) {
  return `${name} (${columns.join(', ')}) -> ${refTable}(${refColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What the migrated database has

const IGNORED_TABLES = ['_prisma_migrations'];

const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

const UDT_NAMES: Record<string, string> = {
  int4: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  float8: 'double precision',
};

export async function introspectSchema(client: pg.ClientBase, schema = 'public'): Promise<SchemaShape> {
  const enumRows = await client.query<{ name: string; labels: string[] }>(
    `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t
       JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1
      GROUP BY t.typname`,
    [schema],
  );
  const enums = Object.fromEntries(enumRows.rows.map((row) => [row.name, row.labels]));

  const tables: Record<string, TableShape> = {};
  const tableRows = await client.query<{ table_name: string }>(
    // A partition is not a table of the schema: Prisma describes a partitioned table by its parent alone, whose
    // columns, indexes and keys every partition inherits. Partitions are the migrations' and the worker's business.
    `SELECT t.table_name
       FROM information_schema.tables t
       JOIN pg_class c ON c.relname = t.table_name
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = t.table_schema
      WHERE t.table_schema = $1 AND t.table_type = 'BASE TABLE' AND NOT c.relispartition`,
    [schema],
  );
  for (const row of tableRows.rows) {
    if (!IGNORED_TABLES.includes(row.table_name))
      tables[row.table_name] = { columns: {}, indexes: [], foreignKeys: [] };
  }

  const columnRows = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
    character_maximum_length: number | null;
    numeric_precision: number | null;
    numeric_scale: number | null;
    datetime_precision: number | null;
  }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length,
            numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns
      WHERE table_schema = $1`,
    [schema],
  );
  for (const column of columnRows.rows) {
    const table = tables[column.table_name];
    if (!table) continue;
    const isArray = column.data_type === 'ARRAY';
    const udt = isArray ? column.udt_name.replace(/^_/, '') : column.udt_name;
    let type: string;
    if (udt in enums) type = `enum:${udt}`;
    else if (udt === 'timestamptz' || udt === 'timestamp') type = `${udt}(${column.datetime_precision ?? ''})`;
    else if (udt === 'numeric') type = `numeric(${column.numeric_precision ?? ''},${column.numeric_scale ?? ''})`;
    else if (udt === 'varchar' || udt === 'bpchar') type = `${udt}(${column.character_maximum_length ?? ''})`;
    else type = UDT_NAMES[udt] ?? udt;
    table.columns[column.column_name] = {
      type: isArray ? `${type}[]` : type,
      nullable: column.is_nullable === 'YES',
      default: column.column_default,
    };
  }

  const indexRows = await client.query<{
    table: string;
    name: string;
    unique: boolean;
    primary: boolean;
    columns: string[];
  }>(
    `SELECT t.relname::text AS table, i.relname::text AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1
      GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`,
    [schema],
  );
  for (const index of indexRows.rows) {
    const kind = index.primary ? 'primary' : index.unique ? 'unique' : 'index';
    tables[index.table]?.indexes.push(indexShape(kind, index.name, index.columns));
  }

  const foreignKeyRows = await client.query<{
    name: string;
    table: string;
    ref_table: string;
    columns: string[];
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT c.conname::text AS name, t.relname::text AS table, rt.relname::text AS ref_table,
            (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns,
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = $1`,
    [schema],
  );
  for (const key of foreignKeyRows.rows) {
    tables[key.table]?.foreignKeys.push(
      foreignKeyShape(
        key.name,
        key.columns,
        key.ref_table,
        key.ref_columns,
        REFERENTIAL_ACTIONS[key.on_delete] ?? key.on_delete,
        REFERENTIAL_ACTIONS[key.on_update] ?? key.on_update,
      ),
    );
  }
  for (const table of Object.values(tables)) {
    table.indexes.sort();
    table.foreignKeys.sort();
  }
  return { tables, enums };
}

// ---------------------------------------------------------------------------------------------------------------
// The difference, one line per problem

export function diffSchemas(database: SchemaShape, schema: SchemaShape): string[] {
  const problems: string[] = [];
  for (const name of union(Object.keys(database.enums), Object.keys(schema.enums))) {
    const inDatabase = database.enums[name];
    const inSchema = schema.enums[name];
    if (!inDatabase) problems.push(`enum ${name}: missing in the database`);
    else if (!inSchema) problems.push(`enum ${name}: in the database but not in the schema`);
    else if (inDatabase.join(',') !== inSchema.join(',')) {
      problems.push(
        `enum ${name}: values [${inDatabase.join(', ')}] in the database, [${inSchema.join(', ')}] in the schema`,
      );
    }
  }
  for (const name of union(Object.keys(database.tables), Object.keys(schema.tables))) {
    const inDatabase = database.tables[name];
    const inSchema = schema.tables[name];
    if (!inDatabase) {
      problems.push(`table ${name}: missing in the database`);
      continue;
    }
    if (!inSchema) {
      problems.push(`table ${name}: in the database but not in the schema`);
      continue;
    }
    for (const column of union(Object.keys(inDatabase.columns), Object.keys(inSchema.columns))) {
      const actual = inDatabase.columns[column];
      const expected = inSchema.columns[column];
      if (!actual) problems.push(`${name}.${column}: missing in the database`);
      else if (!expected) problems.push(`${name}.${column}: in the database but not in the schema`);
      else {
        for (const aspect of ['type', 'nullable', 'default'] as const) {
          if (actual[aspect] !== expected[aspect]) {
            problems.push(
              `${name}.${column}: ${aspect} ${JSON.stringify(actual[aspect])} in the database, ` +
                `${JSON.stringify(expected[aspect])} in the schema`,
            );
          }
        }
      }
    }
    for (const [label, actual, expected] of [
      ['index', inDatabase.indexes, inSchema.indexes],
      ['foreign key', inDatabase.foreignKeys, inSchema.foreignKeys],
    ] as const) {
      for (const item of actual)
        if (!expected.includes(item)) problems.push(`${name}: ${label} ${item} is not in the schema`);
      for (const item of expected)
        if (!actual.includes(item)) problems.push(`${name}: ${label} ${item} is missing in the database`);
    }
  }
  return problems;
}

function union(left: string[], right: string[]): string[] {
  return [...new Set([...left, ...right])].sort();
}
