/**
 * Finding 7: requests that arrive while the local server starts. Probes hammer the port from
 * before it opens until start-up is over; every probe that got a connection must get an answer
 * (the health report, or a 503 "starting") within seconds — none may hang.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/db/embedded.ts';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime/local.ts';
import { startLocalServer } from '../../src/server/local.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let runtime: LocalRuntime;

before(async () => {
  db = await freshDatabase();
  runtime = await startLocalRuntime({ databaseUrl: db.adminUrl, env: {} });
});

after(async () => {
  await runtime?.close();
  await db?.drop();
});

type Probe = { kind: 'refused' } | { kind: 'answered'; status: number } | { kind: 'hung' };

/** One GET /v1/health; `hung` when connected but unanswered after `hangMs`. */
function probe(port: number, hangMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0 }));
    });
    req.on('error', () => resolve({ kind: 'refused' }));
    req.setTimeout(hangMs, () => {
      req.destroy();
      resolve({ kind: 'hung' });
    });
  });
}

/** Probes every few ms until stopped. */
function hammer(port: number, into: Promise<Probe>[]): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      // A real hang (the bug this guards) lasts forever; 15 s keeps a loaded CI machine from reading slow as hung.
      into.push(probe(port, 15_000));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

test('probes during start-up are answered or refused, never left hanging (3 start-ups)', async () => {
  const port = await freePort();
  const probes: Promise<Probe>[] = [];
  for (let round = 0; round < 3; round++) {
    const stopProbes = hammer(port, probes);
    const server = await startLocalServer({ runtime, port });
    await stopProbes();
    await Promise.all(probes); // let every probe finish before the server goes away
    await server.stop();
  }
  const results = await Promise.all(probes);
  const answered = results.filter((r) => r.kind === 'answered');
  const hung = results.filter((r) => r.kind === 'hung');
  assert.ok(answered.length + hung.length > 0, `some probes connected during start-up (${results.length} sent)`);
  assert.equal(hung.length, 0, `${hung.length} of ${answered.length + hung.length} connected probes hung`);
  for (const r of answered) {
    assert.ok(r.kind === 'answered' && (r.status === 200 || r.status === 503), `status ${JSON.stringify(r)}`);
  }
});
