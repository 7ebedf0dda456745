/**
 * Load with faults, as a one-off run (not part of `npm run bench`: it restarts and freezes its
 * own PostgreSQL): N concurrent askers against the local server while PostgreSQL is restarted
 * (fast shutdown, then started again on the same port) and then frozen (SIGSTOP: what a network
 * black hole looks like from the service) and thawed. Prints, per fault: asks sent, answered,
 * friendly 503s, other statuses, hangs, crashes, answers without an audit row, and the seconds
 * from the database's return to the first answer.
 *
 *   npx tsx bench/restart.ts [--workers 100] [--down-ms 2000] [--freeze-ms 10000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { withDatabase } from '../src/db/roles.ts';
import { startLocalServer } from '../src/server/local.ts';
import { adminQuery } from '../test/support/db.ts';
import { type AskOutcome, loadUntil, memberTokens, tally, unauditedAnswers } from '../test/support/load.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '100' },
    'down-ms': { type: 'string', default: '2000' },
    'freeze-ms': { type: 'string', default: '10000' },
    'budget-ms': { type: 'string', default: '8000' },
  },
});
const WORKERS = Number(values.workers);
const BUDGET_MS = Number(values['budget-ms']);

const uncaught: string[] = [];
process.on('uncaughtException', (e) => uncaught.push(`${(e as Error).name}:${(e as { code?: string }).code}`));
process.on('unhandledRejection', (e) => uncaught.push(`${(e as Error)?.name}:${(e as { code?: string })?.code}`));

const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-restart-bench-'));
const port = await freePort();
let pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
await adminQuery(pg.adminUrl, 'CREATE DATABASE claims');
const databaseUrl = withDatabase(pg.adminUrl, 'claims');
const server = await startLocalServer({
  databaseUrl,
  families: 60,
  env: { ASK_RATE_LIMIT: '1000000', ASK_BUDGET_MS: String(BUDGET_MS), POWERTOOLS_LOG_LEVEL: 'ERROR' },
});
const tokens = await memberTokens(server);

async function run(name: string, fault: () => Promise<number>): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  const load = loadUntil(server.url, tokens, { workers: WORKERS, hangMs: BUDGET_MS + 10_000, stop: stopped });
  await new Promise((r) => setTimeout(r, 3_000));
  const backAt = await fault();
  await new Promise((r) => setTimeout(r, 6_000));
  stop();
  const outcomes: AskOutcome[] = await load;
  const first = outcomes
    .filter((o) => o.status === 200 && o.startedAt + o.ms >= backAt)
    .reduce((m, o) => Math.min(m, o.startedAt + o.ms), Number.POSITIVE_INFINITY);
  const missing = await unauditedAnswers(databaseUrl, outcomes);
  console.log(
    JSON.stringify({
      fault: name,
      workers: WORKERS,
      sent: outcomes.length,
      answered: outcomes.filter((o) => o.status === 200).length,
      friendly503: outcomes.filter((o) => o.status === 503).length,
      other: outcomes.filter((o) => o.status !== 200 && o.status !== 503).length,
      overBudget: outcomes.filter((o) => o.ms > BUDGET_MS).length,
      hangs: outcomes.filter((o) => o.hung).length,
      crashes: uncaught.length,
      auditMissing: missing.length,
      secondsToRecover: Math.round((first - backAt) / 10) / 100,
      maxMs: Math.round(Math.max(...outcomes.map((o) => o.ms))),
      p50Ms: Math.round(outcomes.map((o) => o.ms).sort((a, b) => a - b)[Math.floor(outcomes.length / 2)] ?? 0),
      maxMsByStatus: Object.fromEntries(
        Object.keys(tally(outcomes)).map((k) => [
          k,
          Math.round(
            Math.max(...outcomes.filter((o) => `${o.status}${o.code ? ` ${o.code}` : ''}` === k).map((o) => o.ms)),
          ),
        ]),
      ),
      byStatus: tally(outcomes),
    }),
  );
}

try {
  await run('restart', async () => {
    await pg.stop();
    await new Promise((r) => setTimeout(r, Number(values['down-ms'])));
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
    return Date.now();
  });
  await run('freeze (SIGSTOP, as a network black hole)', async () => {
    const pids = execFileSync('pgrep', ['-f', `${path.join(dir, 'pg')}|postgres: `], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    const ours = [pg.pid, ...pids.filter((p) => p !== pg.pid && isChildOf(p, pg.pid ?? 0))].filter(Boolean) as number[];
    for (const p of ours) process.kill(p, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, Number(values['freeze-ms'])));
    for (const p of ours) process.kill(p, 'SIGCONT');
    return Date.now();
  });
} finally {
  await server.stop();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}

function isChildOf(pid: number, parent: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim() === String(parent);
  } catch {
    return false;
  }
}
