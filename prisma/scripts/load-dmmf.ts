import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Prisma's own parsed view of the schema (its DMMF datamodel), obtained by running `prisma generate` with a
 * tiny generator (dmmf-generator.cjs) that writes what Prisma hands it. Prisma 7's generated client no longer
 * carries the DMMF and @prisma/internals is not a dependency, so this is the supported way to get it.
 * Only the parts the drift test reads are typed here.
 */

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
  relationName?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string;
  fields: { name: string }[];
}

export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

const execFileAsync = promisify(execFile);

export async function loadDmmf(schemaDir: string, repoRoot: string): Promise<DmmfDatamodel> {
  const work = await mkdtemp(path.join(tmpdir(), 'gatehouse-dmmf-'));
  try {
    const files = (await readdir(schemaDir)).filter((file) => file.endsWith('.prisma'));
    await Promise.all(files.map((file) => copyFile(path.join(schemaDir, file), path.join(work, file))));
    const output = path.join(work, 'dmmf.json');
    const generator = path.join(repoRoot, 'prisma', 'scripts', 'dmmf-generator.cjs');
    await writeFile(
      path.join(work, 'zz-dmmf-generator.prisma'),
      `generator dmmf {\n  provider = ${JSON.stringify(`node ${generator}`)}\n  output   = ${JSON.stringify(output)}\n}\n`,
    );
    await execFileAsync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js'),
        'generate',
        '--schema',
        work,
        '--generator',
        'dmmf',
      ],
      {
        cwd: repoRoot,
        timeout: 60_000,
        env: {
          ...process.env,
          // `generate` needs no schema engine, but the CLI checks that one exists (docs/architecture.md, Migrations).
          PRISMA_SCHEMA_ENGINE_BINARY: path.join(repoRoot, 'package.json'),
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
        },
      },
    );
    return JSON.parse(await readFile(output, 'utf8')) as DmmfDatamodel;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
