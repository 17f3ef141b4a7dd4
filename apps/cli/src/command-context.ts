import { type AdminApiClient } from './admin-api-client';

/** What a command runs with: where it runs, where it writes, and the admin API (made when first needed). */
export interface CommandContext {
  cwd: string;
  /** One line of the command's result, to stdout. */
  out(line: string): void;
  /** One line of a problem or a warning, to stderr. */
  err(line: string): void;
  /** The admin API; throws a CliError when GATEHOUSE_TOKEN is not set (the offline commands never ask). */
  client(): AdminApiClient;
}
