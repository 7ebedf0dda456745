import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { LocalServerOptions } from '../../src/server/local.ts';
import { type CheckedServer, startCheckedServer } from './checked-server.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

/**
 * Debian's Chromium, headless, as root. Never a downloaded browser. The background-networking
 * flags keep it from reaching for Google's hosts on a machine with no internet.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A browser test's world: a fresh database, the real local server on it, and one Chromium page. */
export interface AppPage {
  readonly db: TestDatabase;
  /** Every API response it sends is checked against openapi/openapi.json (close() fails otherwise). */
  readonly server: CheckedServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors thrown in the page, for a final `assert.deepEqual(pageErrors, [])`. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Where browser tests leave screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../e2e/artifacts/', import.meta.url));

/**
 * Starts the local server on a fresh database and opens one Chromium page on it.
 * @example const app = await openAppPage({ width: 1280, height: 1000 }); await app.page.goto(app.server.url);
 */
export async function openAppPage(
  viewport: { width: number; height: number },
  options: Omit<LocalServerOptions, 'databaseUrl'> = {},
): Promise<AppPage> {
  await mkdir(ARTIFACTS, { recursive: true });
  const db = await freshDatabase();
  const server = await startCheckedServer({ ...options, databaseUrl: db.adminUrl });
  const browser = await launchChromium();
  // A context of its own, so a test can open a second tab that shares its cookies and storage.
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    db,
    server,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      try {
        await server.stop();
      } finally {
        await db.drop();
      }
    },
  };
}

/**
 * Clicks a page's Sign out and waits until the browser is back from the issuer's sign-out (the
 * hosted session ended) with the page loaded again.
 * @example await signOutAndBack(page, () => page.locator('#sign-out').click());
 */
export async function signOutAndBack(page: Page, click: () => Promise<void>): Promise<void> {
  const back = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame() && !frame.url().includes('/dev/logout'),
    timeout: 30_000,
  });
  await click();
  await back;
  await page.waitForLoadState('load');
}
