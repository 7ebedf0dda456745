/**
 * Database calls bounded by the ask's deadline really end (src/db/bounded-query.ts): the roster,
 * the asker and the conversation store, given a signal and a time, stop with DB_TIMEOUT, and
 * neither their pooled connection nor their server backend keeps working afterwards — whether
 * the server is busy (a lock wait: statement_timeout ends it on the server) or stopped answering
 * altogether (a frozen backend, SIGSTOP as bench/restart.ts does: the socket is dropped). The
 * ROLLBACK after a failed member query is bounded too.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import pg from 'pg';
import { releaseAfterRollback } from '../../src/db/bounded-query.ts';
import { PgConversationStore } from '../../src/db/conversations.ts';
import { DbTimeoutError } from '../../src/db/errors.ts';
import { createAppPool, PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const SCOPE = { memberId: FAMILY, personId: `${FAMILY}-01` };
/** What the pipeline hands a port: a signal and the time it may take. */
const within = (ms: number) => ({ signal: AbortSignal.timeout(ms), timeoutMs: ms });

let db: TestDatabase;

before(async () => {
  db = await freshDatabase();
});
after(async () => {
  await db?.drop();
});

/** An admin transaction holding `LOCK TABLE … IN ACCESS EXCLUSIVE MODE` until released. */
async function holdLock(table: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: db.adminUrl });
  await client.connect();
  await client.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

/** claims_app backends of this database still waiting on a lock. */
async function waitingAppBackends(): Promise<number> {
  const res = await adminQuery<{ n: number }>(
    db.adminUrl,
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND usename = 'claims_app' AND wait_event_type = 'Lock'`,
  );
  return res.rows[0]?.n ?? -1;
}

/** Polls `probe` until it returns `want` or `ms` pass; resolves to its last value. */
async function settle<T>(probe: () => Promise<T> | T, want: T, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  let value = await probe();
  while (value !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

/** Freezes one backend (a server that stops answering); the returned function thaws it. */
function freeze(pid: number): () => void {
  process.kill(pid, 'SIGSTOP');
  let thawed = false;
  return () => {
    if (!thawed) process.kill(pid, 'SIGCONT');
    thawed = true;
  };
}

const checkedOut = (pool: pg.Pool) => pool.totalCount - pool.idleCount;

describe('a call whose deadline passes while the server is busy (lock wait)', () => {
  let pool: pg.Pool;
  let memberDb: PgMemberDb;
  let release: (() => Promise<void>) | undefined;

  before(() => {
    pool = createAppPool(db.appUrl, { max: 2 });
    memberDb = new PgMemberDb(pool);
  });
  afterEach(async () => {
    await release?.();
    release = undefined;
  });
  after(async () => {
    await memberDb.close();
  });

  test('roster: DB_TIMEOUT at its time, its statement ended on the server, its connection back in the pool', async () => {
    release = await holdLock('public.people');
    const t0 = performance.now();
    await assert.rejects(memberDb.roster(SCOPE, within(400)), DbTimeoutError);
    assert.ok(performance.now() - t0 < 2500, `stopped near its time (${Math.round(performance.now() - t0)} ms)`);
    assert.equal(await settle(waitingAppBackends, 0), 0, 'no claims_app backend still waits on the lock');
    assert.equal(await settle(() => checkedOut(pool), 0), 0, 'no pooled connection still held');
    await release();
    release = undefined;
    assert.ok((await memberDb.roster(SCOPE, within(5000))).length > 0, 'the next call is answered');
  });

  test('describeAsker: the same', async () => {
    release = await holdLock('public.people');
    await assert.rejects(memberDb.describeAsker(SCOPE, within(300)), DbTimeoutError);
    assert.equal(await settle(waitingAppBackends, 0), 0, 'no claims_app backend still waits on the lock');
    assert.equal(await settle(() => checkedOut(pool), 0), 0, 'no pooled connection still held');
  });

  test('the conversation store (a hung writer): start, history and append stop with DB_TIMEOUT and leave nothing running', async () => {
    const store = new PgConversationStore(pool, { retentionSeconds: 3600, keepTurns: 3 });
    const id = await store.start(SCOPE, within(5000));
    release = await holdLock('app.conversations');
    const turn = { question: 'How many claims this year?', status: 'answered', code: 'OK' } as const;
    await assert.rejects(store.start(SCOPE, within(300)), DbTimeoutError);
    await assert.rejects(store.history(id, SCOPE, 5, within(300)), DbTimeoutError);
    await assert.rejects(store.append(id, SCOPE, turn, within(300)), DbTimeoutError);
    assert.equal(await settle(waitingAppBackends, 0), 0, 'no claims_app backend still waits on the lock');
    assert.equal(await settle(() => checkedOut(pool), 0), 0, 'no pooled connection still held');
    await release();
    release = undefined;
    assert.equal(await store.append(id, SCOPE, turn, within(5000)), true, 'the store works again');
    assert.equal((await store.history(id, SCOPE, 5, within(5000)))?.length, 1, 'exactly the one turn that was saved');
  });
});

describe('a server that stops answering (frozen backend)', () => {
  let pool: pg.Pool;
  let thaw: (() => void) | undefined;

  before(() => {
    pool = createAppPool(db.appUrl, { max: 1 });
  });
  afterEach(() => {
    thaw?.();
    thaw = undefined;
  });
  after(async () => {
    await pool.end();
  });

  const backendPid = async () =>
    Number((await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);

  test('describeAsker: DB_TIMEOUT at its time, and the frozen connection is dropped, not kept', async () => {
    const memberDb = new PgMemberDb(pool);
    thaw = freeze(await backendPid());
    const t0 = performance.now();
    await assert.rejects(memberDb.describeAsker(SCOPE, within(300)), DbTimeoutError);
    assert.ok(performance.now() - t0 < 2000, `stopped near its time (${Math.round(performance.now() - t0)} ms)`);
    assert.equal(await settle(() => pool.totalCount, 0), 0, 'the pool destroyed the connection');
    thaw();
    assert.deepEqual(await memberDb.describeAsker(SCOPE, within(5000)), {
      name: (await memberDb.roster(SCOPE)).find((p) => p.self)?.name,
      relationship: 'subscriber',
    });
  });

  test('the ROLLBACK after a failed member query is bounded: the client is released as broken', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    thaw = freeze(pid);
    const t0 = performance.now();
    await releaseAfterRollback(client, () => undefined, 300);
    const took = performance.now() - t0;
    assert.ok(took < 2000, `released in ${Math.round(took)} ms, not waiting on the server`);
    assert.equal(await settle(() => pool.totalCount, 0), 0, 'the pool destroyed the connection');
    thaw();
    assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1, 'a new connection works');
  });
});
