import { type ScriptArgument } from './limit-state';

/** Sends one tenant's batch: `KEYS` and `ARGV` as `batchLoop` (shared.lua.ts) reads them; one answer per call. */
export type SendBatch<Answer> = (keys: string[], args: ScriptArgument[]) => Promise<Answer[]>;

interface PendingCall<Answer> {
  keys: readonly string[];
  args: readonly ScriptArgument[];
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

/**
 * Most calls one script runs: Redis runs nothing else while a script runs, so a burst of one tenant's requests is
 * cut into scripts of about a millisecond each rather than one that would hold every other client back.
 */
export const MAX_CALLS_PER_SCRIPT = 64;

/**
 * Groups the calls of one script that the requests in flight make during one turn of the event loop into one
 * script call per tenant (a tenant's keys share its hash tag, so a batch touches one Redis Cluster slot). Each call
 * still runs alone and in order inside the script (`batchLoop`), so the answers are those of separate calls sent
 * back to back; what is saved is the client's and Redis's cost per command (a command, its promise, its
 * encoding and reply, a script invocation), which at thousands of requests a second was most of what the limits
 * cost the gateway. A call waits for the end of the current turn (`setImmediate`), as auto-pipelining does.
 *
 * A failed batch fails each of its calls with the same error.
 */
export class ScriptBatches<Answer> {
  private pending = new Map<string, PendingCall<Answer>[]>();
  private scheduled = false;

  constructor(private readonly send: SendBatch<Answer>) {}

  call(tenantId: string, keys: readonly string[], args: readonly ScriptArgument[]): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const calls = this.pending.get(tenantId);
      if (calls === undefined) this.pending.set(tenantId, [{ keys, args, resolve, reject }]);
      else calls.push({ keys, args, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    for (const calls of batches.values()) {
      if (calls.length <= MAX_CALLS_PER_SCRIPT) this.sendBatch(calls);
      else {
        for (let start = 0; start < calls.length; start += MAX_CALLS_PER_SCRIPT) {
          this.sendBatch(calls.slice(start, start + MAX_CALLS_PER_SCRIPT));
        }
      }
    }
  }

  private sendBatch(calls: readonly PendingCall<Answer>[]): void {
    const keys: string[] = [];
    const args: ScriptArgument[] = [String(calls.length)];
    for (const call of calls) {
      args.push(String(call.keys.length), String(call.args.length));
      for (const key of call.keys) keys.push(key);
      for (const arg of call.args) args.push(arg);
    }
    let sent: Promise<Answer[]>;
    try {
      sent = this.send(keys, args);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (answers) => {
        if (answers.length !== calls.length) {
          const error = new Error(`A batched script answered ${answers.length} calls of ${calls.length}`);
          for (const call of calls) call.reject(error);
          return;
        }
        for (let index = 0; index < calls.length; index++) calls[index]?.resolve(answers[index] as Answer);
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  }
}
