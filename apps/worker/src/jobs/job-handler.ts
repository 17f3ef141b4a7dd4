import { jobDefinitions, type JobName, type ReceivedJobPayload } from '@gatehouse/jobs';

/** Consumes one kind of job. Handlers must be idempotent: BullMQ delivers at least once. */
export interface JobHandler<Name extends JobName = JobName> {
  readonly jobName: Name;
  /**
   * Jobs of this kind one process works on at once (a batching handler holds a batch's worth). The handlers of one
   * queue add up to its BullMQ concurrency, whose slots take any job of the queue.
   */
  readonly concurrency: number;
  /** Resolves once the job's effect is committed; the job completes only then. */
  handle(payload: ReceivedJobPayload<Name>): Promise<void>;
}

export class JobHandlerRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`The worker cannot start: ${problems.join('; ')}`);
    this.name = 'JobHandlerRegistryError';
  }
}

/**
 * Every job of `definitions` has exactly one handler, and every handler a job to handle; otherwise throws,
 * listing each problem, so the worker refuses to boot rather than leave a queue's jobs unconsumed.
 */
export function handlersByJobName(
  handlers: readonly JobHandler[],
  definitions: Readonly<Record<string, unknown>> = jobDefinitions,
): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler>();
  const problems: string[] = [];
  for (const handler of handlers) {
    if (!(handler.jobName in definitions)) problems.push(`${handler.jobName} has a handler but no job definition`);
    else if (byName.has(handler.jobName)) problems.push(`${handler.jobName} has two handlers`);
    else byName.set(handler.jobName, handler);
  }
  for (const name of Object.keys(definitions) as JobName[]) {
    if (!byName.has(name)) problems.push(`${name} has no handler`);
  }
  if (problems.length > 0) throw new JobHandlerRegistryError(problems);
  return byName;
}
