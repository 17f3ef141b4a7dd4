import { type Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';

/** The running test's outcome so far, as jest-circus reported it to the environment. */
export interface TestOutcome {
  /** The test's full name: its describe blocks' titles, then its own. */
  fullName: string;
  failed: boolean;
}

declare global {
  /** Set by the e2e environment when each test starts and marked when it fails; read by afterEach hooks. */
  var gatehouseTestOutcome: TestOutcome | undefined;
}

/**
 * The e2e tier's test environment: plain Node, plus the current test's outcome published on the test's global.
 *
 * A browser test must keep a screenshot when it fails, and the last moment its page still exists is its own
 * afterEach hook. Nothing a test file can read tells that hook whether the test failed: `expect.getState()` only
 * counts assertions, and neither a thrown error nor a timeout shows up in it. jest-circus tells the environment
 * instead: `test_fn_failure` (a failed assertion, a thrown error or the test's timeout) and `hook_failure` (a
 * beforeEach) are dispatched before the afterEach hooks run, so those hooks see the outcome while the page is open.
 */
export default class E2eEnvironment extends NodeEnvironment {
  handleTestEvent(event: Circus.Event): void {
    switch (event.name) {
      case 'test_start':
        this.global.gatehouseTestOutcome = { fullName: fullNameOf(event.test), failed: false } satisfies TestOutcome;
        break;
      case 'test_fn_failure':
        this.markFailed();
        break;
      case 'hook_failure':
        // Only the hooks around one test carry it; a failed beforeAll fails the file before any page exists.
        if (event.test) this.markFailed();
        break;
      default:
        break;
    }
  }

  private markFailed(): void {
    const outcome = this.global.gatehouseTestOutcome as TestOutcome | undefined;
    if (outcome) outcome.failed = true;
  }
}

function fullNameOf(test: Circus.TestEntry): string {
  const titles = [test.name];
  // The root block (jest's own, unnamed by the test file) is the one without a parent.
  for (let block = test.parent; block.parent; block = block.parent) titles.unshift(block.name);
  return titles.join(' ');
}
