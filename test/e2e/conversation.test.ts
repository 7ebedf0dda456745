/**
 * Browser test of the chat's conversation features against the real local server (embedded
 * PostgreSQL, Bedrock stand-in, the dev issuer's hosted sign-in: the production sign-in code path)
 * in Debian's Chromium: the claims table under
 * an answer (open, sort, CSV); the question box in view; the length limit said before anything is
 * cut; feedback (stored without names) that an admin turns into an evaluation case; the session
 * surviving a reload; New conversation and Sign out (the server's copy deleted); notices that are
 * not errors (sign in first, please wait with Retry-After); axe-core on every state.
 *
 * Screenshots land in test/e2e/artifacts/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LIMITS } from '../../src/schema/catalog.ts';
import { axeViolations } from '../support/axe.ts';
import { type AppPage, ARTIFACTS, openAppPage, signOutAndBack } from '../support/browser.ts';
import { adminQuery } from '../support/db.ts';

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

/** axe-core finds nothing on the page as it is now. */
async function noAxeViolations(state: string) {
  assert.deepEqual(await axeViolations(page), [], `axe: ${state}`);
}

/** The demo subscriber's conversations on the server. */
async function serverConversations() {
  const r = await adminQuery<{ id: string; turns: number }>(
    app.db.adminUrl,
    "SELECT conversation_id::text AS id, turns FROM app.conversations WHERE person_id = '1000000001-01' ORDER BY created_at",
  );
  return r.rows;
}

/** Signs in through the dev issuer's hosted page (authorization code + PKCE), as a member of the first family. */
async function signInAs(relationship: string) {
  await page.goto(app.server.url);
  await page.locator('#sign-in-button').click();
  await page.locator('#person-picker optgroup').first().waitFor({ state: 'attached' });
  const option = page.locator('#person-picker optgroup').first().locator(`option[data-relationship="${relationship}"]`);
  const personId = await option.getAttribute('value');
  assert.ok(personId);
  await page.locator('#person-picker').selectOption(personId);
  await page.locator('#sign-in-button').click();
  await page.locator('#signed-in-as', { hasText: 'Signed in as' }).waitFor();
}

test('the signed-out page has no axe violations; asking then is a notice, not an error', {
  timeout: 60_000,
}, async () => {
  await page.goto(app.server.url);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#session-actions').isVisible(), false, 'no sign-out before sign-in');
  await noAxeViolations('signed out');
  await page.locator('#question').fill('How many claims did I have?');
  await page.locator('#question').press('Enter');
  const notice = page.locator('#chat-log .bubble--notice').last();
  await notice.waitFor();
  assert.equal(await notice.getAttribute('data-status'), 'notice');
  assert.equal(await notice.locator('.bubble__label').textContent(), 'Please sign in');
  assert.doesNotMatch((await notice.textContent()) ?? '', /something went wrong/i);
  await noAxeViolations('sign-in notice');
});

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
  await noAxeViolations('answer with the table open');
  await page.screenshot({ path: join(ARTIFACTS, 'claims-table-desktop.png'), fullPage: true });
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page does not scroll sideways on a phone (the table scrolls inside): ${overflow}px`);
  await page.screenshot({ path: join(ARTIFACTS, 'claims-table-phone.png'), fullPage: true });
  await noAxeViolations('answer with the table open, on a phone');
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(app.pageErrors, []);
});

test('a three-turn conversation: follow-ups resolve against the earlier turns; the table of the last answer', {
  timeout: 120_000,
}, async () => {
  await page.getByRole('button', { name: 'New conversation' }).click();
  const first = await askAndWait('How much did we spend on prescriptions last year?');
  assert.equal(await first.getAttribute('data-status'), 'answered');
  assert.match(
    (await first.locator('.bubble__text').textContent()) ?? '',
    /prescription claims of your family in \d{4} cost \$[\d,]+\.\d\d in total \(the full allowed cost\); the out-of-pocket share was \$[\d,]+\.\d\d/,
  );
  const second = await askAndWait('What about Elena?');
  assert.equal(await second.getAttribute('data-status'), 'answered', (await second.textContent()) ?? '');
  assert.match(
    (await second.locator('.bubble__text').textContent()) ?? '',
    /prescription claims of Elena \(your spouse\) in \d{4} cost \$[\d,]+\.\d\d in total/,
  );
  const third = await askAndWait('Show them');
  assert.equal(await third.getAttribute('data-status'), 'answered', (await third.textContent()) ?? '');
  assert.match(
    (await third.locator('.bubble__text').textContent()) ?? '',
    /^I found \d+ prescription claims in \d{4}, from .* They are listed with this answer\.$/,
  );
  await third.locator('.claims__toggle').click();
  const whos = await third.locator('tbody tr td:nth-child(2)').allTextContents();
  assert.ok(whos.length > 0 && whos.every((w) => w === 'Elena Whitfield'), "only Elena's claims");
  const types = await third.locator('tbody tr td:nth-child(3)').allTextContents();
  assert.ok(
    types.every((t) => t === 'Prescription'),
    types.join(','),
  );
  // One conversation on the server, three turns, the follow-ups stored as asked.
  const turns = await adminQuery<{ question: string; reason_code: string }>(
    app.db.adminUrl,
    `SELECT t.question, t.reason_code FROM app.conversation_turns t JOIN app.conversations c USING (conversation_id)
     WHERE c.person_id = '1000000001-01' ORDER BY c.created_at DESC, t.turn_no LIMIT 3`,
  );
  assert.deepEqual(
    turns.rows.map((t) => t.question),
    ['How much did we spend on prescriptions last year?', 'What about Elena?', 'Show them'],
  );
  await noAxeViolations('three-turn conversation with the table open');
  // For review: the screen as the member sees it (scrolled to the table), and the whole
  // conversation in one picture (the sticky header and question box unstuck for that capture).
  for (const [name, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await third.locator('.claims').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ARTIFACTS, `three-turns-${name}-screen.png`) });
    const unstick = (value: string) =>
      page.evaluate((v) => {
        for (const sel of ['.site-header', '#ask-form'])
          (document.querySelector(sel) as HTMLElement | null)?.style.setProperty('position', v);
      }, value);
    await unstick('static');
    await page.screenshot({ path: join(ARTIFACTS, `three-turns-${name}-full.png`), fullPage: true });
    await unstick('');
  }
  await page.setViewportSize(DESKTOP);
});

test('the question box stays in view after an answer, on a phone and on a desktop', { timeout: 90_000 }, async () => {
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await askAndWait('How many claims did I have this year?');
    await page.waitForTimeout(600); // smooth scrolling settles
    const box = await page.locator('#question').boundingBox();
    const viewport = page.viewportSize();
    assert.ok(box && viewport, 'measured');
    assert.ok(
      box.y >= 0 && box.y + box.height <= viewport.height,
      `question box at ${box.y}..${box.y + box.height} of ${viewport.height}`,
    );
    const actions = await page.locator('#session-actions').boundingBox();
    assert.ok(actions && actions.y >= 0 && actions.y < 160, 'New conversation and Sign out are in view');
  }
});

test('the length limit is stated before anything is cut; nothing too long is sent', { timeout: 30_000 }, async () => {
  const sent = await page.locator('#chat-log .bubble--member').count();
  const long = `How much did I spend ${'and then some more '.repeat(16)}?`;
  assert.ok(long.length > LIMITS.questionMaxChars);
  await page.locator('#question').fill(long);
  assert.equal(await page.locator('#question').inputValue(), long, 'the text is never cut');
  assert.equal(
    await page.locator('#question-counter').textContent(),
    `${long.length} of ${LIMITS.questionMaxChars} characters`,
  );
  const limit = (await page.locator('#question-limit').textContent()) ?? '';
  assert.match(limit, new RegExp(`${long.length} characters long.*up to ${LIMITS.questionMaxChars}`));
  await noAxeViolations('question over the limit');
  await page.locator('#question').press('Enter');
  assert.equal(await page.locator('#chat-log .bubble--member').count(), sent, 'not sent');
  assert.equal(await page.locator('#question').inputValue(), long, 'still there to shorten');
  await page.locator('#question').fill('');
  assert.equal(await page.locator('#question-limit').textContent(), '');
});

test('feedback is stored without names; an admin sees it and makes an evaluation case in one click', {
  timeout: 120_000,
}, async () => {
  const answer = await askAndWait('How many claims did Daniel have last year?');
  const requestId = await page.evaluate(() => {
    const raw = sessionStorage.getItem('claims-chat-session');
    const s = raw ? (JSON.parse(raw) as { messages: { requestId?: string }[] }) : { messages: [] };
    return s.messages.at(-1)?.requestId;
  });
  assert.ok(requestId, 'the answer carries its request id');
  await answer.getByRole('button', { name: 'Yes' }).click();
  await answer.locator('.feedback__status', { hasText: 'Thank you for your feedback.' }).waitFor();
  assert.equal(await answer.getByRole('button', { name: 'Yes' }).getAttribute('aria-pressed'), 'true');
  await noAxeViolations('feedback given, comment box open');
  await answer.getByRole('textbox', { name: /Anything to add/ }).fill('Daniel Whitfield says the count looks right.');
  await answer.getByRole('button', { name: 'Send comment' }).click();
  await answer.locator('.feedback__status', { hasText: 'your comment was sent' }).waitFor();

  const stored = await adminQuery<Record<string, unknown>>(
    app.db.adminUrl,
    'SELECT * FROM public.answer_feedback WHERE request_id = $1',
    [requestId],
  );
  const row = stored.rows[0];
  assert.ok(row, 'stored');
  assert.equal(row.helpful, true);
  assert.equal(row.asker_relationship, 'subscriber');
  assert.doesNotMatch(JSON.stringify(row), /Daniel|Whitfield|1000000001/, 'no names, no member id');
  assert.match(String(row.question), /\{\{first_name:subscriber\}\}/);
  assert.match(String(row.comment), /\{\{first_name:subscriber\}\} \{\{last_name\}\} says/);
  assert.deepEqual(
    Object.keys(row).filter((k) => /member|person|rows/.test(k)),
    [],
  );

  // The admin page lists it; one click makes the evaluation case.
  const admin = await app.browser.newPage({ viewport: DESKTOP });
  try {
    await admin.goto(`${app.server.url}/admin.html`);
    await admin.locator('#admin-sign-in-button').click();
    // The admin client's hosted sign-in (the dev issuer's picker).
    await admin.locator('#person-picker').selectOption('1000000001-01');
    await admin.locator('#sign-in-button').click();
    const item = admin.locator('#feedback-list li').first();
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /Helpful.*asked by a subscriber/);
    assert.deepEqual(await axeViolations(admin), [], 'axe: admin feedback list');
    await item.getByRole('button', { name: 'Make an evaluation case' }).click();
    await item.locator('.admin-message', { hasText: /Made feedback-\d+: the next evaluation runs it/ }).waitFor();
    const cases = await adminQuery<{ case_id: string; question: string; member: string; expected: { sql?: string } }>(
      app.db.adminUrl,
      'SELECT case_id, question, member, expected FROM public.eval_cases',
    );
    assert.equal(cases.rows.length, 1);
    assert.equal(cases.rows[0]?.member, '1000000001', 'runs for the demo family');
    assert.match(
      cases.rows[0]?.question ?? '',
      /^How many claims did [A-Z][a-z]+ have last year\?$/,
      'names put back from the demo family',
    );
    assert.match(cases.rows[0]?.expected.sql ?? '', /member_id = \{\{member_id\}\}/);
  } finally {
    await admin.close();
  }
});

test('the conversation survives a reload and goes on in the same server conversation', {
  timeout: 90_000,
}, async () => {
  const before = await page.locator('#chat-log .bubble').count();
  const conversations = await serverConversations();
  const current = conversations.at(-1);
  assert.ok(current);
  await page.reload();
  await page.locator('#signed-in-as', { hasText: 'Signed in as' }).waitFor();
  assert.equal(await page.locator('#chat-log .bubble').count(), before, 'every message is back');
  assert.equal(await page.locator('#session-actions').isVisible(), true);
  assert.equal(await page.locator('#sign-in').isVisible(), false, 'still signed in: the tokens are in the tab too');
  await noAxeViolations('after a reload');
  await askAndWait('How many claims did I have last month?');
  const after = await serverConversations();
  assert.equal(after.length, conversations.length, 'no new conversation');
  assert.equal(after.at(-1)?.turns, current.turns + 1, 'the same one, one turn more');
});

test('"please wait" says when, from Retry-After; it is not an error', { timeout: 30_000 }, async () => {
  await page.route(
    '**/v1/ask',
    (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '37' },
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Please wait a minute and try again.' } }),
      }),
    { times: 1 },
  );
  const notice = await askAndWait('How many claims did I have this year?');
  assert.equal(await notice.getAttribute('data-status'), 'notice');
  assert.equal(await notice.locator('.bubble__label').textContent(), 'Please wait');
  assert.match((await notice.locator('.bubble__text').textContent()) ?? '', /Please wait 37 seconds/);
  await noAxeViolations('please-wait notice');
});

test('New conversation clears the page and deletes the old conversation on the server', {
  timeout: 60_000,
}, async () => {
  const old = (await serverConversations()).at(-1)?.id;
  assert.ok(old);
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.locator('#signed-in-as', { hasText: 'Started a new conversation' }).waitFor();
  assert.equal(await page.locator('#chat-log .bubble').count(), 0);
  for (let i = 0; i < 20 && (await serverConversations()).some((c) => c.id === old); i++)
    await page.waitForTimeout(100);
  assert.ok(!(await serverConversations()).some((c) => c.id === old), 'the old one is gone');
  await askAndWait('How many claims did I have this year?');
  assert.equal((await serverConversations()).at(-1)?.turns, 1, 'a fresh conversation');
});

test('Sign out deletes the conversations on the server and the session in the tab', { timeout: 60_000 }, async () => {
  // Sign out deletes the server's conversations, then ends the hosted session and comes back.
  await signOutAndBack(page, () => page.getByRole('button', { name: 'Sign out' }).click());
  await page.locator('#signed-in-as', { hasText: 'You are signed out' }).waitFor();
  assert.equal(await page.locator('#chat-log .bubble').count(), 0);
  assert.deepEqual(await serverConversations(), []);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('claims-chat-session')), null);
  assert.equal(await page.locator('#sign-in').isVisible(), true);
  assert.equal(
    await page.evaluate(() => sessionStorage.getItem('claims-sign-in-tokens:claims-assistant-local')),
    null,
    'nor the tokens',
  );
  await noAxeViolations('signed out again');
  await page.reload();
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#chat-log .bubble').count(), 0, 'nothing comes back after a reload');
  assert.deepEqual(app.pageErrors, []);
});
