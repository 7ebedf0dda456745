/**
 * Findings 10 and 11 (CLI): output through a pipe is complete far above 64 KB (the process used
 * to exit before standard output drained); `claims members` filters and pages; `claims ask`
 * refuses an unknown member or person as a usage error (exit 2) before any model call.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAMILY = DEMO_MEMBER_IDS.family;

let db: TestDatabase;

before(async () => {
  db = await freshDatabase();
});

after(async () => {
  await db?.drop();
});

/** Runs `claims …` with stdout and stderr as pipes (what `| jq` or `$(…)` give it). */
function claims(args: string[], stdin?: string): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, ['bin/claims.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.adminUrl, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  // A slow reader, as a pipeline often is: the writer must wait for it, not exit early.
  child.stdout.on('data', (c: Buffer) => {
    out.push(c);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 2);
  });
  child.stderr.on('data', (c) => {
    err += c;
  });
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

test('claims members --json through a pipe: all of it (far above 64 KB), valid JSON', async () => {
  const { code, stdout, stderr } = await claims(['members', '--json']);
  assert.equal(code, 0, stderr);
  assert.ok(stdout.length > 128 * 1024, `${stdout.length} bytes`);
  const families = JSON.parse(stdout.toString('utf8')) as { memberId: string }[];
  assert.equal(families.length, 500);
});

test('claims check-sql --execute --lines through a pipe: one complete JSON line per statement', async () => {
  const sql = `SELECT claim_id, claim_date, claim_type, provider_name, charged_amount, plan_paid_amount FROM claims_history WHERE member_id = ${FAMILY}`;
  const statements = Array.from({ length: 40 }, () => sql);
  const { code, stdout, stderr } = await claims(
    ['check-sql', '--member', FAMILY, '--execute', '--lines'],
    statements.join('\n'),
  );
  assert.equal(code, 0, stderr);
  assert.ok(stdout.length > 64 * 1024, `${stdout.length} bytes`);
  const lines = stdout.toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, 40);
  for (const line of lines) assert.equal((JSON.parse(line) as { ok: boolean }).ok, true);
});

test('claims members --member and --limit', async () => {
  const one = await claims(['members', '--member', FAMILY, '--json']);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(
    (JSON.parse(one.stdout.toString('utf8')) as { memberId: string }[]).map((f) => f.memberId),
    [FAMILY],
  );
  const bad = await claims(['members', '--limit', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--limit/);
});

test('claims ask: an unknown member or person is a one-line usage error (exit 2), not DB_ERROR', async () => {
  const [member, person, malformed] = await Promise.all([
    claims(['ask', '--member', '1999999999', 'How many claims did I have?']),
    claims(['ask', '--member', FAMILY, '--person', `${FAMILY}-09`, 'How many claims did I have?']),
    claims(['ask', '--member', FAMILY, '--person', `${FAMILY}-x`, 'How many claims did I have?']),
  ]);
  for (const r of [member, person, malformed]) {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('claims ask:')).length,
      1,
      r.stderr,
    );
    assert.doesNotMatch(r.stderr, /DB_ERROR|at .*\.ts:\d+/);
  }
  assert.match(member.stderr, /1999999999/);
});
