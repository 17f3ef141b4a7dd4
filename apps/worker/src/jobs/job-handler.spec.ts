import { WORKER_QUEUES } from '@gatehouse/config';
import { JobName, QueueName } from '@gatehouse/jobs';
import { handlersByJobName, JobHandlerRegistryError, type JobHandler } from './job-handler';

const handler = (jobName: string): JobHandler =>
  ({ jobName, concurrency: 1, handle: () => Promise.resolve() }) as unknown as JobHandler;

describe('handlersByJobName (the boot check)', () => {
  it('accepts one handler per defined job', () => {
    const handlers = Object.values(JobName).map(handler);
    const byName = handlersByJobName(handlers);
    expect(byName.get(JobName.UsageBatch)).toBe(handlers[0]);
    expect(byName.size).toBe(Object.values(JobName).length);
  });

  it('refuses a job without a handler, naming it', () => {
    expect(() => handlersByJobName([])).toThrow(JobHandlerRegistryError);
    expect(() => handlersByJobName([])).toThrow(`${JobName.UsageBatch} has no handler`);
  });

  it('refuses two handlers for one job, and a handler for an undefined job, listing every problem', () => {
    const definitions = { 'a.done': {}, 'b.done': {} };
    expect(() => handlersByJobName([handler('a.done'), handler('a.done'), handler('c.done')], definitions)).toThrow(
      'a.done has two handlers; c.done has a handler but no job definition; b.done has no handler',
    );
  });
});

describe('WORKER_QUEUES', () => {
  it('names exactly the queues jobs are defined on, so that every queue can be configured', () => {
    expect([...WORKER_QUEUES].sort()).toEqual(Object.values(QueueName).sort());
  });
});
