/**
 * The `prompts` port over PostgreSQL (src/prompts/pg-store.ts): the published version, cached
 * for `checkEveryMs`, a newer one noticed after it (or at once after `invalidate`), the shipped
 * files as the fallback, and a domain error when neither exists. Versions are written through the
 * admin repository, as the admin API does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { contentHash, TemplateRepository } from '../../src/admin/template-repository.ts';
import { createAppPool } from '../../src/db/member-db.ts';
import { PromptsError, PromptsErrorCode } from '../../src/prompts/errors.ts';
import { FilePromptStore, PROMPTS_DIR } from '../../src/prompts/file-store.ts';
import { PgPromptStore } from '../../src/prompts/pg-store.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let pool: pg.Pool;
let templates: TemplateRepository;
const files = new FilePromptStore(PROMPTS_DIR);

before(async () => {
  db = await freshDatabase();
  pool = createAppPool(db.appUrl, { max: 3 });
  templates = new TemplateRepository(pool);
  await templates.importShipped(files);
});

after(async () => {
  await pool?.end();
  await db?.drop();
});

/** Publishes a new sql version (marked as evaluated) through the repository; returns its number. */
async function publishNew(marker: string): Promise<number> {
  const base = await files.load('sql');
  const d = await templates.createDraft('sql', { system: base.system, body: `${base.body}\n<!-- ${marker} -->` }, 'a');
  await templates.recordEval('sql', d.version, { passed: true, accuracy: 1, contentHash: contentHash(d) }, 'a');
  return (await templates.publish('sql', d.version, 'a')).version;
}

test('load serves the published version with its text', async () => {
  const store = new PgPromptStore(pool, { checkEveryMs: 0 });
  const sql = await store.load('sql');
  const published = await templates.published('sql');
  assert.deepEqual(sql, { name: 'sql', version: published.version, system: published.system, body: published.body });
  assert.equal((await store.load('summary')).version, 1);
});

test('the cache serves its copy until the check interval, then notices a new version', async () => {
  let clock = 0;
  const other = createAppPool(db.appUrl, { max: 1 });
  try {
    const cached = new PgPromptStore(other, { checkEveryMs: 10_000, now: () => clock });
    const first = await cached.load('sql');
    const version = await publishNew('cache'); // through another pool, as another Lambda would
    clock = 9_999;
    assert.equal((await cached.load('sql')).version, first.version, 'within the interval: the cached copy');
    clock = 10_000;
    const fresh = await cached.load('sql');
    assert.equal(fresh.version, version, 'after the interval: the new published version');
    assert.match(fresh.body, /cache/);
  } finally {
    await other.end();
  }
});

test('invalidate(name) drops only that cached version; invalidate() drops all', async () => {
  const clock = 0;
  const cached = new PgPromptStore(pool, { checkEveryMs: 60_000, now: () => clock });
  const sql = await cached.load('sql');
  const summary = await cached.load('summary');
  const version = await publishNew('invalidate');
  cached.invalidate('summary');
  assert.equal((await cached.load('sql')).version, sql.version, 'sql is still cached');
  assert.equal((await cached.load('summary')).version, summary.version);
  cached.invalidate('sql');
  assert.equal((await cached.load('sql')).version, version);
  const again = await publishNew('invalidate all');
  cached.invalidate();
  assert.equal((await cached.load('sql')).version, again);
});

test('claims_member cannot read the templates; no published row: the fallback, or NOT_PUBLISHED', async () => {
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
    await assert.rejects(
      new PgPromptStore(p).load('sql'),
      (e: unknown) => e instanceof PromptsError && e.code === PromptsErrorCode.NOT_PUBLISHED && !('status' in e),
    );
    assert.equal((await new PgPromptStore(p, { fallback: files }).load('sql')).version, 1);
  } finally {
    await p.end();
    await empty.drop();
  }
});
