/**
 * Finding 1, the load-with-restart run: the embedded PostgreSQL is stopped and started again
 * while 20 askers keep asking. The server must not crash; every response is an answer or a
 * friendly 503 within the budget; every answer has its audit row; and the service answers again
 * once the database is back, without a restart (how many seconds that takes is printed, and
 * measured at scale by bench/restart.ts). (Its own cluster: the shared one
 * serves the other test files.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { withDatabase } from '../../src/db/roles.ts';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { adminQuery } from '../support/db.ts';
import {
  askOnce,
  assertDocumentedOutcomes,
  loadUntil,
  memberTokens,
  tally,
  unauditedAnswers,
} from '../support/load.ts';

const BUDGET_MS = 5_000;
const DOWN_MS = 1_500;

let dir: string;
let port: number;
let pg: EmbeddedPostgresHandle | undefined;
let server: LocalServer;
let databaseUrl: string;

const uncaught: string[] = [];
const recordUncaught = (err: unknown) => uncaught.push(`${(err as Error)?.name}: ${(err as { code?: string })?.code}`);

before(async () => {
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
  dir = await mkdtemp(path.join(os.tmpdir(), 'claims-restart-'));
  port = await freePort();
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
  await adminQuery(pg.adminUrl, 'CREATE DATABASE claims');
  databaseUrl = withDatabase(pg.adminUrl, 'claims');
  server = await startLocalServer({
    databaseUrl,
    families: 10,
    env: { ASK_RATE_LIMIT: '100000', ASK_BUDGET_MS: String(BUDGET_MS) },
  });
});

after(async () => {
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  await server?.stop();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('PostgreSQL restarted under 20 concurrent askers: no crash, no hang, friendly 503s, answers audited, recovery without a restart', async () => {
  const tokens = await memberTokens(server);
  let backAt = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const outcomesPromise = loadUntil(server.url, tokens, { workers: 20, hangMs: BUDGET_MS + 5_000, stop: stopped });
  await new Promise((r) => setTimeout(r, 1_000));
  await pg?.stop();
  pg = undefined;
  await new Promise((r) => setTimeout(r, DOWN_MS));
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
  backAt = Date.now();
  await new Promise((r) => setTimeout(r, 3_000));
  stop();
  const outcomes = await outcomesPromise;

  const firstAnswerAfter = outcomes
    .filter((o) => o.status === 200 && o.startedAt + o.ms >= backAt)
    .reduce((min, o) => Math.min(min, o.startedAt + o.ms), Number.POSITIVE_INFINITY);
  const recoverySeconds = (firstAnswerAfter - backAt) / 1000;
  const missing = await unauditedAnswers(databaseUrl, outcomes);
  const report = {
    sent: outcomes.length,
    answered: outcomes.filter((o) => o.status === 200).length,
    friendly503: outcomes.filter((o) => o.status === 503).length,
    hangs: outcomes.filter((o) => o.hung).length,
    crashes: uncaught.length,
    auditMissing: missing.length,
    recoverySeconds: Math.round(recoverySeconds * 100) / 100,
  };
  console.log(`# load-with-restart: ${JSON.stringify(report)} ${JSON.stringify(tally(outcomes))}`);

  assert.deepEqual(uncaught, [], 'nothing escaped to the process (it would have crashed)');
  assertDocumentedOutcomes(outcomes, BUDGET_MS);
  assert.ok(report.friendly503 > 0, 'the outage was felt (friendly 503s)');
  assert.deepEqual(missing, [], 'every answer has an audit row');
  // Recovered for good, without a restart: every ask after the run is answered.
  const again = await Promise.all(
    tokens.map((t) => askOnce(server.url, t, 'How many claims did I have last year?', BUDGET_MS + 5_000)),
  );
  assert.deepEqual(tally(again), { '200 OK': tokens.length });
});
