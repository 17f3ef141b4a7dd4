import { MAX_CALLS_PER_SCRIPT, ScriptBatches } from './script-batches';

describe('ScriptBatches', () => {
  it('sends the calls of one turn as one batch per tenant, in order, and answers each call', async () => {
    const sent: { keys: string[]; args: unknown[] }[] = [];
    const batches = new ScriptBatches<string>(async (keys, args) => {
      sent.push({ keys, args });
      return Array.from({ length: Number(args[0]) }, (_, index) => `${keys[0]}#${index}`);
    });
    const answers = await Promise.all([
      batches.call('a', ['a:1', 'a:2'], ['x']),
      batches.call('b', ['b:1'], ['y', 'z']),
      batches.call('a', ['a:3'], []),
    ]);
    expect(sent).toEqual([
      { keys: ['a:1', 'a:2', 'a:3'], args: ['2', '2', '1', 'x', '1', '0'] },
      { keys: ['b:1'], args: ['1', '1', '2', 'y', 'z'] },
    ]);
    expect(answers).toEqual(['a:1#0', 'b:1#0', 'a:1#1']);
  });

  it('cuts a burst of one tenant into scripts of at most MAX_CALLS_PER_SCRIPT calls', async () => {
    const sizes: number[] = [];
    const batches = new ScriptBatches<number>(async (_keys, args) => {
      sizes.push(Number(args[0]));
      return Array.from({ length: Number(args[0]) }, (_, index) => index);
    });
    const count = MAX_CALLS_PER_SCRIPT * 2 + 1;
    const answers = await Promise.all(Array.from({ length: count }, () => batches.call('a', ['a:1'], [])));
    expect(sizes).toEqual([MAX_CALLS_PER_SCRIPT, MAX_CALLS_PER_SCRIPT, 1]);
    expect(answers).toHaveLength(count);
  });

  it('fails every call of a batch that fails, thrown or rejected, or answers the wrong number of calls', async () => {
    const rejecting = new ScriptBatches<string>(() => Promise.reject(new Error('down')));
    await expect(Promise.all([rejecting.call('a', [], []), rejecting.call('a', [], [])])).rejects.toThrow('down');

    const throwing = new ScriptBatches<string>(() => {
      throw new Error('not writable');
    });
    await expect(throwing.call('a', [], [])).rejects.toThrow('not writable');

    const short = new ScriptBatches<string>(async () => ['only one']);
    const results = await Promise.allSettled([short.call('a', [], []), short.call('a', [], [])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
