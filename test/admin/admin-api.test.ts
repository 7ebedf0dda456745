/**
 * The admin API over real HTTP: local server, embedded PostgreSQL, dev tokens, offline engine.
 * 401 without a token, 403 for members, and each endpoint end to end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AdminBody } from '../support/admin-api.ts';
import {
  type CheckedServer as LocalServer,
  startCheckedServer as startLocalServer,
} from '../support/checked-server.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let server: LocalServer;
let adminToken: string;
let memberToken: string;

before(
  async () => {
    db = await freshDatabase();
    server = await startLocalServer({ databaseUrl: db.adminUrl });
    adminToken = await server.issuer.issue({ memberId: '1000000002', personId: '1000000002-01', role: 'admin' });
    memberToken = await server.issuer.issue({ memberId: '1000000002', personId: '1000000002-01' });
  },
  { timeout: 300_000 },
);

after(async () => {
  await server?.stop();
  await db?.drop();
});

async function call(method: string, path: string, body?: unknown, token: string | null = adminToken) {
  const res = await fetch(`${server.url}/v1/admin/${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.doesNotMatch(text, /\n\s+at\s|node_modules|\.ts:\d+/, 'never a stack trace');
  return { status: res.status, body: JSON.parse(text) as AdminBody };
}

async function waitForJob(jobId: string) {
  for (let i = 0; i < 600; i++) {
    const r = await call('GET', `eval/${jobId}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.done <= r.body.total);
    if (r.body.state !== 'running') return r.body;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the evaluation did not finish');
}

test('401 without a token, 403 for a member, on every admin path', async () => {
  for (const [method, path] of [
    ['GET', 'templates'],
    ['POST', 'templates/sql/drafts'],
    ['POST', 'templates/sql/versions/1/publish'],
    ['GET', 'history'],
    ['GET', 'feedback'],
    ['POST', 'feedback/1/case'],
  ] as const) {
    const anon = await call(method, path, undefined, null);
    assert.equal(anon.status, 401, `${method} ${path}`);
    assert.equal(anon.body.error.code, 'TOKEN_MISSING');
    const member = await call(method, path, undefined, memberToken);
    assert.equal(member.status, 403, `${method} ${path}`);
    assert.equal(member.body.error.code, 'FORBIDDEN');
  }
});

test('list and read: the shipped files are published version 1 with their placeholders', async () => {
  const list = await call('GET', 'templates');
  assert.equal(list.status, 200);
  const sql = list.body.templates.find((t) => t.name === 'sql');
  assert.ok(sql, 'the sql template is listed');
  assert.equal(sql.publishedVersion, 1);
  assert.deepEqual(sql.placeholders.required, ['schema', 'member_id', 'question']);
  assert.ok(sql.versions.length > 0, 'the list carries the versions');
  assert.equal(sql.versions[0]?.body, undefined, 'the list carries no template text');
  const one = await call('GET', 'templates/sql/versions/1');
  assert.equal(one.status, 200);
  assert.match(one.body.body, /\{\{question\}\}/);
  assert.deepEqual(one.body.placeholders, { missing: [], unknown: [] });
});

test('clear 400/404/405 errors', async () => {
  assert.equal((await call('GET', 'templates/nope/versions/1')).status, 404);
  assert.equal((await call('GET', 'templates/sql/versions/999')).body.error.code, 'TEMPLATE_NOT_FOUND');
  assert.equal((await call('GET', 'templates/sql/versions/abc')).status, 400);
  assert.equal((await call('GET', 'eval/no-such-job')).status, 404);
  assert.equal((await call('GET', 'nothing-here')).status, 404);
  assert.equal((await call('DELETE', 'templates')).status, 405);
  const badJson = await call('POST', 'templates/sql/drafts', '{not json');
  assert.deepEqual([badJson.status, badJson.body.error.code], [400, 'BAD_JSON']);
  const empty = await call('POST', 'templates/sql/drafts', { system: '', body: 'x' });
  assert.deepEqual([empty.status, empty.body.error.code], [400, 'BAD_TEMPLATE']);
  const preview = await call('POST', 'templates/sql/versions/1/preview', { member: '12', question: 'q' });
  assert.deepEqual([preview.status, preview.body.error.code], [400, 'BAD_MEMBER']);
});

test('every admin operation refuses what the OpenAPI document does not describe', async () => {
  const v1 = (await call('GET', 'templates/sql/versions/1')).body;
  const text = { system: v1.system, body: v1.body };
  // Unknown fields: 400 BAD_REQUEST_BODY, before any change is made.
  for (const [method, path, body] of [
    ['POST', 'templates/sql/drafts', { ...text, author: 'someone else' }],
    ['PUT', 'templates/sql/versions/1', { ...text, status: 'published' }],
    ['POST', 'templates/sql/versions/1/preview', { member: '1000000001', question: 'q', role: 'admin' }],
    ['POST', 'templates/sql/versions/1/eval', { cases: 3 }],
    ['POST', 'templates/sql/versions/1/publish', { note: 'n', force: true }],
    ['POST', 'templates/sql/rollback', { version: 1, force: true }],
  ] as const) {
    const r = await call(method, path, body);
    assert.deepEqual([r.status, r.body.error.code], [400, 'BAD_REQUEST_BODY'], `${method} ${path}`);
  }
  // A body that is not JSON: 415.
  for (const [method, path] of [
    ['POST', 'templates/sql/drafts'],
    ['PUT', 'templates/sql/versions/1'],
    ['POST', 'templates/sql/versions/1/preview'],
    ['POST', 'templates/sql/versions/1/eval'],
    ['POST', 'templates/sql/versions/1/publish'],
    ['POST', 'templates/sql/rollback'],
    ['POST', 'feedback/1/case'],
  ] as const) {
    const res = await fetch(`${server.url}/v1/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' },
      body: 'version=1',
    });
    assert.equal(res.status, 415, `${method} ${path}`);
  }
  // A method the path does not take: 405 with Allow (the admin API is one proxy resource deployed).
  for (const [method, path, allow] of [
    ['POST', 'templates', 'GET'],
    ['DELETE', 'templates/sql/versions/1', 'GET, PUT'],
    ['GET', 'templates/sql/versions/1/publish', 'POST'],
    ['PUT', 'eval/some-job', 'GET'],
    ['POST', 'history', 'GET'],
    ['GET', 'templates/sql/drafts', 'POST'],
    ['GET', 'templates/sql/rollback', 'POST'],
    ['GET', 'templates/sql/versions/1/preview', 'POST'],
    ['GET', 'templates/sql/versions/1/eval', 'POST'],
    ['POST', 'feedback', 'GET'],
    ['GET', 'feedback/1/case', 'POST'],
  ] as const) {
    const res = await fetch(`${server.url}/v1/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
  }
  // Unknown templates: 404 for every operation on one.
  for (const [method, path, body] of [
    ['POST', 'templates/nope/drafts', text],
    ['PUT', 'templates/nope/versions/1', text],
    ['POST', 'templates/nope/versions/1/preview', { member: '1000000001', question: 'q' }],
    ['POST', 'templates/nope/versions/1/eval', undefined],
    ['POST', 'templates/nope/versions/1/publish', undefined],
    ['POST', 'templates/nope/rollback', { version: 1 }],
    ['GET', 'history?name=nope', undefined],
    ['POST', 'feedback/999999/case', undefined],
    ['POST', 'feedback/abc/case', undefined],
  ] as const) {
    const r = await call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}`);
  }
  // Members' feedback: none yet; making a case from feedback takes no body.
  const feedback = await call('GET', 'feedback');
  assert.equal(feedback.status, 200);
  assert.deepEqual([feedback.body.items, feedback.body.cases], [[], []]);
  const withBody = await call('POST', 'feedback/1/case', { expected: 'anything' });
  assert.deepEqual([withBody.status, withBody.body.error.code], [400, 'BAD_REQUEST_BODY']);
  // Without a token and as a member, on every operation.
  for (const [method, path] of [
    ['GET', 'templates/sql/versions/1'],
    ['PUT', 'templates/sql/versions/1'],
    ['POST', 'templates/sql/versions/1/preview'],
    ['POST', 'templates/sql/versions/1/eval'],
    ['POST', 'templates/sql/rollback'],
    ['GET', 'eval/some-job'],
  ] as const) {
    assert.equal((await call(method, path, undefined, null)).status, 401, `${method} ${path}`);
    assert.equal((await call(method, path, undefined, memberToken)).status, 403, `${method} ${path}`);
  }
});

test('draft → preview → evaluation → publish → rollback, with history', { timeout: 180_000 }, async () => {
  const v1 = (await call('GET', 'templates/sql/versions/1')).body;
  const broken = v1.body.replace('<member_id>{{member_id}}</member_id>', 'Member: {{member_id}}');
  const created = await call('POST', 'templates/sql/drafts', { system: v1.system, body: broken, changeNote: 'reword' });
  assert.equal(created.status, 201);
  const version = created.body.version as number;
  assert.equal(created.body.status, 'draft');
  assert.deepEqual(created.body.placeholders, { missing: [], unknown: [] });

  // Preview: the broken draft makes the model answer NULL; v1 gives SQL the validator accepts.
  const sample = { member: '1000000001', question: 'How many claims did I have this year?' };
  const bad = await call('POST', `templates/sql/versions/${version}/preview`, sample);
  assert.equal(bad.status, 200);
  assert.equal(bad.body.sql, null);
  assert.deepEqual(bad.body.validation, { ok: false, code: 'CANNOT_ANSWER' });
  const good = await call('POST', 'templates/sql/versions/1/preview', sample);
  assert.match(good.body.prompt, /<member_id>1000000001<\/member_id>/);
  assert.match(good.body.sql, /^SELECT count\(\*\)/);
  assert.deepEqual(good.body.validation, { ok: true });

  // Publishing before an evaluation is refused.
  const early = await call('POST', `templates/sql/versions/${version}/publish`, {});
  assert.deepEqual([early.status, early.body.error.code], [409, 'NOT_EVALUATED']);

  // The evaluation drops and publishing is refused.
  const started = await call('POST', `templates/sql/versions/${version}/eval`);
  assert.equal(started.status, 202);
  const job = await waitForJob(started.body.jobId);
  assert.equal(job.state, 'done');
  assert.equal(job.done, job.total);
  assert.equal(job.summary.passed, false);
  assert.ok(job.summary.accuracy < 0.5, `draft accuracy ${job.summary.accuracy}`);
  assert.ok(job.summary.publishedAccuracy >= 0.9);
  assert.ok(job.cases.some((c: { change: string }) => c.change === 'broken'));
  const refused = await call('POST', `templates/sql/versions/${version}/publish`, {});
  assert.deepEqual([refused.status, refused.body.error.code], [409, 'EVAL_FAILED']);

  // A draft that drops {{question}} is refused for its placeholders.
  const noQuestion = await call('PUT', `templates/sql/versions/${version}`, {
    system: v1.system,
    body: v1.body.replace('{{question}}', ''),
  });
  assert.deepEqual(noQuestion.body.placeholders.missing, ['question']);
  const placeholders = await call('POST', `templates/sql/versions/${version}/publish`, {});
  assert.deepEqual([placeholders.status, placeholders.body.error.code], [409, 'PLACEHOLDERS']);

  // Fixed: evaluation passes, publish works, the pipeline uses the new version.
  const fixed = await call('PUT', `templates/sql/versions/${version}`, {
    system: v1.system,
    body: `${v1.body}\n`,
    changeNote: 'fixed',
  });
  assert.equal(fixed.status, 200);
  const passing = await waitForJob((await call('POST', `templates/sql/versions/${version}/eval`)).body.jobId);
  assert.equal(passing.summary.passed, true);
  const published = await call('POST', `templates/sql/versions/${version}/publish`, { note: 'ship it' });
  assert.equal(published.status, 200);
  assert.equal(published.body.status, 'published');
  assert.equal((await call('POST', `templates/sql/versions/${version}/publish`, {})).status, 409);
  assert.equal((await server.runtime.ports.prompts.load('sql')).version, version);

  // Roll back to version 1.
  const back = await call('POST', 'templates/sql/rollback', { version: 1, note: 'undo' });
  assert.equal(back.status, 200);
  const list = await call('GET', 'templates');
  assert.equal(list.body.templates.find((t) => t.name === 'sql')?.publishedVersion, 1);
  assert.equal((await call('POST', 'templates/sql/rollback', { version: 1 })).status, 409);

  const history = await call('GET', 'history?name=sql');
  const actions = history.body.events.map((e: { action: string }) => e.action);
  assert.deepEqual(actions.slice(0, 3), ['rollback', 'archive', 'publish']);
  assert.ok(actions.includes('create') && actions.includes('edit') && actions.includes('evaluate'));
  assert.ok(history.body.events.every((e: { actor: string }) => e.actor.length > 0));
});
