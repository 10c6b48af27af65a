import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['SLUICE_CHROMIUM'] ?? '/usr/bin/chromium';

export interface OfflineBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors, for a "no console errors" check. */
  readonly consoleErrors: string[];
  /** Requests to anywhere but `origin`, refused: the page must work offline. */
  readonly offsite: string[];
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile, allowed to reach only `origin`. */
export async function openOfflineBrowser(origin: string): Promise<OfflineBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const consoleErrors: string[] = [];
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(origin)) return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    context, page, consoleErrors, offsite,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
