import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { adminQuery, freshDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createAppPool } from '../db/member-db.ts';
import { FilePromptStore } from './file-store.ts';
import { PROMPTS_DIR } from './from-env.ts';
import { contentHash, PgPromptStore, TemplateStoreError } from './pg-store.ts';

let db: TestDatabase;
let pool: pg.Pool;
let store: PgPromptStore;
const files = new FilePromptStore(PROMPTS_DIR);

before(async () => {
  db = await freshDatabase();
  pool = createAppPool(db.appUrl, { max: 3 });
  store = new PgPromptStore(pool, { checkEveryMs: 0 });
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
  await assert.rejects(p, (e: unknown) => e instanceof TemplateStoreError && e.code === code);
}

test('the shipped files are imported once as published version 1', async () => {
  assert.deepEqual(await store.importInitial([await files.load('sql')], 'system'), []);
  const sql = await store.published('sql');
  assert.equal(sql.version, 1);
  assert.equal(sql.body, (await files.load('sql')).body);
  assert.equal((await store.load('summary')).version, 1);
});

test('drafts get the next version, are not served, and only drafts can be edited', async () => {
  const base = await files.load('sql');
  const d = await store.createDraft('sql', { system: base.system, body: `${base.body}\n`, changeNote: 'n' }, 'ann');
  assert.equal(d.status, 'draft');
  assert.ok(d.version > 1);
  assert.equal((await store.load('sql')).version, (await store.published('sql')).version);
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
  assert.equal((await store.load('sql')).version, d.version);
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

test('the cache serves its copy until the check interval, then notices a new version', async () => {
  let clock = 0;
  const other = createAppPool(db.appUrl, { max: 1 });
  try {
    const cached = new PgPromptStore(other, { checkEveryMs: 10_000, now: () => clock });
    const first = await cached.load('sql');
    const base = await files.load('sql');
    const d = await evaluatedDraft(`${base.body}\n<!-- cache -->`);
    await store.publish('sql', d.version, 'ann'); // through another instance, as another Lambda would
    clock = 9_999;
    assert.equal((await cached.load('sql')).version, first.version, 'within the interval: the cached copy');
    clock = 10_000;
    const fresh = await cached.load('sql');
    assert.equal(fresh.version, d.version, 'after the interval: the new published version');
    assert.match(fresh.body, /cache/);
  } finally {
    await other.end();
  }
});

test('claims_member cannot read the templates; a store without a published row uses its fallback', async () => {
  const c = new pg.Client({ connectionString: db.appUrl });
  await c.connect();
  try {
    await c.query('BEGIN; SET LOCAL ROLE claims_member');
    await assert.rejects(c.query('SELECT * FROM prompt_templates'), /permission denied/);
    await c.query('ROLLBACK');
  } finally {
    await c.end();
  }
  const empty = await freshDatabase();
  const p = createAppPool(empty.appUrl, { max: 1 });
  try {
    await rejects(new PgPromptStore(p).load('sql'), 'NOT_PUBLISHED');
    assert.equal((await new PgPromptStore(p, { fallback: files }).load('sql')).version, 1);
  } finally {
    await p.end();
    await empty.drop();
  }
});
