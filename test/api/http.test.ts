/**
 * The REST API as integrators call it: the local server runs the same Lambda handlers that
 * API Gateway invokes, with tokens from the local dev issuer verified over its JWKS. Every
 * response is checked against openapi/openapi.json (startCheckedServer).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { type CheckedServer, startCheckedServer } from '../support/checked-server.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const SINGLE = DEMO_MEMBER_IDS.single;
const RATE_LIMIT = 6;
const PORTAL = 'https://portal.example.com';

let db: TestDatabase;
let server: CheckedServer;
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
  server = await startCheckedServer({
    databaseUrl: db.adminUrl,
    env: { ASK_RATE_LIMIT: String(RATE_LIMIT), CORS_ALLOWED_ORIGINS: PORTAL },
  });
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

  test('refuses a member id in the body, as the deployed API does: identity comes from the token only', async () => {
    const spoofed = await askWith(token, {
      question: 'How many claims did we have?',
      memberId: SINGLE,
      member_id: SINGLE,
    });
    assert.equal(spoofed.status, 400);
    assert.equal((spoofed.json.error as { code: string }).code, 'BAD_REQUEST_BODY');
    assert.match((spoofed.json.error as { message: string }).message, /unknown field "memberId"/);
  });

  test('a question about the whole family says who is not included', async () => {
    const mine = await askWith(token, { question: 'How many claims did we have?' });
    assert.equal(mine.status, 200);
    // About the whole family: the adult daughter's claims are not included, and the API says so.
    assert.deepEqual(mine.json.notIncluded, ['Sophie Whitfield']);
    assert.match(String(mine.json.answer), /Sophie Whitfield are not included/);
  });

  for (const [name, body, code] of [
    ['bad JSON', '{"question": ', 'BAD_JSON'],
    ['an empty body', '', 'BAD_JSON'],
    ['no question', '{}', 'QUESTION_MISSING'],
    ['an empty question', '{"question": "   "}', 'QUESTION_MISSING'],
    ['a question that is not text', '{"question": 42}', 'BAD_REQUEST_BODY'],
    ['a body that is not an object', '["How many claims?"]', 'BAD_REQUEST_BODY'],
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

  test('405 with Allow for a method other than POST (before any sign-in check, as at API Gateway)', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${server.url}/v1/ask`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'METHOD_NOT_ALLOWED');
    }
  });

  test('415 for a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: '{"question": "How many claims?"}',
    });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('no Content-Type counts as JSON, as at API Gateway', async () => {
    const res = await fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new Blob(['{"question": "How many claims did I have last year?"}']),
    });
    assert.equal(res.status, 200);
  });

  test('401 without a token, with a forged token, and with an expired token', async () => {
    const missing = await askWith(undefined, { question: 'How many claims?' });
    assert.equal(missing.status, 401);
    assert.equal((missing.json.error as { code: string }).code, 'TOKEN_MISSING');
    const challenge = await fetch(`${server.url}/v1/ask`, { method: 'POST', body: '{"question": "x"}' });
    assert.equal(challenge.headers.get('www-authenticate'), 'Bearer realm="claims-assistant"');
    const rejected = await fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { authorization: 'Bearer not.a.token' },
      body: '{"question": "x"}',
    });
    assert.equal(rejected.headers.get('www-authenticate'), 'Bearer realm="claims-assistant", error="invalid_token"');

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
    const again = await fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
      body: '{"question": "How many claims did I have?"}',
    });
    assert.equal(again.status, 429);
    const wait = Number(again.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After on a raw 429 too: ${wait}`);
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

describe('the API as the OpenAPI document describes it', () => {
  test('GET /v1/openapi.json serves the repository document', async () => {
    const res = await fetch(`${server.url}/v1/openapi.json`);
    assert.equal(res.status, 200);
    const served = await res.json();
    const file = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
    assert.deepEqual(served, file);
    assert.equal((served as { openapi: string }).openapi, '3.1.0');
  });

  test('POST /v1/health and PUT /v1/openapi.json are refused with 405 and Allow, as the deployed API refuses them', async () => {
    const health = await fetch(`${server.url}/v1/health`, { method: 'POST', body: '{}' });
    assert.equal(health.status, 405);
    assert.equal(health.headers.get('allow'), 'GET');
    const put = await fetch(`${server.url}/v1/openapi.json`, { method: 'PUT', body: '{}' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET');
  });

  test('a path the document does not have is a 404 in the error shape, with x-request-id', async () => {
    const res = await fetch(`${server.url}/v1/nothing-here`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string }; requestId: string };
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.equal(res.headers.get('x-request-id'), body.requestId);
  });

  test('every response carries x-request-id; an error body repeats it', async () => {
    const ok = await fetch(`${server.url}/v1/health`);
    assert.match(ok.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const bad = await askWith(token, '{"question": ');
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.requestId), /^[0-9a-f-]{36}$/);
  });

  test('an OPTIONS preflight is answered (204, not 401) with the path methods and CORS for the portal', async () => {
    const res = await fetch(`${server.url}/v1/ask`, {
      method: 'OPTIONS',
      headers: {
        origin: PORTAL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), PORTAL);
    assert.equal(res.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const admin = await fetch(`${server.url}/v1/admin/templates/sql/versions/1`, {
      method: 'OPTIONS',
      headers: { origin: PORTAL },
    });
    assert.equal(admin.status, 204);
    assert.equal(admin.headers.get('access-control-allow-methods'), 'GET, PUT, OPTIONS');
  });

  test('CORS headers for the configured portal on every response (answers, errors, 405, 404, 429), none for other origins', async () => {
    const withOrigin = (origin: string) => ({
      origin,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    });
    const responses = [
      await fetch(`${server.url}/v1/ask`, {
        method: 'POST',
        headers: withOrigin(PORTAL),
        body: '{"question": "How many claims did I have?"}',
      }),
      await fetch(`${server.url}/v1/ask`, { method: 'POST', headers: withOrigin(PORTAL), body: '{"question": ' }),
      await fetch(`${server.url}/v1/ask`, { method: 'POST', headers: { origin: PORTAL }, body: '{}' }),
      await fetch(`${server.url}/v1/ask`, { headers: { origin: PORTAL } }),
      await fetch(`${server.url}/v1/nope`, { headers: { origin: PORTAL } }),
      await fetch(`${server.url}/v1/health`, { headers: { origin: PORTAL } }),
    ];
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 400, 401, 405, 404, 200],
    );
    for (const r of responses) {
      assert.equal(r.headers.get('access-control-allow-origin'), PORTAL, `${r.status}`);
      assert.match(r.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
      assert.equal(r.headers.get('vary'), 'Origin');
    }
    const stranger = await fetch(`${server.url}/v1/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
  });
});

describe('the OpenAPI check itself', () => {
  test('responses were checked, and a response the document does not describe is caught', async () => {
    assert.ok(server.seen > 20, `checked ${server.seen} responses`);
    const { checkResponse } = await import('../support/openapi.ts');
    const problems = checkResponse({
      method: 'POST',
      path: '/v1/ask',
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': 'r1' },
      body: JSON.stringify({
        status: 'answered',
        code: 'OK',
        answer: 'Yes.',
        requestId: 'r1',
        rowCount: 1,
        sql: 'SELECT 1',
      }),
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /does not match/);
    assert.match(
      checkResponse({
        method: 'GET',
        path: '/v1/health',
        status: 418,
        headers: { 'x-request-id': 'r' },
        body: '{}',
      })[0] ?? '',
      /not documented/,
    );
    assert.match(
      checkResponse({
        method: 'POST',
        path: '/v1/health',
        status: 405,
        headers: { 'x-request-id': 'r', 'content-type': 'application/json' },
        body: '{"error":{"code":"METHOD_NOT_ALLOWED","message":"m"},"requestId":"r"}',
      })[0] ?? '',
      /Allow/,
    );
  });
});

describe('claims token (a local token without a browser)', () => {
  const CLI = fileURLToPath(new URL('../../bin/claims.js', import.meta.url));
  const claims = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const port = () => new URL(server.url).port;

  test('prints a token the API accepts, for a member and for an admin', { timeout: 90_000 }, async () => {
    const member = await claims('token', '--person', `${DEMO_MEMBER_IDS.grandparent}-01`, '--port', port());
    assert.equal(member.code, 0, member.stderr);
    const token = member.stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const asked = await askWith(token, { question: 'How many claims did I have last year?' });
    assert.equal(asked.status, 200);

    const admin = await claims('token', '--person', `${FAMILY}-01`, '--role', 'admin', '--port', port());
    assert.equal(admin.code, 0, admin.stderr);
    const templates = await fetch(`${server.url}/v1/admin/templates`, {
      headers: { authorization: `Bearer ${admin.stdout.trim()}` },
    });
    assert.equal(templates.status, 200);
    const refused = await fetch(`${server.url}/v1/admin/templates`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(refused.status, 403, 'a member token is not an admin token');
  });

  test('one clear line and a non-zero exit for a usage mistake, an unknown person or no server', {
    timeout: 90_000,
  }, async () => {
    const usage = await claims('token', '--person', 'jane');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--person needs a seeded person id/);
    const unknown = await claims('token', '--person', '9999999999-01', '--port', port());
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /refused \(HTTP 404/);
    const none = await claims('token', '--person', `${FAMILY}-01`, '--port', '1');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no local server answers/);
  });
});
