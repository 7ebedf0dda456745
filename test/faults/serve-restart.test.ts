/**
 * Findings 8 and 9: `claims serve` killed with SIGKILL leaves its PostgreSQL running on the data
 * directory; the next `claims serve` on the same directory must stop it and start (not "failed
 * (Error: undefined)"). Run as root (as CI is), the data directory is a `mktemp -d` folder under
 * /root, which the `postgres` user cannot enter: the server must still start.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/db/embedded.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { startLocalRuntime } from '../../src/runtime/local.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AS_ROOT = process.getuid?.() === 0;
const FAMILY = DEMO_MEMBER_IDS.family;

let dataDir: string;
let clusterDir: string;
const children: ChildProcess[] = [];

before(async () => {
  // As root: a private folder under /root (0700), closed to the postgres user.
  dataDir = await mkdtemp(path.join(AS_ROOT ? '/root' : os.tmpdir(), 'claims-serve-'));
  // A small seeded cluster first, so each `claims serve` below starts in seconds.
  const lines: string[] = [];
  const rt = await startLocalRuntime({ dataDir, families: 10, env: {}, onProgress: (l) => lines.push(l) });
  await rt.close();
  const moved = lines.map((l) => /PostgreSQL data kept in (\S+)/.exec(l)?.[1]).find(Boolean);
  clusterDir = moved ?? path.join(dataDir, 'pg');
  if (AS_ROOT)
    assert.ok(moved, `as root, a cluster under /root is kept where postgres can reach it: ${lines.join(' | ')}`);
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopLeftover();
  await rm(dataDir, { recursive: true, force: true });
  if (clusterDir !== path.join(dataDir, 'pg')) await rm(path.dirname(clusterDir), { recursive: true, force: true });
});

function postmasterPid(): number | undefined {
  const file = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  return Number(readFileSync(file, 'utf8').split('\n')[0]);
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopLeftover(): Promise<void> {
  const pid = postmasterPid();
  if (!alive(pid)) return;
  process.kill(pid as number, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Starts `claims serve` and resolves once it prints that it is ready (rejects if it exits first). */
function serve(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/claims.js', 'serve', '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  child.stderr?.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s: ${out}`)), 60_000);
    const check = () => {
      if (/is ready in/.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`claims serve exited (${code}): ${out.trim()}`));
    });
  });
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/claims.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function askThrough(port: number): Promise<number> {
  const tokenRes = await fetch(`http://127.0.0.1:${port}/dev/token`, {
    method: 'POST',
    body: JSON.stringify({ personId: `${FAMILY}-01` }),
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const res = await fetch(`http://127.0.0.1:${port}/v1/ask`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'How many claims did I have last year?' }),
  });
  await res.text();
  return res.status;
}

test('a claims serve killed with SIGKILL is followed by one that stops the orphaned PostgreSQL and starts', async () => {
  const port1 = await freePort();
  const first = await serve(port1);
  assert.equal(await askThrough(port1), 200);
  const orphan = postmasterPid();
  assert.ok(alive(orphan), 'its PostgreSQL runs');

  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  assert.ok(alive(orphan), 'SIGKILL leaves the PostgreSQL running (orphaned), holding the data directory');

  const port2 = await freePort();
  const second = await serve(port2);
  assert.match(second.output(), /stopping the PostgreSQL left running on this data directory/);
  assert.ok(!alive(orphan), 'the orphan was stopped');
  assert.equal(await askThrough(port2), 200, 'the new server answers from the same data');

  // Other commands read the same database with --data-dir (finding 11): they share the running server.
  const members = await cli(['members', '--data-dir', dataDir, '--member', FAMILY]);
  assert.equal(members.code, 0, members.stderr);
  assert.match(members.stderr, /using the PostgreSQL already running for this data directory/);
  assert.match(members.stdout, new RegExp(`^${FAMILY}`, 'm'));

  // SIGTERM: a clean stop, PostgreSQL included.
  const running = postmasterPid();
  second.child.kill('SIGTERM');
  const code = await new Promise((r) => second.child.once('exit', r));
  assert.equal(code, 0);
  assert.ok(!alive(running), 'claims serve stops its PostgreSQL on SIGTERM');
});
