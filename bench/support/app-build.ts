import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runTool, toolEnvironment } from './tool-run';

export interface AppBuild {
  /** The Nx project (`nx run <project>:build`). */
  project: string;
  /** Its entry point, relative to the workspace (`builtMain(app)`). */
  main: string;
  /** What the build compiles (the app's and its libs' sources): a newer file here means dist is stale. */
  sources: string[];
}

export interface BuildFacts {
  project: string;
  builtAt: Date;
  /** A source file newer than the build, if any: the numbers then describe the last build, not the working tree. */
  newerSource: string | undefined;
}

const BUILD_TIMEOUT_MS = 5 * 60_000;

/**
 * Builds each app whose entry point is missing, or every one with `force`, without the Nx cache (so that a forced
 * build always compiles the working tree), and warns about sources newer than the build.
 */
export async function ensureBuilt(root: string, builds: readonly AppBuild[], force: boolean): Promise<BuildFacts[]> {
  const facts: BuildFacts[] = [];
  for (const build of builds) {
    const main = path.join(root, build.main);
    if (force || !existsSync(main)) {
      process.stderr.write(
        `${force ? '--build' : `${build.main} is missing`}: npx nx run ${build.project}:build --skip-nx-cache\n`,
      );
      await runTool(
        `${build.project}:build`,
        path.join(root, 'node_modules/.bin/nx'),
        ['run', `${build.project}:build`, '--skip-nx-cache'],
        { cwd: root, env: toolEnvironment(root), timeoutMs: BUILD_TIMEOUT_MS, showOutput: true },
      );
    }
    const builtAt = statSync(main).mtime;
    const newerSource = build.sources
      .flatMap((directory) =>
        readdirSync(path.join(root, directory), { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.int-spec.ts'))
          .map((file) => path.join(directory, file)),
      )
      .find((file) => statSync(path.join(root, file)).mtime > builtAt);
    if (newerSource !== undefined) {
      process.stderr.write(
        `warning: ${newerSource} is newer than ${build.main}; this measures the last build (rerun with --build)\n`,
      );
    }
    facts.push({ project: build.project, builtAt, newerSource });
  }
  return facts;
}
