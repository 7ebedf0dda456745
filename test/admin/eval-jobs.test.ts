/**
 * Evaluation jobs live in PostgreSQL: a job started through one server (process, container) is
 * polled to completion through a second, independent one that shares only the database; a job
 * whose runner died reads as failed (STALLED); progress writes are batched.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { PgEvalJobStore, type Progress, STALLED } from '../../src/admin/eval-job-store.ts';
import { EvalJobs } from '../../src/admin/eval-jobs.ts';
import { TemplateRepository } from '../../src/admin/template-repository.ts';
import { casesFromFile } from '../../src/eval/cases-file.ts';
import type { AdminBody } from '../support/admin-api.ts';
import {
  type CheckedServer as LocalServer,
  startCheckedServer as startLocalServer,
} from '../support/checked-server.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let first: LocalServer;
let second: LocalServer;
let pool: pg.Pool;

before(
  async () => {
    db = await freshDatabase();
    first = await startLocalServer({ databaseUrl: db.adminUrl });
    second = await startLocalServer({ databaseUrl: db.adminUrl });
    pool = new pg.Pool({ connectionString: db.appUrl, max: 2 });
  },
  { timeout: 300_000 },
);

after(async () => {
  await pool?.end();
  await first?.stop();
  await second?.stop();
  await db?.drop();
});

async function call(server: LocalServer, method: string, path: string, body?: unknown) {
  const token = await server.issuer.issue({ memberId: '1000000002', personId: '1000000002-01', role: 'admin' });
  const res = await fetch(`${server.url}/v1/admin/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as AdminBody };
}

test('a job started on one server is polled to completion on another that shares only the database', {
  timeout: 300_000,
}, async () => {
  const v1 = (await call(first, 'GET', 'templates/sql/versions/1')).body;
  const draft = await call(first, 'POST', 'templates/sql/drafts', { system: v1.system, body: `${v1.body}\n` });
  assert.equal(draft.status, 201);
  const started = await call(first, 'POST', `templates/sql/versions/${draft.body.version}/eval`);
  assert.equal(started.status, 202);

  let job = {} as AdminBody;
  let sawProgress = false;
  for (let i = 0; i < 600; i++) {
    const poll = await call(second, 'GET', `eval/${started.body.jobId}`);
    assert.equal(poll.status, 200, 'the second server knows the job');
    job = poll.body;
    assert.equal(job.total, started.body.total);
    if (job.state === 'running' && job.done > 0) sawProgress = true;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(job.state, 'done');
  assert.equal(job.done, job.total);
  assert.ok(sawProgress, 'progress was visible while the job ran');
  assert.equal(job.summary.passed, true);
  // Publishing through the second server: the stored evaluation unlocks it.
  const published = await call(second, 'POST', `templates/sql/versions/${draft.body.version}/publish`, {});
  assert.equal(published.status, 200, JSON.stringify(published.body));
  assert.equal((await call(second, 'POST', 'templates/sql/rollback', { version: 1 })).status, 200);
});

test('a running job whose updated_at is stale reads as failed (STALLED), on every server', async () => {
  const jobs = new PgEvalJobStore(pool);
  const id = crypto.randomUUID();
  await jobs.create({
    id,
    name: 'sql',
    version: 1,
    publishedVersion: null,
    baselineJobId: null,
    phase: 'draft',
    total: 72,
    actor: 'test',
  });
  assert.ok(await jobs.claim(id), 'queued → running');
  const progress: Progress = { phase: 'draft', done: 3, cases: [] };
  assert.equal(await jobs.progress(id, progress), true);
  assert.equal((await call(first, 'GET', `eval/${id}`)).body.state, 'running', 'fresh: still running');

  // The runner died: no write for longer than the limit (2 minutes).
  await adminQuery(db.adminUrl, "UPDATE public.eval_jobs SET updated_at = now() - interval '3 minutes' WHERE id = $1", [
    id,
  ]);
  const poll = await call(second, 'GET', `eval/${id}`);
  assert.equal(poll.status, 200);
  assert.equal(poll.body.state, 'failed');
  assert.equal(poll.body.error, STALLED);
  assert.equal(poll.body.done, 3);
  assert.equal((await call(first, 'GET', `eval/${id}`)).body.state, 'failed', 'every later poll agrees');
  // A late write of the dead runner does not bring the job back.
  assert.equal(await jobs.progress(id, { ...progress, done: 4 }), false);
  assert.equal((await jobs.get(id))?.state, 'failed');
});

test('unknown and malformed job ids are 404', async () => {
  assert.equal((await call(second, 'GET', `eval/${crypto.randomUUID()}`)).status, 404);
  assert.equal((await call(second, 'GET', 'eval/not-a-uuid')).body.error.code, 'JOB_NOT_FOUND');
});

test('progress writes are batched: a run makes at most about one write a second, far fewer than one per case', {
  timeout: 300_000,
}, async () => {
  let writes = 0;
  class CountingStore extends PgEvalJobStore {
    override async progress(id: string, p: Progress): Promise<boolean> {
      writes += 1;
      return super.progress(id, p);
    }
  }
  const templates = new TemplateRepository(pool);
  const v1 = await templates.get('sql', 1);
  const draft = await templates.createDraft('sql', { system: v1.system, body: `${v1.body}\n\n` }, 'test');
  const jobs = new EvalJobs(
    { jobs: new CountingStore(pool), store: templates, ports: first.runtime.ports, cases: casesFromFile() },
    { starter: { start: async () => undefined } },
  );
  const job = await jobs.start(draft, 'test');
  const finished = await jobs.run(job.id);
  assert.equal(finished?.state, 'done');
  assert.equal(finished?.done, job.total);
  assert.ok(job.total >= 72);
  assert.ok(writes >= 1 && writes < job.total / 4, `${writes} progress writes for ${job.total} cases`);
});
