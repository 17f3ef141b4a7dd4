/** Called once when the client leaves: a function, or an object's `handleEvent` (which makes no closure). */
export type ClientAbortListener = (() => void) | { handleEvent(): void };

/**
 * What the upstream path reads of the client's lifetime: whether it left, and a call when it does. An
 * `AbortSignal` is one; the gateway's requests use `ClientLifetime`.
 */
export interface ClientSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: ClientAbortListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: ClientAbortListener): void;
}

/**
 * One request's client lifetime: aborted once, when the client leaves before its answer is complete. It does what
 * an `AbortController` and its signal do for the request path at a fraction of the cost: on Node 20 every request
 * paid for a signal (an `EventTarget`, its internal symbols and weak references) that almost never fires. As with an
 * `AbortSignal`, listeners run once, in the order added; one removed before its turn or added after the abort never
 * runs.
 */
export class ClientLifetime implements ClientSignal {
  aborted = false;
  reason: unknown = undefined;
  /** A removed listener leaves a hole, so that removing one while the abort runs them skips no other. */
  private listeners: (ClientAbortListener | null)[] | null = null;

  /** Every listener runs once (`once` is how they all behave). */
  addEventListener(_type: 'abort', listener: ClientAbortListener, _options?: { once?: boolean }): void {
    if (this.aborted) return;
    const listeners = (this.listeners ??= []);
    // Added once however often, as an `EventTarget` does.
    if (!listeners.includes(listener)) listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: ClientAbortListener): void {
    const listeners = this.listeners;
    if (listeners === null) return;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners[index] = null;
  }

  abort(reason: unknown = new DOMException('The client went away.', 'AbortError')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    for (const listener of listeners) {
      if (listener === null) continue;
      if (typeof listener === 'function') listener();
      else listener.handleEvent();
    }
    this.listeners = null;
  }
}
