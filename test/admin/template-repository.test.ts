/**
 * The admin repository of prompt templates (src/admin/template-repository.ts) on a real database:
 * versions, drafts, the publish gate, publish/rollback as one transaction, history, and the
 * `onPublish` hook that lets the pipeline's cached read side (src/prompts/pg-store.ts) notice.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { AdminError } from '../../src/admin/errors.ts';
import { contentHash, TemplateRepository } from '../../src/admin/template-repository.ts';
import type { TemplateName } from '../../src/core/ports.ts';
import { createAppPool } from '../../src/db/member-db.ts';
import { FilePromptStore, PROMPTS_DIR } from '../../src/prompts/file-store.ts';
import { PgPromptStore } from '../../src/prompts/pg-store.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let pool: pg.Pool;
let store: TemplateRepository;
/** The pipeline's read side, uncached: what a member's question would be answered with. */
let served: PgPromptStore;
const published: TemplateName[] = [];
const files = new FilePromptStore(PROMPTS_DIR);

before(async () => {
  db = await freshDatabase();
  pool = createAppPool(db.appUrl, { max: 3 });
  store = new TemplateRepository(pool, { onPublish: (name) => published.push(name) });
  served = new PgPromptStore(pool, { checkEveryMs: 0 });
  await store.importShipped(files);
});

after(async () => {
  await pool?.end();
  await db?.drop();
});

/** A draft that has passed (or failed) its evaluation, ready for publish. */
async function evaluatedDraft(body: string, passed = true) {
  const base = await files.load('sql');
  const d = await store.createDraft('sql', { system: base.system, body, changeNote: 'test' }, 'admin-1');
  assert.equal(
    await store.recordEval('sql', d.version, { passed, accuracy: passed ? 1 : 0.1, contentHash: contentHash(d) }, 'a'),
    true,
  );
  return d;
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  // A domain code only: the HTTP status is the admin routes' business.
  await assert.rejects(p, (e: unknown) => e instanceof AdminError && e.code === code && !('status' in e));
}

test('the shipped files are imported once as published version 1', async () => {
  assert.deepEqual(await store.importInitial([await files.load('sql')], 'system'), []);
  const sql = await store.published('sql');
  assert.equal(sql.version, 1);
  assert.equal(sql.body, (await files.load('sql')).body);
  assert.equal((await served.load('summary')).version, 1);
});

test('drafts get the next version, are not served, and only drafts can be edited', async () => {
  const base = await files.load('sql');
  const d = await store.createDraft('sql', { system: base.system, body: `${base.body}\n`, changeNote: 'n' }, 'ann');
  assert.equal(d.status, 'draft');
  assert.ok(d.version > 1);
  assert.equal((await served.load('sql')).version, (await store.published('sql')).version);
  const edited = await store.updateDraft('sql', d.version, { system: 'S', body: 'B' }, 'bob');
  assert.equal(edited.body, 'B');
  assert.equal(edited.author, 'bob');
  await rejects(store.updateDraft('sql', 1, { system: 'S', body: 'B' }, 'bob'), 'NOT_A_DRAFT');
  await rejects(store.get('sql', 999), 'TEMPLATE_NOT_FOUND');
});

test('publish refuses missing placeholders, unevaluated drafts, failed evaluations and edited drafts', async () => {
  const base = await files.load('sql');
  const noQuestion = await evaluatedDraft(base.body.replace('{{question}}', ''));
  await rejects(store.publish('sql', noQuestion.version, 'ann'), 'PLACEHOLDERS');
  const unknown = await evaluatedDraft(`${base.body}\n{{secret}}`);
  await rejects(store.publish('sql', unknown.version, 'ann'), 'PLACEHOLDERS');

  const fresh = await store.createDraft('sql', { system: base.system, body: base.body }, 'ann');
  await rejects(store.publish('sql', fresh.version, 'ann'), 'NOT_EVALUATED');
  const failed = await evaluatedDraft(`${base.body}\n`, false);
  await rejects(store.publish('sql', failed.version, 'ann'), 'EVAL_FAILED');

  const stale = await evaluatedDraft(`${base.body}\n\n`);
  await store.updateDraft('sql', stale.version, { system: base.system, body: `${base.body}\n\n\n` }, 'ann');
  await rejects(store.publish('sql', stale.version, 'ann'), 'NOT_EVALUATED');
  // An evaluation of older text is dropped instead of stored.
  assert.equal(
    await store.recordEval('sql', stale.version, { passed: true, accuracy: 1, contentHash: contentHash(stale) }, 'a'),
    false,
  );
  assert.equal((await store.published('sql')).version, 1, 'nothing was published');
});

test('publish and rollback keep exactly one published version and record who did it', async () => {
  const base = await files.load('sql');
  const d = await evaluatedDraft(`${base.body}\n<!-- v -->`);
  const published = await store.publish('sql', d.version, 'ann', 'better wording');
  assert.equal(published.status, 'published');
  assert.equal((await store.get('sql', 1)).status, 'archived');
  assert.equal((await served.load('sql')).version, d.version);
  await rejects(store.publish('sql', d.version, 'ann'), 'NOT_A_DRAFT');
  await rejects(store.rollback('sql', d.version, 'ann'), 'NOT_A_PREVIOUS_VERSION');

  const back = await store.rollback('sql', 1, 'bob', 'regression');
  assert.equal(back.version, 1);
  assert.equal((await store.get('sql', d.version)).status, 'archived');
  const count = await adminQuery<{ n: string }>(
    db.adminUrl,
    "SELECT count(*) AS n FROM prompt_templates WHERE name = 'sql' AND status = 'published'",
  );
  assert.equal(count.rows[0]?.n, '1');
  const history = await store.history('sql');
  assert.deepEqual(
    history.slice(0, 4).map((h) => [h.action, h.version, h.actor]),
    [
      ['rollback', 1, 'bob'],
      ['archive', d.version, 'bob'],
      ['publish', d.version, 'ann'],
      ['archive', 1, 'ann'],
    ],
  );
});

test('the database itself refuses a second published version', async () => {
  await assert.rejects(
    adminQuery(
      db.adminUrl,
      "UPDATE prompt_templates SET status = 'published', published_at = now() WHERE name = 'sql'",
    ),
    /prompt_templates_one_published/,
  );
});

test('a failed step inside publish leaves the previous version published (atomic)', async () => {
  const base = await files.load('sql');
  const d = await evaluatedDraft(`${base.body}\n<!-- atomic -->`);
  const before = (await store.published('sql')).version;
  // Make the second UPDATE of the swap fail: a trigger refuses this version becoming published.
  await adminQuery(
    db.adminUrl,
    `CREATE FUNCTION refuse_publish() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN IF NEW.status = 'published' AND NEW.version = ${d.version} THEN RAISE EXCEPTION 'no'; END IF; RETURN NEW; END $$;
     CREATE TRIGGER refuse_publish BEFORE UPDATE ON prompt_templates FOR EACH ROW EXECUTE FUNCTION refuse_publish();`,
  );
  try {
    await assert.rejects(store.publish('sql', d.version, 'ann'));
    const now = await store.published('sql');
    assert.equal(now.version, before, 'the old version is still published, not archived');
    assert.equal((await store.get('sql', d.version)).status, 'draft');
  } finally {
    await adminQuery(db.adminUrl, 'DROP TRIGGER refuse_publish ON prompt_templates; DROP FUNCTION refuse_publish()');
  }
});

test('onPublish is called after a publish or rollback commits, so a cached read side notices at once', async () => {
  const reader = new PgPromptStore(pool, { checkEveryMs: 3_600_000 });
  const repo = new TemplateRepository(pool, { onPublish: (name) => reader.invalidate(name) });
  const before = await reader.load('sql');
  const base = await files.load('sql');
  const d = await evaluatedDraft(`${base.body}\n<!-- hook -->`);
  const calls = published.length;
  await repo.publish('sql', d.version, 'ann');
  assert.equal((await reader.load('sql')).version, d.version, 'served at once, not after the hour');
  await repo.rollback('sql', before.version, 'ann');
  assert.equal((await reader.load('sql')).version, before.version);
  assert.equal(published.length, calls, "another repository's hook is not called");

  const refused = await store.createDraft('sql', { system: base.system, body: base.body }, 'ann');
  await rejects(store.publish('sql', refused.version, 'ann'), 'NOT_EVALUATED');
  assert.equal(published.length, calls, 'no call when the publish was refused');
  await store.publish('sql', (await evaluatedDraft(`${base.body}\n<!-- hook 2 -->`)).version, 'ann');
  assert.deepEqual(published.slice(calls), ['sql']);
});
