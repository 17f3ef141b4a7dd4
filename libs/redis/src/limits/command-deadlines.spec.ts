import { CommandDeadlines } from './command-deadlines';
import { LimitsTimeoutError } from './limits.errors';

describe('CommandDeadlines', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A command whose answer the test gives. */
  const pending = <T>() => {
    let resolve: (value: T) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<T>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };

  it('answers what the command answers, failures included', async () => {
    const deadlines = new CommandDeadlines(1_000);
    const ok = pending<string>();
    const failing = pending<string>();
    const answered = deadlines.within(ok.promise);
    const failed = deadlines.within(failing.promise);
    ok.resolve('settled');
    failing.reject(new Error('NOSCRIPT'));
    await expect(answered).resolves.toBe('settled');
    await expect(failed).rejects.toThrow('NOSCRIPT');
  });

  it('times out each command at its own deadline, with one timer for all of them', async () => {
    /** What a bounded command has failed with so far (undefined: nothing yet). */
    const failure = (promise: Promise<unknown>) => {
      const seen: { error?: unknown } = {};
      promise.catch((error: unknown) => {
        seen.error = error;
      });
      return seen;
    };
    const deadlines = new CommandDeadlines(1_000);
    const first = failure(deadlines.within(pending<string>().promise));
    jest.advanceTimersByTime(400);
    const quick = pending<string>();
    const answered = deadlines.within(quick.promise);
    const second = failure(deadlines.within(pending<string>().promise));
    expect(jest.getTimerCount()).toBe(1);
    quick.resolve('in time');
    await expect(answered).resolves.toBe('in time');

    await jest.advanceTimersByTimeAsync(599);
    expect(first.error).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(first.error).toBeInstanceOf(LimitsTimeoutError);
    expect(second.error).toBeUndefined();
    await jest.advanceTimersByTimeAsync(400);
    expect(second.error).toEqual(new LimitsTimeoutError(1_000));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores an answer that comes after the timeout', async () => {
    const deadlines = new CommandDeadlines(100);
    const late = pending<string>();
    const bounded = deadlines.within(late.promise);
    jest.advanceTimersByTime(100);
    await expect(bounded).rejects.toBeInstanceOf(LimitsTimeoutError);
    late.reject(new Error('Connection is closed.'));
    late.resolve('too late');
    await expect(bounded).rejects.toBeInstanceOf(LimitsTimeoutError);
  });
});
