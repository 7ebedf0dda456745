/**
 * Finding 1: connections killed under concurrent asks (`pg_terminate_backend`, what a
 * PostgreSQL restart, a failover or RDS Proxy does to a session). The process must not crash;
 * a broken connection fails only the asks on it, with a friendly 503 DB_UNAVAILABLE; every
 * answer has its audit row; and the pool heals without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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
