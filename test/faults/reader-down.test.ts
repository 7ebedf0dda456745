/**
 * Member reads go to DB_READER_HOST when it is set (the writer keeps the audit, rate limit and
 * conversations). A reader that is down fails the ask the friendly way — 503 DB_UNAVAILABLE with
 * Retry-After, as a writer outage does — while the writer still records the audit row; health
 * names the reader; and with a reader that works, asks are answered.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';
import { askOnce, assertDocumentedOutcomes, memberTokens, tally } from '../support/load.ts';

const BUDGET_MS = 8_000;
const QUESTION = 'How many claims did I have last year?';

let db: TestDatabase;
let down: LocalServer;
let up: LocalServer;

before(async () => {
  db = await freshDatabase();
  const env = { ASK_RATE_LIMIT: '100000', ASK_BUDGET_MS: '6000' };
  // Nothing listens on 127.0.0.2 (the server listens on 127.0.0.1 only): a reader that is gone.
  down = await startLocalServer({ databaseUrl: db.adminUrl, env: { ...env, DB_READER_HOST: '127.0.0.2' } });
  up = await startLocalServer({ databaseUrl: db.adminUrl, env: { ...env, DB_READER_HOST: '127.0.0.1' } });
});

after(async () => {
  await down?.stop();
  await up?.stop();
  await db?.drop();
});

test('reader down: asks are 503 DB_UNAVAILABLE with Retry-After, and the writer still has their audit rows', async () => {
  const tokens = await memberTokens(down);
  const outcomes = await Promise.all(tokens.map((t) => askOnce(down.url, t, QUESTION, BUDGET_MS)));
  assertDocumentedOutcomes(outcomes, BUDGET_MS);
  for (const o of outcomes) {
    assert.equal(o.status, 503, JSON.stringify(tally(outcomes)));
    assert.equal(o.code, 'DB_UNAVAILABLE');
    assert.ok(Number(o.retryAfter) > 0, 'Retry-After');
  }
  const ids = outcomes.map((o) => o.requestId ?? '');
  const audited = await adminQuery<{ n: number }>(
    db.adminUrl,
    "SELECT count(*)::int AS n FROM ask_audit WHERE request_id = ANY ($1) AND reason_code = 'DB_UNAVAILABLE'",
    [ids],
  );
  assert.equal(audited.rows[0]?.n, outcomes.length, 'audit rows on the writer');
});

test('reader down: health is 503 and names the reader; the writer check passes', async () => {
  const res = await fetch(`${down.url}/v1/health`);
  const body = (await res.json()) as { checks: Record<string, { status: string }> };
  assert.equal(res.status, 503);
  assert.ok(Number(res.headers.get('retry-after')) > 0);
  assert.equal(body.checks.databaseReader?.status, 'failing');
  assert.equal(body.checks.database?.status, 'ok');
});

test('a reader that works: asks are answered from it, health is ok', async () => {
  const tokens = await memberTokens(up);
  const outcomes = await Promise.all(tokens.map((t) => askOnce(up.url, t, QUESTION, BUDGET_MS)));
  assertDocumentedOutcomes(outcomes, BUDGET_MS);
  for (const o of outcomes) assert.equal(o.status, 200, JSON.stringify(tally(outcomes)));
  const res = await fetch(`${up.url}/v1/health`);
  const body = (await res.json()) as { checks: Record<string, { status: string }> };
  assert.equal(res.status, 200);
  assert.equal(body.checks.databaseReader?.status, 'ok');
});
