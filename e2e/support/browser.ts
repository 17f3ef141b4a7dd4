import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stackUrls } from './stack';

/**
 * Browser tests of the portal: Debian's Chromium driven by playwright-core against the e2e stack's portal.
 *
 *   describe('sign-in', () => {
 *     const browser = useBrowser();
 *     it('...', async () => {
 *       const { page } = browser;
 *       await page.goto('/login');
 *     });
 *   });
 *
 * Chromium starts once per test file (beforeAll); every test gets a fresh context (its own cookies and storage),
 * laptop-sized unless it asks for a phone. When a test fails, each page it opened is saved as a screenshot under
 * test-results/screenshots/failures/<spec>/ and the pages' console errors and failed requests are printed. Failure is
 * detected by the e2e test environment (support/browser-environment.ts), which jest-circus tells about failures.
 */

/** Debian's `chromium` package. Playwright's own browser download does not work offline. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Headless without a GPU, and with nothing Chromium would otherwise do in the background (updates, sync,
// safe-browsing lists) and that would reach for the network. No sandbox: CI runs as root, where Chromium
// refuses to start with one.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Bounds every navigation and every action (click, fill, wait for a condition), well inside the test's timeout. */
export const ACTION_TIMEOUT_MS = 15_000;
const LAUNCH_TIMEOUT_MS = 30_000;
/** A screenshot of a hung page must not hold the test's teardown. */
const SCREENSHOT_TIMEOUT_MS = 5_000;
/** Diagnostics kept per page: enough to see what went wrong without flooding the report. */
const MAX_DIAGNOSTICS = 50;

export const viewports = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof viewports;

const e2eRoot = path.resolve(__dirname, '..');
export const SCREENSHOTS_DIR = path.resolve(e2eRoot, '..', 'test-results', 'screenshots');

export interface BrowserTest {
  /** The current test's first page, in a fresh laptop-sized context. */
  readonly page: Page;
  readonly context: BrowserContext;
  /**
   * A page in another fresh context (its own cookies and storage) for the current test: a phone (390×844, touch)
   * or a second laptop user. It is closed after the test and screenshotted if the test fails.
   */
  newPage(viewport?: ViewportName): Promise<Page>;
}

interface OpenedPage {
  page: Page;
  context: BrowserContext;
  diagnostics: string[];
}

/**
 * Registers the hooks of a browser test file: call it once, at the top of the file's outer describe block.
 * Getters on the result give the current test's page and context.
 */
export function useBrowser(): BrowserTest {
  let browser: Browser | undefined;
  let opened: OpenedPage[] = [];

  const open = async (viewport: ViewportName): Promise<OpenedPage> => {
    if (!browser) throw new Error('Chromium is not running: its launch in beforeAll failed or has not happened');
    const context = await browser.newContext({
      baseURL: stackUrls.portal,
      viewport: viewports[viewport],
      ...(viewport === 'phone' ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const entry: OpenedPage = { page, context, diagnostics: collectDiagnostics(page) };
    opened.push(entry);
    return entry;
  };

  beforeAll(async () => {
    // A stale screenshot from an earlier run would suggest a failure that no longer happens.
    rmSync(failureScreenshotDir(), { recursive: true, force: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    browser = undefined;
  });

  beforeEach(async () => {
    opened = [];
    await open('laptop');
  });

  afterEach(async () => {
    const pages = opened;
    opened = [];
    try {
      const outcome = globalThis.gatehouseTestOutcome;
      if (outcome === undefined) {
        throw new Error('browser tests need the e2e test environment (support/browser-environment.ts)');
      }
      if (outcome.failed) await reportFailure(outcome.fullName, pages);
    } finally {
      await Promise.all(pages.map(({ context }) => context.close().catch(() => undefined)));
    }
    // Every browser test also checks the portal's Content-Security-Policy: a refused script or style is a bug.
    const refused = pages.flatMap(({ diagnostics }) => diagnostics.filter(isPolicyViolation));
    if (refused.length > 0) throw new Error(`Content-Security-Policy violations:\n${refused.join('\n')}`);
  });

  const first = (): OpenedPage => {
    const entry = opened[0];
    if (!entry) throw new Error('no page: the browser test hooks have not run (is this inside a test?)');
    return entry;
  };

  return {
    get page() {
      return first().page;
    },
    get context() {
      return first().context;
    },
    newPage: async (viewport: ViewportName = 'laptop') => (await open(viewport)).page,
  };
}

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, and it is not installed. ` +
        "Install Debian's package with `apt-get install -y chromium` (.ci/run does so in CI). " +
        '`npx playwright install` cannot download a browser on these machines.',
    );
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
    });
  } catch (error) {
    throw new Error(
      `Chromium (${CHROMIUM_PATH}) did not start. Check that \`${CHROMIUM_PATH} --headless --no-sandbox ` +
        `--dump-dom about:blank\` works on this machine.\n${String(error)}`,
    );
  }
}

function isPolicyViolation(diagnostic: string): boolean {
  return diagnostic.startsWith('console error:') && /Content Security Policy/i.test(diagnostic);
}

/** Console errors, uncaught page errors, requests that failed and HTTP errors, in the order they happened. */
function collectDiagnostics(page: Page): string[] {
  const diagnostics: string[] = [];
  const add = (line: string) => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(line);
  };
  page.on('console', (message) => {
    if (message.type() === 'error') add(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => add(`uncaught error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown error';
    // Aborted requests are the page's own doing (a navigation or Next's router dropping a prefetch), not failures.
    if (reason !== 'net::ERR_ABORTED') add(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      add(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return diagnostics;
}

/** Saves a screenshot of every page the failed test opened and prints what each page logged. */
async function reportFailure(fullName: string, pages: OpenedPage[]): Promise<void> {
  const report: string[] = [`Browser test failed: ${fullName}`];
  for (const [index, { page, diagnostics }] of pages.entries()) {
    const file = path.join(
      failureScreenshotDir(),
      `${safeFileName(fullName)}${index === 0 ? '' : ` (${index + 1})`}.png`,
    );
    let screenshot: string;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
      screenshot = path.relative(path.resolve(e2eRoot, '..'), file);
    } catch (error) {
      // The test's own failure is what matters; a page too broken to capture must not hide it.
      screenshot = `none (${String(error).split('\n')[0]})`;
    }
    report.push(`page ${index + 1}: ${page.isClosed() ? '(closed)' : page.url()}`, `  screenshot: ${screenshot}`);
    if (diagnostics.length === 0) report.push('  no console errors or failed requests');
    else report.push(...diagnostics.map((line) => `  ${line}`));
  }
  console.error(report.join('\n'));
}

/**
 * Keeps a named full-page screenshot of a key page of a journey, at test-results/screenshots/journey/<name>.png
 * (`/` in the name makes subfolders). Returns the file's path.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const segments = name.split('/').filter(Boolean).map(safeFileName);
  if (segments.length === 0) throw new Error('saveScreenshot needs a name');
  const file = `${path.join(SCREENSHOTS_DIR, 'journey', ...segments)}.png`;
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Calls the portal's `/api/v1` proxy from inside the page, with the browser's own cookies: what the portal's
 * scripts would get, not what a separate HTTP client with a bearer token would.
 */
export async function fetchInPage<Body = unknown>(
  page: Page,
  method: string,
  apiPath: string,
  json?: unknown,
): Promise<{ status: number; body: Body }> {
  return page.evaluate(
    async ({ method, url, payload }) => {
      const response = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          // As the portal's own client: every write says it is JSON, bodyless ones too.
          ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
        },
        body: payload,
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (an error page, say): the text itself tells the test more than a parse error would.
      }
      return { status: response.status, body: body as Body };
    },
    { method, url: `/api/v1${apiPath}`, payload: json === undefined ? undefined : JSON.stringify(json) },
  );
}

/** Where the current spec's failure screenshots go: test-results/screenshots/failures/<spec path under e2e/browser>/. */
function failureScreenshotDir(): string {
  const testPath = expect.getState().testPath;
  if (!testPath) throw new Error('no test file: browser helpers run inside jest only');
  const browserSpecs = path.join(e2eRoot, 'browser');
  const relative = path.relative(testPath.startsWith(browserSpecs) ? browserSpecs : e2eRoot, testPath);
  // Under failures/, apart from the named screenshots (journey/), so a spec's clean-up never removes those.
  return path.join(SCREENSHOTS_DIR, 'failures', relative.replace(/\.e2e-spec\.ts$/, ''));
}

/** A test's name as a file name that every file system accepts, still readable. */
function safeFileName(name: string): string {
  return (
    name
      .replace(/[^a-zA-Z0-9 ._()-]+/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 150) || 'unnamed'
  );
}

/** Signs in through the portal's form, as a person would, and waits until the portal has left the sign-in page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}
