import { JobName } from '@gatehouse/jobs';
import { handlersByJobName, JobHandlerRegistryError, type JobHandler } from './job-handler';

const handler = (jobName: string): JobHandler =>
  ({ jobName, concurrency: 1, handle: () => Promise.resolve() }) as unknown as JobHandler;

describe('handlersByJobName (the boot check)', () => {
  it('accepts one handler per defined job', () => {
    const usage = handler(JobName.UsageRecorded);
    expect(handlersByJobName([usage]).get(JobName.UsageRecorded)).toBe(usage);
  });

  it('refuses a job without a handler, naming it', () => {
    expect(() => handlersByJobName([])).toThrow(JobHandlerRegistryError);
    expect(() => handlersByJobName([])).toThrow(`${JobName.UsageRecorded} has no handler`);
  });

  it('refuses two handlers for one job, and a handler for an undefined job, listing every problem', () => {
    const definitions = { 'a.done': {}, 'b.done': {} };
    expect(() => handlersByJobName([handler('a.done'), handler('a.done'), handler('c.done')], definitions)).toThrow(
      'a.done has two handlers; c.done has a handler but no job definition; b.done has no handler',
    );
  });
});
