import { z } from 'zod';

/** Raised when the environment does not satisfy an app's schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly appName: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${appName}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Record<string, string | undefined>;

/**
 * Validates `env` against an app's schema. Every problem is collected (zod reports all issues, not the
 * first), named by its environment variable, so one restart fixes them all.
 */
export function parseConfig<Schema extends z.ZodType>(
  appName: string,
  schema: Schema,
  env: Environment,
): z.output<Schema> {
  // Empty strings mean "not set": `FOO= npm start` should fall back to the default, not fail validation.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(appName, problems);
}

/**
 * Loads an app's configuration from `process.env` at boot. On failure it prints every problem and exits,
 * because an app that starts with half a configuration fails later, further from the cause.
 */
export function loadConfig<Schema extends z.ZodType>(
  appName: string,
  schema: Schema,
  env: Environment = process.env,
): z.output<Schema> {
  try {
    return parseConfig(appName, schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
