/**
 * Answers as members of every role read them in the chat, each with "What I looked up" under it
 * (derived from the validated SQL): signed in through the dev issuer's hosted sign-in page, on the real local server
 * (embedded PostgreSQL, the Bedrock stand-in with the offline engine), in Debian's Chromium.
 * Each answer is captured to test/e2e/artifacts/answer-N.png for review.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type AppPage, ARTIFACTS, openAppPage, signOutAndBack } from '../support/browser.ts';

let app: AppPage;
let page: Page;

before(async () => {
  app = await openAppPage({ width: 900, height: 900 });
  page = app.page;
  await page.goto(app.server.url);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
});

after(async () => {
  await app?.close();
});

async function signIn(personId: string): Promise<void> {
  // Signed in already: Sign out (in the header) ends the hosted session and comes back signed out.
  if (await page.locator('#sign-out').isVisible()) {
    await signOutAndBack(page, () => page.locator('#sign-out').click());
    await page.locator('#signed-in-as', { hasText: 'You are signed out' }).waitFor();
    await page.locator('#sign-in').waitFor({ state: 'visible' });
  }
  // The dev issuer's hosted sign-in page: pick the person there.
  await page.locator('#sign-in-button').click();
  await page.locator('#person-picker').waitFor({ state: 'visible' });
  await page.locator('#person-picker').selectOption(personId);
  await page.locator('#sign-in-button').click();
  await page.locator('#signed-in-as', { hasText: 'Signed in as' }).waitFor();
}

async function askAndRead(question: string): Promise<{ status: string | null; text: string; looked: string }> {
  const answers = page.locator('#chat-log .bubble--assistant[data-status]');
  const before = await answers.count();
  await page.locator('#question').fill(question);
  await page.locator('#send-button').click();
  const answer = answers.nth(before);
  await answer.waitFor({ timeout: 45_000 });
  return {
    status: await answer.getAttribute('data-status'),
    text: (await answer.locator('.bubble__text').textContent()) ?? '',
    looked:
      (await answer
        .locator('.bubble__interpretation')
        .textContent()
        .catch(() => '')) ?? '',
  };
}

const samples: { person: string; question: string; status: string; looked: RegExp }[] = [
  {
    person: '1000000001-02', // Elena, the spouse
    question: 'How much did my husband spend on prescriptions this year?',
    status: 'answered',
    looked: /prescription claims of Daniel \(your spouse\) in \d{4}\./,
  },
  {
    person: '1000000003-01', // Robert, the grandparent (subscriber)
    question: 'How many claims did my granddaughter have last year?',
    status: 'answered',
    looked: /the number of claims of Amara \(a dependent on your plan\) in \d{4}\./,
  },
  {
    person: '1000000004-02', // Tomas, the spouse
    question: 'Which of my claims were over $500?',
    status: 'answered',
    looked: /your claims where what the provider billed is more than \$500\.00/,
  },
  {
    person: '1000000001-04', // Lucas, a minor
    question: '¿Cuántas recetas tuve este año?',
    status: 'answered',
    looked: /^Lo que busqué: el número de sus reclamaciones de recetas en \d{4}\.$/,
  },
  {
    person: '1000000001-01', // Daniel, the subscriber, about his adult daughter
    question: "How much were Sophie's prescriptions last year?",
    status: 'withheld',
    looked: /Sophie \(your daughter, private\)/,
  },
  {
    person: '1000000004-01', // Grace, the subscriber, about her husband's deductible (benefits)
    question: "How much of my husband's deductible is left?",
    status: 'answered',
    looked:
      /the deductible and how much of it Tomas \(your spouse\) has met, with the family's total, in the \d{4} plan year, in network\./,
  },
];

samples.forEach((s, i) => {
  test(`${s.person}: "${s.question}" shows the answer and what was looked up`, { timeout: 120_000 }, async () => {
    await signIn(s.person);
    const r = await askAndRead(s.question);
    assert.equal(r.status, s.status, r.text);
    assert.match(r.looked, s.looked);
    await page.screenshot({ path: join(ARTIFACTS, `answer-${i + 1}.png`), fullPage: true });
  });
});

test('a question the data cannot answer is refused clearly, with no figure', { timeout: 120_000 }, async () => {
  await signIn('1000000002-01');
  const r = await askAndRead('How much is my monthly premium?');
  assert.equal(r.status, 'refused');
  assert.match(r.text, /can't see your premium/);
  assert.doesNotMatch(r.text, /\$\d/);
  assert.deepEqual(app.pageErrors, []);
});
