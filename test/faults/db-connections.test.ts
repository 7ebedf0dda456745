/**
 * Finding 1: connections killed under concurrent asks (`pg_terminate_backend`, what a
 * PostgreSQL restart, a failover or RDS Proxy does to a session). The process must not crash;
 * a broken connection fails only the asks on it, with a friendly 503 DB_UNAVAILABLE; every
 * answer has its audit row; and the pool heals without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';
import {
  askOnce,
  assertDocumentedOutcomes,
  loadUntil,
  memberTokens,
  tally,
  unauditedAnswers,
} from '../support/load.ts';

const BUDGET_MS = 8_000;

let db: TestDatabase;
let server: LocalServer;
let tokens: string[];

/** What would have ended the process: an 'error' event with no listener, a rejection nobody awaited. */
const uncaught: string[] = [];
const recordUncaught = (err: unknown) => uncaught.push(`${(err as Error)?.name}: ${(err as { code?: string })?.code}`);

before(async () => {
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
  db = await freshDatabase();
  server = await startLocalServer({
    databaseUrl: db.adminUrl,
    env: { ASK_RATE_LIMIT: '100000', ASK_BUDGET_MS: '6000' },
  });
  tokens = await memberTokens(server);
});

after(async () => {
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  await server?.stop();
  await db?.drop();
});

/** Terminates every claims_app session of this database; returns how many it hit. */
async function killAppSessions(): Promise<number> {
  const res = await adminQuery<{ n: number }>(
    db.adminUrl,
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND usename = 'claims_app' AND pid <> pg_backend_pid()`,
  );
  return res.rows[0]?.n ?? 0;
}

test('sessions terminated under 20 concurrent asks: no crash, friendly 503s only, answers audited, pool heals', async () => {
  let killed = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const killer = (async () => {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 12; i++) {
      killed += await killAppSessions();
      await new Promise((r) => setTimeout(r, 120));
    }
    stop();
  })();
  const outcomes = await loadUntil(server.url, tokens, { workers: 20, hangMs: BUDGET_MS + 5_000, stop: stopped });
  await killer;

  assert.deepEqual(uncaught, [], 'nothing escaped to the process (it would have crashed)');
  assert.ok(killed >= 10, `the test terminated sessions under load (${killed})`);
  assert.ok(outcomes.length >= 40, `asks were sent (${outcomes.length})`);
  console.log(`# outcomes under terminated sessions: ${JSON.stringify(tally(outcomes))}`);
  assertDocumentedOutcomes(outcomes, BUDGET_MS);
  assert.deepEqual(await unauditedAnswers(db.adminUrl, outcomes), [], 'every answer has an audit row');

  // Recovery without a restart: the same server answers every ask again.
  const again = await Promise.all(
    tokens.map((t) => askOnce(server.url, t, 'How many claims did I have last year?', BUDGET_MS)),
  );
  assert.deepEqual(
    again.map((o) => o.status),
    tokens.map(() => 200),
    JSON.stringify(tally(again)),
  );
});

/**
 * An outage of this database for the service: non-superusers (claims_app) may not open new
 * sessions on it and its open ones are ended (what a stopped or restarting PostgreSQL looks like to the service),
 * without disturbing the other test files that share the cluster.
 */
async function outage(): Promise<() => Promise<void>> {
  await adminQuery(db.adminUrl, `ALTER DATABASE ${db.name} CONNECTION LIMIT 0`);
  await killAppSessions();
  return async () => {
    await adminQuery(db.adminUrl, `ALTER DATABASE ${db.name} CONNECTION LIMIT -1`);
  };
}

test('finding 6: with the database down, an ask is a friendly 503 DB_UNAVAILABLE with Retry-After, not a 500', async () => {
  const restore = await outage();
  try {
    const outcomes = await Promise.all(
      tokens.map((t) => askOnce(server.url, t, 'How many claims did I have last year?', BUDGET_MS)),
    );
    assertDocumentedOutcomes(outcomes, BUDGET_MS);
    for (const o of outcomes) assert.equal(o.code, 'DB_UNAVAILABLE', JSON.stringify(tally(outcomes)));
  } finally {
    await restore();
  }
  const again = await askOnce(server.url, tokens[0] ?? '', 'How many claims did I have last year?', BUDGET_MS);
  assert.equal(again.status, 200, 'recovers without a restart');
});

test('finding 5: an answer whose audit row cannot be written is not delivered', async () => {
  const standin = server.runtime.standin;
  assert.ok(standin);
  // The database goes away while the summary is being written: retrieval worked, the audit cannot.
  standin.setMode({ kind: 'slow', delayMs: 700, purpose: 'summary' });
  let restore: (() => Promise<void>) | undefined;
  try {
    const pending = askOnce(server.url, tokens[0] ?? '', 'How many claims did I have last year?', BUDGET_MS + 5_000);
    await new Promise((r) => setTimeout(r, 350));
    restore = await outage();
    const o = await pending;
    assertDocumentedOutcomes([o], BUDGET_MS);
    assert.equal(o.status, 503, 'not delivered as an answer');
    assert.equal(o.code, 'DB_UNAVAILABLE');
  } finally {
    standin.setMode({ kind: 'ok' });
    await restore?.();
  }
});

test('a hung conversation store (its table locked): the ask ends 503 DB_TIMEOUT within the budget, audited, its statement ended; then answers again', async () => {
  const holder = new pg.Client({ connectionString: db.adminUrl });
  await holder.connect();
  let locked = true;
  try {
    await holder.query('BEGIN; LOCK TABLE app.conversations IN ACCESS EXCLUSIVE MODE');
    const o = await askOnce(server.url, tokens[0] ?? '', 'How many claims did I have last year?', BUDGET_MS + 5_000);
    assertDocumentedOutcomes([o], BUDGET_MS);
    assert.equal(o.status, 503, JSON.stringify(tally([o])));
    assert.equal(o.code, 'DB_TIMEOUT');
    const audited = await adminQuery<{ reason_code: string }>(
      db.adminUrl,
      'SELECT reason_code FROM ask_audit WHERE request_id = $1',
      [o.requestId],
    );
    assert.deepEqual(
      audited.rows.map((r) => r.reason_code),
      ['DB_TIMEOUT'],
      'its audit row is written',
    );
    // The store's statement was ended on the server (statement_timeout), not left waiting on the
    // lock (polled briefly: the server's timer runs a few ms behind the ask's deadline).
    const waiting = async () =>
      (
        await adminQuery<{ n: number }>(
          db.adminUrl,
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND usename = 'claims_app' AND wait_event_type = 'Lock'`,
        )
      ).rows[0]?.n;
    let n = await waiting();
    for (let i = 0; i < 20 && n !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      n = await waiting();
    }
    assert.equal(n, 0, 'no claims_app statement still waits on the lock');
    await holder.query('ROLLBACK');
    locked = false;
  } finally {
    if (locked) await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
  }
  const again = await askOnce(server.url, tokens[0] ?? '', 'How many claims did I have last year?', BUDGET_MS);
  assert.equal(again.status, 200, 'recovers without a restart');
});
