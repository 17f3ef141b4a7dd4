import { ClientLifetime } from './client-lifetime';

describe('ClientLifetime', () => {
  it('runs each listener once, in the order added, functions and handleEvent objects alike', () => {
    const lifetime = new ClientLifetime();
    const calls: string[] = [];
    const first = () => calls.push('first');
    lifetime.addEventListener('abort', first);
    lifetime.addEventListener('abort', first);
    lifetime.addEventListener('abort', { handleEvent: () => calls.push('object') });
    lifetime.addEventListener('abort', () => calls.push('last'), { once: true });
    expect(lifetime.aborted).toBe(false);

    lifetime.abort('gone');
    lifetime.abort('again');
    expect(calls).toEqual(['first', 'object', 'last']);
    expect(lifetime).toMatchObject({ aborted: true, reason: 'gone' });
  });

  it('skips listeners removed before the abort, even by an earlier listener, and never runs late ones', () => {
    const lifetime = new ClientLifetime();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    const removedByFirst = () => calls.push('removed by first');
    lifetime.addEventListener('abort', removed);
    lifetime.removeEventListener('abort', removed);
    lifetime.addEventListener('abort', () => {
      calls.push('first');
      lifetime.removeEventListener('abort', removedByFirst);
    });
    lifetime.addEventListener('abort', removedByFirst);

    lifetime.abort();
    lifetime.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['first']);
    expect(lifetime.reason).toBeInstanceOf(DOMException);
    expect((lifetime.reason as DOMException).name).toBe('AbortError');
  });
});
