/**
 * Load: the local server (the real Lambda handlers, zero-latency OfflineLlm) under autocannon,
 * on 127.0.0.1 only, N connections for D seconds. Targets: 0 errors, 0 leaked connections
 * (pg_stat_activity before/after), the pool bounded; reports req/s and p99.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { COMMON_QUESTIONS } from './lib/questions.ts';
import type { PartResult } from './lib/results.ts';
import { round } from './lib/stats.ts';

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  /** Superuser URL of the database the server uses. */
  readonly databaseUrl: string;
}

interface Ready {
  type: 'ready';
  url: string;
  tokens: string[];
  poolMax: number;
}
interface PoolStats {
  type: 'stats';
  total: number;
  idle: number;
  waiting: number;
  maxTotal: number;
}

function next<T>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`load server: no ${type} message`)), timeoutMs);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`load server exited (${code})`)));
  });
}

/** Connections of the service's login role to this database, by state. */
async function appConnections(admin: pg.Client): Promise<Record<string, number>> {
  const r = await admin.query<{ state: string | null; n: string }>(
    `SELECT state, count(*) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND usename = 'claims_app' GROUP BY state`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.state ?? 'null', Number(x.n)]));
}
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * @example const part = await benchLoad({ connections: 200, seconds: 20, databaseUrl });
 */
export async function benchLoad(opts: LoadOptions): Promise<PartResult> {
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: opts.databaseUrl });
  await admin.connect();
  const child = fork(fileURLToPath(new URL('./load-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: opts.databaseUrl, ASK_RATE_LIMIT: '100000000' },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  try {
    const ready = await next<Ready>(child, 'ready');
    const before = await appConnections(admin);
    const auditRows = async () => Number((await admin.query('SELECT count(*) AS n FROM public.ask_audit')).rows[0].n);
    const auditBefore = await auditRows();
    let maxDuring = 0;
    let idleInTxnDuring = 0;
    const watcher = setInterval(() => {
      appConnections(admin)
        .then((c) => {
          maxDuring = Math.max(maxDuring, sum(c));
          idleInTxnDuring = Math.max(idleInTxnDuring, c['idle in transaction'] ?? 0);
        })
        .catch(() => undefined);
    }, 250);
    const requests = ready.tokens.flatMap((token) =>
      COMMON_QUESTIONS.slice(0, 6).map((question) => ({
        method: 'POST' as const,
        path: '/v1/ask',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question }),
      })),
    );
    let i = 0;
    const result = await autocannon({
      url: ready.url,
      connections: opts.connections,
      duration: opts.seconds,
      timeout: 10,
      requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requests[i++ % requests.length] }) }],
    });
    clearInterval(watcher);
    child.send({ type: 'stats' });
    const pool = await next<PoolStats>(child, 'stats');
    await new Promise((r) => setTimeout(r, 500));
    const afterLoad = await appConnections(admin);
    const audited = (await auditRows()) - auditBefore;
    child.send({ type: 'stop' });
    await next(child, 'stopped').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const afterStop = await appConnections(admin);

    const errors = result.errors + result.timeouts + result.non2xx;
    const leaked = sum(afterStop) - 0; // the server's pools are closed: nothing of claims_app may remain
    const bounded = pool.maxTotal <= ready.poolMax && maxDuring <= ready.poolMax + 2; // +2: the runtime's admin pool is not claims_app, the audit shares the app pool
    return {
      part: 'load',
      seconds: round((performance.now() - t0) / 1000, 1),
      measures: [
        {
          id: 'load.requests_per_second',
          part: 'load',
          what: `POST /v1/ask, ${opts.connections} connections, ${opts.seconds} s (${result.requests.total} requests)`,
          unit: 'req/s',
          value: round(result.requests.average, 1),
        },
        {
          id: 'load.latency',
          part: 'load',
          what: 'HTTP latency under that load (autocannon)',
          unit: 'ms',
          summary: {
            samples: result.requests.total,
            min: result.latency.min,
            median: result.latency.p50,
            p95: result.latency.p97_5,
            p99: result.latency.p99,
            max: result.latency.max,
            mean: result.latency.average,
          },
          note: 'autocannon reports p97.5, shown in the p95 column',
        },
        {
          id: 'load.errors',
          part: 'load',
          what: 'errors + timeouts + non-2xx',
          unit: 'count',
          value: errors,
          target: '0',
          pass: errors === 0,
        },
        {
          id: 'load.audit_rows',
          part: 'load',
          what: `ask_audit rows written during the load, vs ${result['2xx']} answered requests`,
          unit: 'count',
          value: audited,
          target: `answered … answered + ${opts.connections} (in flight at the end)`,
          pass: audited >= result['2xx'] && audited <= result['2xx'] + opts.connections,
        },
        {
          id: 'load.leaked_connections',
          part: 'load',
          what: `claims_app connections after the server stopped (before: ${sum(before)}, max during: ${maxDuring}, momentarily idle in transaction: ${idleInTxnDuring})`,
          unit: 'count',
          value: leaked,
          target: '0',
          pass: leaked === 0,
        },
        {
          id: 'load.pool_max',
          part: 'load',
          what: `most connections the member pool held (pool max ${ready.poolMax})`,
          unit: 'count',
          value: pool.maxTotal,
          target: `≤ ${ready.poolMax}`,
          pass: bounded,
        },
      ],
      detail: { before, afterLoad, afterStop, pool, statusCodes: { '2xx': result['2xx'], non2xx: result.non2xx } },
    };
  } finally {
    if (child.exitCode === null) child.kill();
    await admin.end();
  }
}
