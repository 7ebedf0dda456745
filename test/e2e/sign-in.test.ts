/**
 * The production sign-in code path in Chromium (frontend/auth.js, oauth4webapi) against the local
 * dev issuer, which speaks Cognito's hosted sign-in endpoints: authorization-code flow with PKCE,
 * silent renewal with the refresh token, sign-out everywhere (revocation, the other tabs, the
 * hosted session), the tokens in the tab's sessionStorage (a reload stays signed in; a sign-out
 * or a 401 clears them; never localStorage), and the admin page through its own app client. No
 * shortcut: the browser is redirected to the issuer, a person is picked on its page, and the page
 * exchanges the code.
 *
 * Screenshots of the flow go to /tmp/claims-sign-in/ (outside the repository).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { type AppPage, openAppPage, signOutAndBack } from '../support/browser.ts';

const SHOTS = '/tmp/claims-sign-in';
/** Short-lived ID tokens, so the silent renewal happens within the test. */
const TOKEN_TTL_SECONDS = 6;
const SUBSCRIBER = '1000000001-01';

let app: AppPage;
let page: Page;
let context: BrowserContext;
const cspViolations: string[] = [];
/** Token endpoint responses the page received (to replay codes and refresh tokens). */
const tokenResponses: { grant: string; body: Record<string, unknown> }[] = [];
let signInRequest: Request | undefined;
let codeExchange: URLSearchParams | undefined;

before(
  async () => {
    await mkdir(SHOTS, { recursive: true });
    app = await openAppPage({ width: 1100, height: 800 }, { signInTokenTtlSeconds: TOKEN_TTL_SECONDS });
    ({ page } = app);
    context = page.context();
    context.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    context.on('response', async (res) => {
      if (!res.url().endsWith('/dev/oauth2/token')) return;
      const form = new URLSearchParams(res.request().postData() ?? '');
      tokenResponses.push({ grant: form.get('grant_type') ?? '', body: (await res.json()) as Record<string, unknown> });
    });
  },
  { timeout: 180_000 },
);

after(async () => {
  await app?.close();
});

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, name), fullPage: true });

/** The member client's tokens in the tab's sessionStorage (auth.js), if any. */
const TOKENS_KEY = 'claims-sign-in-tokens:claims-assistant-local';
const storedTokens = (p: Page) =>
  p.evaluate(
    (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null') as { idToken?: string; refreshToken?: string } | null,
    TOKENS_KEY,
  );
/** What the page keeps in localStorage, and in sessionStorage besides the tokens and the conversation. */
const otherStorage = (p: Page) =>
  p.evaluate(
    (key) =>
      JSON.stringify([
        Object.entries(localStorage),
        Object.entries(sessionStorage).filter(([k]) => k !== key && k !== 'claims-chat-session'),
      ]),
    TOKENS_KEY,
  );

async function postForm(path: string, form: Record<string, string>) {
  const res = await fetch(`${app.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('signed out, the chat page offers Sign in and no Admin link', { timeout: 30_000 }, async () => {
  await page.goto(app.server.url);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#admin-link').isVisible(), false, 'members never see the Admin link');
  assert.equal(await page.locator('#sign-out').isVisible(), false);
  assert.equal(await page.locator('#dev-sign-in-note').isVisible(), true, 'locally the page says it is a demo');
  await shot(page, '01-chat-signed-out.png');
});

test('Sign in sends the browser to the issuer with PKCE (S256), state and nonce', { timeout: 30_000 }, async () => {
  const requested = page.waitForRequest((r) => r.url().includes('/dev/oauth2/authorize'));
  await page.locator('#sign-in-button').click();
  signInRequest = await requested;
  await page.locator('#person-picker').waitFor();
  const q = new URL(signInRequest.url()).searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), 'claims-assistant-local');
  assert.equal(q.get('redirect_uri'), `${app.server.url}/`);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('scope') ?? '', /\bopenid\b/);
  assert.match(q.get('state') ?? '', /^[\w-]{20,}$/);
  assert.match(q.get('nonce') ?? '', /^[\w-]{20,}$/);
  // The verifier waits in this origin's sessionStorage for the one redirect back, and hashes to the challenge.
  const pending = JSON.parse((await page.evaluate(() => sessionStorage.getItem('claims-sign-in-pending'))) ?? '{}') as {
    verifier?: string;
    state?: string;
  };
  assert.ok(pending.verifier && pending.verifier.length >= 43, 'a PKCE verifier of at least 43 characters');
  assert.equal(createHash('sha256').update(pending.verifier).digest('base64url'), q.get('code_challenge'));
  assert.equal(pending.state, q.get('state'));
  assert.ok((await page.locator('#person-picker optgroup').count()) >= 4, 'the picker lists the seeded families');
  await shot(page, '02-issuer-person-picker.png');
});

test("picking a person returns with a code the page exchanges once; tokens only in the tab's sessionStorage", {
  timeout: 30_000,
}, async () => {
  const exchanged = page.waitForRequest((r) => r.url().endsWith('/dev/oauth2/token'));
  await page.locator('#person-picker').selectOption(SUBSCRIBER);
  await page.locator('#sign-in-button').click();
  codeExchange = new URLSearchParams((await exchanged).postData() ?? '');
  await page.locator('#signed-in-as', { hasText: /^Signed in as \S+ \S+\.$/ }).waitFor();

  assert.equal(codeExchange.get('grant_type'), 'authorization_code');
  assert.equal(codeExchange.get('client_id'), 'claims-assistant-local');
  assert.match(codeExchange.get('code_verifier') ?? '', /^[\w.~-]{43,128}$/);
  assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'question', 'focus moves to the question box');
  assert.equal(await page.locator('#sign-in').isVisible(), false);
  assert.equal(await page.locator('#sign-out').isVisible(), true);
  assert.equal(await page.locator('#admin-link').isVisible(), false, 'a member sees no Admin link');
  const tokens = await storedTokens(page);
  const issued = tokenResponses.find((t) => t.grant === 'authorization_code')?.body;
  assert.equal(tokens?.idToken, issued?.id_token, "the ID token is kept in the tab's sessionStorage");
  assert.equal(tokens?.refreshToken, issued?.refresh_token);
  assert.doesNotMatch(await otherStorage(page), /eyJ|refresh|verifier/i, 'nowhere else, no leftover sign-in state');

  // The code was for one use: replaying the exchange fails.
  const replay = await postForm('/dev/oauth2/token', Object.fromEntries(codeExchange));
  assert.equal(replay.status, 400);
  assert.equal(replay.body.error, 'invalid_grant');
  await shot(page, '03-chat-signed-in.png');
});

test('the signed-in page asks with the ID token', { timeout: 60_000 }, async () => {
  const answers = page.locator('#chat-log .bubble--assistant[data-status]');
  const before = await answers.count();
  await page.locator('#question').fill('How many claims did I have last year?');
  await page.locator('#question').press('Enter');
  await answers.nth(before).waitFor({ timeout: 45_000 });
  assert.equal(await answers.nth(before).getAttribute('data-status'), 'answered');
});

test('the ID token is renewed silently with the refresh token before it expires', { timeout: 60_000 }, async () => {
  const renewed = await page.waitForRequest(
    (r) => r.url().endsWith('/dev/oauth2/token') && (r.postData() ?? '').includes('grant_type=refresh_token'),
    { timeout: TOKEN_TTL_SECONDS * 1000 + 5000 },
  );
  assert.ok(renewed);
  // Past the first token's lifetime the page still asks successfully: it uses the renewed token.
  await page.waitForTimeout(TOKEN_TTL_SECONDS * 1000);
  const answers = page.locator('#chat-log .bubble--assistant[data-status]');
  const before = await answers.count();
  await page.locator('#question').fill('How much did I spend on prescriptions this year?');
  await page.locator('#question').press('Enter');
  await answers.nth(before).waitFor({ timeout: 45_000 });
  assert.equal(await answers.nth(before).getAttribute('data-status'), 'answered');
  assert.ok(tokenResponses.filter((t) => t.grant === 'refresh_token').length >= 2, 'renewed again and again');
  const latest = tokenResponses.filter((t) => t.grant === 'refresh_token').at(-1)?.body.id_token;
  await page.waitForFunction(
    ([key, token]) => JSON.parse(sessionStorage.getItem(key as string) ?? '{}').idToken === token,
    [TOKENS_KEY, latest],
  );
  assert.doesNotMatch(await otherStorage(page), /eyJ/);
});

test("a reload stays signed in from the tab's sessionStorage (no new sign-in) and keeps the conversation", {
  timeout: 60_000,
}, async () => {
  const bubbles = await page.locator('#chat-log .bubble').count();
  assert.ok(bubbles >= 4, 'two questions and their answers');
  const codeExchanges = tokenResponses.filter((t) => t.grant === 'authorization_code').length;
  let authorizeCalls = 0;
  const onRequest = (r: Request) => {
    if (r.url().includes('/dev/oauth2/authorize')) authorizeCalls += 1;
  };
  page.on('request', onRequest);
  await page.reload();
  await page.locator('#signed-in-as', { hasText: /^Signed in as / }).waitFor();
  page.off('request', onRequest);
  assert.equal(authorizeCalls, 0, 'no trip to the issuer');
  assert.equal(tokenResponses.filter((t) => t.grant === 'authorization_code').length, codeExchanges);
  assert.equal(await page.locator('#chat-log .bubble').count(), bubbles, 'every message is back');
  const answers = page.locator('#chat-log .bubble--assistant[data-status]');
  const before = await answers.count();
  await page.locator('#question').fill('How many claims did I have this year?');
  await page.locator('#question').press('Enter');
  await answers.nth(before).waitFor({ timeout: 45_000 });
  assert.equal(await answers.nth(before).getAttribute('data-status'), 'answered', 'the restored token works');
});

test('Sign out signs out everywhere: refresh token revoked, other tabs, hosted session', {
  timeout: 60_000,
}, async () => {
  // A second tab: the issuer's session signs it in without the picker (as Cognito's cookie does).
  const tab2 = await context.newPage();
  await tab2.goto(app.server.url);
  await tab2.locator('#sign-in-button').click();
  await tab2.locator('#signed-in-as', { hasText: 'Signed in as' }).waitFor();
  assert.ok(!tab2.url().includes('/dev/oauth2/authorize'));

  const refreshToken = tokenResponses.find((t) => t.grant === 'authorization_code')?.body.refresh_token;
  assert.equal(typeof refreshToken, 'string');
  const revoked = page.waitForRequest((r) => r.url().endsWith('/dev/oauth2/revoke'));
  const loggedOut = page.waitForRequest((r) => r.url().includes('/dev/logout'));
  await signOutAndBack(page, () => page.locator('#sign-out').click());
  const revocation = new URLSearchParams((await revoked).postData() ?? '');
  assert.equal(revocation.get('token'), refreshToken);
  const logout = new URL((await loggedOut).url()).searchParams;
  assert.equal(logout.get('client_id'), 'claims-assistant-local');
  assert.equal(logout.get('logout_uri'), `${app.server.url}/`);
  await page.waitForURL(`${app.server.url}/`);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  await page.locator('#signed-in-as', { hasText: 'You are signed out' }).waitFor();
  assert.equal(await page.locator('#chat-log .bubble').count(), 0, "the previous person's answers are gone");
  assert.equal(await storedTokens(page), null, 'the tokens are gone from the tab');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('claims-chat-session')), null);

  // The other tab forgot its tokens too.
  await tab2.locator('#signed-in-as', { hasText: 'You signed out in another tab.' }).waitFor();
  assert.equal(await tab2.locator('#sign-in').isVisible(), true);
  assert.equal(await storedTokens(tab2), null, 'and from its sessionStorage');
  await shot(tab2, '04-other-tab-signed-out.png');
  await tab2.close();

  // The refresh token no longer works.
  const refresh = await postForm('/dev/oauth2/token', {
    grant_type: 'refresh_token',
    client_id: 'claims-assistant-local',
    refresh_token: String(refreshToken),
  });
  assert.equal(refresh.status, 400);
  assert.equal(refresh.body.error, 'invalid_grant');

  // The hosted session ended: signing in again shows the picker.
  await page.locator('#sign-in-button').click();
  await page.locator('#person-picker').waitFor();
  await shot(page, '05-picker-again-after-sign-out.png');
  await page.goto(app.server.url);
});

test('the issuer refuses a sign-in without PKCE or with an unregistered redirect', { timeout: 15_000 }, async () => {
  const q = new URLSearchParams(new URL(signInRequest?.url() ?? '').searchParams);
  q.delete('code_challenge');
  const noPkce = await fetch(`${app.server.url}/dev/oauth2/authorize?${q}`, { redirect: 'manual' });
  assert.equal(noPkce.status, 302);
  assert.equal(new URL(noPkce.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
  const q2 = new URLSearchParams(new URL(signInRequest?.url() ?? '').searchParams);
  q2.set('redirect_uri', 'https://evil.example/');
  const evil = await fetch(`${app.server.url}/dev/oauth2/authorize?${q2}`, { redirect: 'manual' });
  assert.equal(evil.status, 400, 'never redirects to an unregistered URI');
});

test('the admin page signs in through its own client and role; a member token gets 403', {
  timeout: 60_000,
}, async () => {
  const member = await app.server.issuer.issue({ memberId: '1000000002', personId: '1000000002-01' });
  const res = await fetch(`${app.server.url}/v1/admin/templates`, { headers: { authorization: `Bearer ${member}` } });
  assert.equal(res.status, 403);

  await page.goto(`${app.server.url}/admin.html`);
  const requested = page.waitForRequest((r) => r.url().includes('/dev/oauth2/authorize'));
  await page.locator('#admin-sign-in-button').click();
  const q = new URL((await requested).url()).searchParams;
  assert.equal(q.get('client_id'), 'claims-assistant-local-admin');
  assert.equal(q.get('redirect_uri'), `${app.server.url}/admin.html`);
  await page.locator('#person-picker').selectOption(SUBSCRIBER);
  await shot(page, '06-admin-picker.png');
  await page.locator('#sign-in-button').click();
  await page.locator('#admin-signed-in', { hasText: '(admin)' }).waitFor();
  await page.locator('#editing-label', { hasText: 'sql v' }).waitFor();
  await shot(page, '07-admin-signed-in.png');
});

test('no page errors and no Content-Security-Policy violations', () => {
  assert.deepEqual(app.pageErrors, []);
  assert.deepEqual(cspViolations, []);
});
