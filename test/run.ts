/**
 * `npm test`: one embedded PostgreSQL for the whole run, a migrated + seeded template database
 * (cloned per test file by test/support/db.ts), then node's test runner on every `*.test.ts`
 * under src/ and test/ (or only the files/directories given: `npm test -- test/db`).
 * Arguments starting with `--` go to `node --test` (e.g. `--test-name-pattern=RLS`).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { prepareTemplate } from './support/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', '.git', '.data', 'dist', '.serverless']);

async function findTests(target: string): Promise<string[]> {
  const full = path.resolve(ROOT, target);
  if (!existsSync(full)) throw new Error(`no such test path: ${target}`);
  if (statSync(full).isFile()) return [full];
  const found: string[] = [];
  for (const entry of await readdir(full, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...(await findTests(path.join(full, entry.name))));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(path.join(full, entry.name));
    }
  }
  return found;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const nodeFlags = args.filter((a) => a.startsWith('--'));
  const targets = args.filter((a) => !a.startsWith('--'));
  const roots = targets.length > 0 ? targets : ['src', 'test'].filter((d) => existsSync(path.join(ROOT, d)));
  const files = [...new Set((await Promise.all(roots.map(findTests))).flat())].sort();
  if (files.length === 0) {
    console.error('no *.test.ts files found');
    return 1;
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-test-run-'));
  const started = Date.now();
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    const templateDb = 'claims_template';
    await prepareTemplate(server.adminUrl, templateDb);
    console.log(`# test database ready in ${Date.now() - started} ms; ${files.length} test files`);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', ...nodeFlags, ...files.map((f) => path.relative(ROOT, f))],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, TEST_PG_ADMIN_URL: server.adminUrl, TEST_PG_TEMPLATE_DB: templateDb },
      },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) => {
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    return code;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
