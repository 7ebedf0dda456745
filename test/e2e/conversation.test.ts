/**
 * Browser test of the chat's conversation features against the real local server (embedded
 * PostgreSQL, Bedrock stand-in, dev token issuer) in Debian's Chromium: the claims table under
 * an answer (open, sort, CSV).
 *
 * Screenshots land in test/e2e/artifacts/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type AppPage, ARTIFACTS, openAppPage } from '../support/browser.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let app: AppPage;
let page: Page;

before(
  async () => {
    app = await openAppPage(DESKTOP);
    page = app.page;
  },
  { timeout: 180_000 },
);

after(async () => {
  await app?.close();
});

function answers() {
  return page.locator('#chat-log .bubble--assistant[data-status]');
}

async function askAndWait(question: string) {
  const before = await answers().count();
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
  await answers().nth(before).waitFor({ timeout: 45_000 });
  return answers().nth(before);
}

async function signInAs(relationship: string) {
  await page.goto(app.server.url);
  await page.locator('#person-picker optgroup').first().waitFor({ state: 'attached' });
  const option = page.locator('#person-picker optgroup').first().locator(`option[data-relationship="${relationship}"]`);
  const personId = await option.getAttribute('value');
  assert.ok(personId);
  await page.locator('#person-picker').selectOption(personId);
  await page.locator('#sign-in-button').click();
  await page.locator('#signed-in-as', { hasText: 'Signed in as' }).waitFor();
}

test('a list answer shows "Show the N claims": an accessible table, sortable by date and amount, with a CSV download', {
  timeout: 90_000,
}, async () => {
  await signInAs('subscriber');
  const answer = await askAndWait('Show my claims from last year');
  assert.equal(await answer.getAttribute('data-status'), 'answered');
  const toggle = answer.locator('.claims__toggle');
  const label = (await toggle.textContent()) ?? '';
  const n = Number(/Show the (\d+) claims/.exec(label)?.[1]);
  assert.ok(n > 1, label);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await answer.locator('table').isVisible(), false, 'closed until asked for');

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const table = answer.locator('table');
  await table.waitFor();
  assert.equal(await table.locator('caption').textContent(), `The ${n} claims behind this answer`);
  assert.equal(await table.locator('tbody tr').count(), n);
  const headers = await table.locator('thead th').allTextContents();
  for (const h of ['Date', 'Provider', 'Billed', 'Out-of-pocket share'])
    assert.ok(headers.includes(h), headers.join('|'));
  assert.equal(await table.locator('th[scope="col"]').count(), headers.length);
  const dateHeader = table.locator('thead th', { hasText: 'Date' });
  assert.equal(await dateHeader.getAttribute('aria-sort'), 'descending', 'newest first');

  // Sort by what was billed: largest first, then smallest first.
  const billedIndex = headers.indexOf('Billed');
  const billed = async () =>
    (await table.locator(`tbody tr td:nth-child(${billedIndex + 1})`).allTextContents()).map((t) =>
      Number(t.replace(/[$,]/g, '')),
    );
  await table.locator('thead th', { hasText: 'Billed' }).locator('button').click();
  assert.equal(await table.locator('thead th', { hasText: 'Billed' }).getAttribute('aria-sort'), 'descending');
  assert.equal(await dateHeader.getAttribute('aria-sort'), null);
  const down = await billed();
  assert.deepEqual(
    down,
    [...down].sort((a, b) => b - a),
  );
  await table.locator('thead th', { hasText: 'Billed' }).locator('button').click();
  const up = await billed();
  assert.deepEqual(
    up,
    [...up].sort((a, b) => a - b),
  );

  // Keyboard: the scroll region and the sort buttons are reachable.
  assert.equal(await answer.locator('.claims__scroll').getAttribute('tabindex'), '0');

  const [download] = await Promise.all([page.waitForEvent('download'), answer.locator('.claims__download').click()]);
  assert.equal(download.suggestedFilename(), 'claims.csv');
  const path = await download.path();
  const csv = await readFile(path, 'utf8');
  const lines = csv.trim().split(/\r\n/);
  assert.equal(lines.length, n + 1, 'a header and one line per claim');
  assert.match(lines[0] ?? '', /^Date,Who,Relationship,Type,Provider,/);
  assert.match(lines[1] ?? '', /^\d{4}-\d{2}-\d{2},/, 'raw ISO dates in the file');

  await page.screenshot({ path: join(ARTIFACTS, 'claims-table-desktop.png'), fullPage: true });
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page does not scroll sideways on a phone (the table scrolls inside): ${overflow}px`);
  await page.screenshot({ path: join(ARTIFACTS, 'claims-table-phone.png'), fullPage: true });
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(app.pageErrors, []);
});
