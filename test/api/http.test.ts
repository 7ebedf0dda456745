/**
 * The REST API as integrators call it: the local server runs the same Lambda handlers that
 * API Gateway invokes, with tokens from the local dev issuer verified over its JWKS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const SINGLE = DEMO_MEMBER_IDS.single;
const RATE_LIMIT = 6;

let db: TestDatabase;
let server: LocalServer;
let token: string;

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const askWith = (auth: string | undefined, body: unknown) =>
  post(
    '/v1/ask',
    typeof body === 'string' ? body : JSON.stringify(body),
    auth ? { authorization: `Bearer ${auth}` } : {},
  );

before(async () => {
  db = await freshDatabase();
  server = await startLocalServer({ databaseUrl: db.adminUrl, env: { ASK_RATE_LIMIT: String(RATE_LIMIT) } });
  token = await server.issuer.issue({ memberId: FAMILY, personId: `${FAMILY}-01` });
});

after(async () => {
  await server?.stop();
  await db?.drop();
});

describe('POST /v1/ask', () => {
  test('answers a signed-in member with {status, code, answer, requestId, rowCount}', async () => {
    const { status, json } = await askWith(token, { question: 'How many claims did I have last year?' });
    assert.equal(status, 200);
    assert.equal(json.status, 'answered');
    assert.equal(json.code, 'OK');
    assert.match(String(json.answer), /\d/);
    assert.match(String(json.requestId), /^[0-9a-f-]{36}$/);
    assert.equal(json.rowCount, 1);
    assert.equal(json.sql, undefined, 'the API never returns SQL');
    assert.equal(json.notIncluded, undefined, 'only about the asker: nobody left out');
  });

  test('ignores a member id in the body: identity comes from the token only', async () => {
    const mine = await askWith(token, { question: 'How many claims did we have?' });
    const spoofed = await askWith(token, {
      question: 'How many claims did we have?',
      memberId: SINGLE,
      member_id: SINGLE,
    });
    assert.equal(spoofed.status, 200);
    assert.equal(spoofed.json.answer, mine.json.answer);
    // About the whole family: the adult daughter's claims are not included, and the API says so.
    assert.deepEqual(mine.json.notIncluded, ['Sophie Whitfield']);
    assert.match(String(mine.json.answer), /Sophie Whitfield are not included/);
  });

  for (const [name, body, code] of [
    ['bad JSON', '{"question": ', 'BAD_JSON'],
    ['no question', '{}', 'QUESTION_MISSING'],
    ['an empty question', '{"question": "   "}', 'QUESTION_MISSING'],
    ['a question that is not text', '{"question": 42}', 'QUESTION_MISSING'],
    ['an oversized question', JSON.stringify({ question: 'x'.repeat(301) }), 'QUESTION_TOO_LONG'],
  ] as const) {
    test(`400 with a clear JSON error for ${name}`, async () => {
      const { status, json } = await askWith(token, body);
      assert.equal(status, 400);
      assert.equal((json.error as { code: string }).code, code);
      assert.ok((json.error as { message: string }).message.length > 10);
    });
  }

  test('413 for a body far larger than any question', async () => {
    const { status, json } = await askWith(token, JSON.stringify({ question: 'x'.repeat(5000) }));
    assert.equal(status, 413);
    assert.equal((json.error as { code: string }).code, 'BODY_TOO_LARGE');
  });

  test('405 for a method other than POST', async () => {
    const res = await fetch(`${server.url}/v1/ask`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'METHOD_NOT_ALLOWED');
  });

  test('401 without a token, with a forged token, and with an expired token', async () => {
    const missing = await askWith(undefined, { question: 'How many claims?' });
    assert.equal(missing.status, 401);
    assert.equal((missing.json.error as { code: string }).code, 'TOKEN_MISSING');

    const [h, p] = token.split('.');
    const forged = await askWith(`${h}.${p}.${'A'.repeat(342)}`, { question: 'How many claims?' });
    assert.equal(forged.status, 401);

    const expired = await server.issuer.issue({
      memberId: FAMILY,
      personId: `${FAMILY}-01`,
      ttlSeconds: 60,
      issuedAt: new Date(Date.now() - 3_600_000),
    });
    const old = await askWith(expired, { question: 'How many claims?' });
    assert.equal(old.status, 401);
    assert.equal((old.json.error as { code: string }).code, 'TOKEN_EXPIRED');
  });

  test('a friendly 429 once a family has asked too often', async () => {
    const other = await server.issuer.issue({ memberId: SINGLE, personId: `${SINGLE}-01` });
    const statuses: number[] = [];
    let last: Record<string, unknown> = {};
    let retryAfter: string | null = null;
    for (let i = 0; i <= RATE_LIMIT; i++) {
      const r = await askWith(other, { question: 'How many claims did I have?' });
      statuses.push(r.status);
      last = r.json;
      retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses, [...Array(RATE_LIMIT).fill(200), 429]);
    assert.equal((last.error as { code: string }).code, 'RATE_LIMITED');
    // When the family may ask again: within the window (60 s by default), at least 1 s.
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
    assert.match((last.error as { message: string }).message, /wait a minute/);
  });

  test('every ask leaves an audit row with ids, reason code and timings only', async () => {
    const { json } = await askWith(token, { question: 'How much did I spend on prescriptions this year?' });
    const { adminQuery } = await import('../support/db.ts');
    const rows = await adminQuery(db.adminUrl, 'SELECT * FROM ask_audit WHERE request_id::text = $1', [json.requestId]);
    assert.equal(rows.rowCount, 1);
    const row = rows.rows[0] as Record<string, unknown>;
    assert.equal(String(row.member_id), FAMILY);
    assert.equal(row.reason_code, json.code);
    assert.ok(!JSON.stringify(row).includes('prescriptions'), 'no question text in the audit');
  });
});

describe('GET /v1/health', () => {
  test('reports the database and the template store', async () => {
    const res = await fetch(`${server.url}/v1/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    assert.equal(body.status, 'ok');
    assert.equal(body.checks.database?.status, 'ok');
    assert.equal(body.checks.templates?.status, 'ok');
  });
});
