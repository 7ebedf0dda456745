/**
 * Browser test of the admin page against the real local server (embedded PostgreSQL, offline
 * engine behind the Bedrock stand-in, dev token issuer), in Debian's Chromium: an admin edits the
 * SQL template, breaks it and sees the evaluation drop, is refused publication, fixes it,
 * publishes, and rolls back.
 *
 * Run: node --import tsx --test test/e2e/admin.test.ts
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LIMITS } from '../../src/schema/catalog.ts';
import type { LocalServer } from '../../src/server/local.ts';
import { axeViolations } from '../support/axe.ts';
import { type AppPage, ARTIFACTS, openAppPage } from '../support/browser.ts';

const MEMBER_TAG = '<member_id>{{member_id}}</member_id>';
const BROKEN_TAG = 'Member: {{member_id}}';

let app: AppPage;
let server: LocalServer;
let page: Page;

before(
  async () => {
    app = await openAppPage({ width: 1280, height: 1000 });
    ({ server, page } = app);
  },
  { timeout: 180_000 },
);

after(async () => {
  await app?.close();
});

async function editBody(transform: (body: string) => string): Promise<void> {
  const box = page.locator('#body-text');
  await box.fill(transform(await box.inputValue()));
}

async function confirmDialog(): Promise<void> {
  await page.locator('#confirm-dialog[open]').waitFor();
  await page.locator('#confirm-yes').click();
}

/** Runs the evaluation and returns the summary line once it is there. */
async function evaluate(): Promise<string> {
  await page.locator('#eval-button').click();
  const summary = page.locator('#eval-summary');
  await page.locator('#eval-summary[data-state="done"]').waitFor({ timeout: 120_000 });
  const [value, max] = await page
    .locator('#eval-progress')
    .evaluate((p: HTMLProgressElement) => [p.value, p.max] as const);
  assert.ok(max > 0 && value === max, 'the progress bar is full');
  return (await summary.textContent()) ?? '';
}

test('before sign-in the editor is hidden, its buttons throw nothing, and axe finds no violation', {
  timeout: 60_000,
}, async () => {
  await page.goto(`${server.url}/admin.html`);
  await page.locator('#admin-sign-in').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#admin-workspace').isVisible(), false, 'no editor before sign-in');
  for (const id of [
    'save-draft',
    'preview-button',
    'eval-button',
    'publish-button',
    'rollback-button',
    'feedback-refresh',
  ])
    assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} is hidden`);
  // Even a click that reaches them (a script, an old bookmarklet) throws nothing.
  await page.evaluate(() => {
    for (const id of ['save-draft', 'preview-button', 'eval-button', 'publish-button', 'rollback-button'])
      document.getElementById(id)?.click();
  });
  await page.waitForTimeout(300);
  assert.deepEqual(app.pageErrors, []);
  assert.deepEqual(await axeViolations(page), [], 'admin page before sign-in');
});

test('a member token cannot use the admin API; the page signs in an admin through the hosted sign-in', {
  timeout: 60_000,
}, async () => {
  const memberToken = await server.issuer.issue({ memberId: '1000000002', personId: '1000000002-01' });
  const res = await fetch(`${server.url}/v1/admin/templates`, { headers: { authorization: `Bearer ${memberToken}` } });
  assert.equal(res.status, 403);

  await page.locator('#admin-sign-in-button').click();
  // The dev issuer's hosted sign-in page for the admin client.
  await page.locator('#person-picker').selectOption('1000000001-01');
  await page.locator('#sign-in-button').click();
  await page.locator('#admin-signed-in', { hasText: '(admin)' }).waitFor();
  await page.locator('#editing-label', { hasText: 'sql v1 (published)' }).waitFor();
  assert.match(await page.locator('#body-text').inputValue(), /\{\{question\}\}/);
  assert.equal(await page.locator('#placeholder-list li[data-state="missing"]').count(), 0);
  // Input limits come from the catalog (frontend/limits.js), not from the HTML.
  assert.equal(await page.locator('#preview-question').getAttribute('maxlength'), String(LIMITS.questionMaxChars));
  assert.equal(await page.locator('#change-note').getAttribute('maxlength'), String(LIMITS.changeNoteMaxChars));
  assert.equal(await page.locator('#body-text').getAttribute('maxlength'), String(LIMITS.templateTextMaxChars));
  assert.deepEqual(await axeViolations(page), [], 'admin page signed in');
});

test('a draft without a required placeholder warns before it is saved', { timeout: 30_000 }, async () => {
  const versions = await page.locator('#version-list li').count();
  await editBody((b) => b.replace(MEMBER_TAG, 'Member: (none)'));
  await page.locator('#save-draft').click();
  const dialog = page.locator('#confirm-dialog[open]');
  await dialog.waitFor();
  assert.match((await page.locator('#confirm-text').textContent()) ?? '', /missing \{\{member_id\}\}/);
  assert.match(
    (await page.locator('#editor-message').textContent()) ?? '',
    /missing \{\{member_id\}\}.*cannot be published/,
  );
  assert.deepEqual(await axeViolations(page), [], 'admin page with the confirmation open');
  await page.locator('#confirm-no').click();
  assert.equal(await page.locator('#version-list li').count(), versions, 'nothing was saved');
  await editBody((b) => b.replace('Member: (none)', MEMBER_TAG));
});

test('placeholders are highlighted as the admin types', { timeout: 30_000 }, async () => {
  await editBody((b) => b.replace('{{question}}', '{{questoin}}'));
  await page.locator('#placeholder-list li[data-state="missing"][data-placeholder="question"]').waitFor();
  await page.locator('#placeholder-list li[data-state="unknown"][data-placeholder="questoin"]').waitFor();
  await editBody((b) => b.replace('{{questoin}}', '{{question}}'));
  assert.equal(await page.locator('#placeholder-list li[data-state="missing"]').count(), 0);
});

test('break the template: preview and evaluation drop, publication is refused', { timeout: 240_000 }, async () => {
  await editBody((b) => b.replace(MEMBER_TAG, BROKEN_TAG));
  await page.locator('#change-note').fill('Shorter member line');
  await page.locator('#save-draft').click();
  await page.locator('#editing-label', { hasText: 'sql v2 (draft)' }).waitFor();

  await page.locator('#preview-button').click();
  await page.locator('#preview-verdict', { hasText: 'No usable SQL: CANNOT_ANSWER' }).waitFor();

  const summary = await evaluate();
  assert.match(summary, /^Did not pass/);
  const accuracy = Number(/accuracy ([\d.]+)%/.exec(summary)?.[1]);
  assert.ok(accuracy < 50, `the broken draft scores ${accuracy}%`);
  assert.ok((await page.locator('#eval-cases tr[data-change="broken"]').count()) > 20, 'many cases broke');
  // Per question kind, and the failing cases first.
  assert.ok((await page.locator('#eval-kinds tbody tr').count()) >= 5, 'one row per question kind');
  const failing = await page
    .locator('#eval-cases tbody tr')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.failing));
  const firstPassing = failing.indexOf('false');
  assert.ok(firstPassing > 0, 'failing cases are listed first');
  assert.ok(
    failing.slice(firstPassing).every((f) => f === 'false'),
    'no failing case after a passing one',
  );
  // The benefit and claim-status kinds are reported, each with its own score row.
  const kinds = await page
    .locator('#eval-kinds tbody tr')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kind));
  for (const kind of ['deductible', 'oop-max', 'cost-sharing', 'visits-left', 'claim-paid', 'pending', 'denied'])
    assert.ok(kinds.includes(kind), `kind ${kind} in the report`);
  assert.deepEqual(await axeViolations(page), [], 'admin page with evaluation results');

  await page.locator('#publish-button').click();
  await confirmDialog();
  await page.locator('#editor-message', { hasText: 'Publishing refused' }).waitFor();
  assert.equal((await server.runtime.ports.prompts.load('sql')).version, 1, 'members still get v1');
});

test('fix it, evaluate, publish; then roll back to v1', { timeout: 240_000 }, async () => {
  await editBody((b) => b.replace(BROKEN_TAG, MEMBER_TAG));
  await page.locator('#save-draft').click();
  await page.locator('#editor-message', { hasText: 'Saved draft v2' }).waitFor();

  await page.locator('#preview-button').click();
  await page.locator('#preview-verdict', { hasText: 'The validator accepts this SQL.' }).waitFor();
  assert.match((await page.locator('#preview-sql').textContent()) ?? '', /^SELECT count\(\*\)/);

  const summary = await evaluate();
  assert.match(summary, /^Passed/);

  await page.locator('#publish-button').click();
  await confirmDialog();
  await page.locator('#editor-message', { hasText: 'Published sql v2' }).waitFor();
  await page.locator('#version-list li[data-version="2"][data-status="published"]').waitFor();
  assert.equal((await server.runtime.ports.prompts.load('sql')).version, 2);
  await page.screenshot({ path: join(ARTIFACTS, 'admin.png'), fullPage: true });

  await page.locator('#version-list li[data-version="1"] button').click();
  await page.locator('#editing-label', { hasText: 'sql v1 (archived)' }).waitFor();
  await page.locator('#rollback-button').click();
  await confirmDialog();
  await page.locator('#editor-message', { hasText: 'Rolled back sql to v1' }).waitFor();
  await page.locator('#version-list li[data-version="1"][data-status="published"]').waitFor();
  assert.equal((await server.runtime.ports.prompts.load('sql')).version, 1);
  await page.locator('#history-list li', { hasText: 'rollback v1' }).waitFor();
  // History names people, never a bare token subject (a UUID).
  const history = await page.locator('#history-list li').allTextContents();
  assert.ok(
    history.some((h) => /rollback v1 by [A-Z][a-z]+ [A-Z][a-z]+/.test(h)),
    history.join('\n'),
  );
  for (const h of history) assert.doesNotMatch(h, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  assert.deepEqual(app.pageErrors, []);
});
