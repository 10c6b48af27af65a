import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';

export const CHROMIUM = process.env['SLUICE_CHROMIUM'] ?? '/usr/bin/chromium';

export interface OfflineBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors. */
  readonly consoleErrors: string[];
  /** Requests that failed (network error, aborted) or were answered 400 or above; those the browser cancelled because the page navigated away do not count. */
  readonly failedRequests: string[];
  /** Requests to anywhere but `origin`, refused: the page must work offline. */
  readonly offsite: string[];
  /** Removes and returns the recorded problems matching `pattern`: for a test that causes them on purpose. */
  takeProblems(pattern: RegExp): string[];
  /** Fails listing every console error, failed request and off-site request recorded (and forgets them). */
  assertClean(): void;
  close(): Promise<void>;
}

/**
 * Headless Debian Chromium with a fresh profile, allowed to reach only `origin`. It records every
 * console error, page error and failed request, so a test can require a page that loads and
 * refreshes without a single one (a missing favicon counts).
 */
export async function openOfflineBrowser(origin: string): Promise<OfflineBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(origin)) return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  // A fetch still in flight when the page navigates away is cancelled by the browser: not a
  // failure. Which document a request belonged to is known only once the next one commits, so
  // cancelled requests are judged when the problems are read: those of a replaced document go.
  let documents = 0;
  const startedIn = new WeakMap<Request, number>();
  const cancelled: { text: string; document: number }[] = [];
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) documents++; });
  page.on('request', (r) => startedIn.set(r, documents));
  page.on('requestfailed', (r) => {
    const error = r.failure()?.errorText ?? 'unknown error';
    const text = `${r.method()} ${r.url()} failed: ${error}`;
    if (error === 'net::ERR_ABORTED' && !r.isNavigationRequest()) cancelled.push({ text, document: startedIn.get(r) ?? documents });
    else failedRequests.push(text);
  });
  page.on('response', (r) => { if (r.status() >= 400) failedRequests.push(`${r.request().method()} ${r.url()} answered ${r.status()}`); });
  const settleCancelled = (): void => {
    for (const c of cancelled.splice(0)) if (c.document >= documents) failedRequests.push(c.text);
  };
  const take = (list: string[], pattern: RegExp): string[] => {
    const taken = list.filter((p) => pattern.test(p));
    const kept = list.filter((p) => !pattern.test(p));
    list.splice(0, list.length, ...kept);
    return taken;
  };
  return {
    context, page, consoleErrors, failedRequests, offsite,
    takeProblems: (pattern) => {
      settleCancelled();
      return [...take(consoleErrors, pattern), ...take(failedRequests, pattern)];
    },
    assertClean() {
      settleCancelled();
      const problems = { consoleErrors: [...consoleErrors], failedRequests: [...failedRequests], offsite: [...offsite] };
      consoleErrors.length = 0;
      failedRequests.length = 0;
      offsite.length = 0;
      assert.deepEqual(problems, { consoleErrors: [], failedRequests: [], offsite: [] }, 'the page logged errors or had requests fail');
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
