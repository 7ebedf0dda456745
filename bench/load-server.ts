/**
 * Child process of the load bench: the local server (real handlers) over a runtime whose model
 * is the zero-latency OfflineLlm. Its stdout (the service's own log lines) goes nowhere; it
 * talks to the parent over IPC only: { url, tokens, poolMax } once ready, then pool stats on ask.
 * Usage (by bench/load.ts): DATABASE_URL=... node --import tsx bench/load-server.ts
 */
import { listFamilies } from '../src/db/families.ts';
import { OfflineLlm } from '../src/llm/offline/index.ts';
import { startLocalRuntime } from '../src/runtime/local.ts';
import { startLocalServer } from '../src/server/local.ts';

const POOL_MAX = 4; // startLocalRuntime's member pool
const base = await startLocalRuntime({ databaseUrl: process.env.DATABASE_URL });
// The load test measures throughput, not the per-family rate limit (bench/load.ts sets ASK_RATE_LIMIT).
const runtime = { ...base, ports: { ...base.ports, llm: new OfflineLlm() } };
const server = await startLocalServer({ runtime, host: '127.0.0.1', port: 0 });
const families = (await listFamilies(runtime.adminPool)).slice(0, 40);
const tokens: string[] = [];
for (const f of families)
  for (const p of f.people)
    tokens.push(await server.issuer.issue({ memberId: f.memberId, personId: p.personId, role: 'member' }));

const pool = runtime.db.pool;
let maxTotal = 0;
const sampler = setInterval(() => {
  maxTotal = Math.max(maxTotal, pool.totalCount);
}, 20);
process.send?.({ type: 'ready', url: server.url, tokens, poolMax: POOL_MAX });
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats')
    process.send?.({
      type: 'stats',
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      maxTotal,
    });
  if (msg.type === 'stop') {
    clearInterval(sampler);
    await server.stop();
    await base.close();
    process.send?.({ type: 'stopped' });
    process.exit(0);
  }
});
