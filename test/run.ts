/**
 * `npm test`: node's test runner on every `*.test.ts` under src/ and test/ (or only the files and
 * directories given: `npm test -- test/db`, `npm test -- src/validate`).
 *
 * Unit tests (src/, see test/support/test-kinds.ts) run together in one process
 * (test/support/unit-bundle.ts), with no database and every socket refused. The embedded
 * PostgreSQL starts only when a selected file needs it (everything under test/): then one server
 * for the whole run and a migrated + seeded template database, cloned per test file by
 * test/support/db.ts; each of those files runs in its own process, two at a time.
 *
 * Own flags: `--unit` runs only the unit tests (`npm run test:unit`); `--skip-unit` runs all the
 * others (CI, after `npm run test:unit`). Other arguments starting with `--` go to `node --test`
 * (e.g. `--test-name-pattern=RLS`).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT, SRC_FILES_NEEDING_DATABASE, testKind } from './support/test-kinds.ts';

const RUNNER_FLAGS = new Set(['--unit', '--skip-unit']);
const UNIT_BUNDLE = 'test/support/unit-bundle.ts';
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
  const unitOnly = args.includes('--unit');
  const skipUnit = args.includes('--skip-unit');
  if (unitOnly && skipUnit) {
    console.error('--unit and --skip-unit exclude each other');
    return 2;
  }
  const nodeFlags = args.filter((a) => a.startsWith('--') && !RUNNER_FLAGS.has(a));
  const targets = args.filter((a) => !a.startsWith('--'));
  const defaultRoots = unitOnly ? ['src'] : ['src', 'test'];
  const roots = targets.length > 0 ? targets : defaultRoots.filter((d) => existsSync(path.join(ROOT, d)));
  const found = [...new Set((await Promise.all(roots.map(findTests))).flat())].sort();
  const files = found.filter((f) => (unitOnly ? testKind(f) === 'unit' : skipUnit ? testKind(f) !== 'unit' : true));
  if (unitOnly) {
    for (const f of found.filter((x) => testKind(x) !== 'unit')) {
      const why = SRC_FILES_NEEDING_DATABASE.has(path.relative(ROOT, f)) ? ' (needs PostgreSQL; moving to test/)' : '';
      console.log(`# not a unit test, left out: ${path.relative(ROOT, f)}${why}`);
    }
  }
  if (files.length === 0) {
    console.error('no *.test.ts files found');
    return 1;
  }
  const units = files.filter((f) => testKind(f) === 'unit').length;
  const kinds = `${files.length} test files (${units} unit, ${files.length - units} on real parts)`;
  const needsDatabase = files.some((f) => testKind(f) === 'integration');
  // Which OpenAPI operations and statuses the run's checked responses covered
  // (test/support/openapi.ts writes them; `npx tsx scripts/openapi-coverage.ts` sums them up).
  process.env.OPENAPI_COVERAGE_DIR ??= path.join(ROOT, 'coverage', 'openapi');
  await rm(process.env.OPENAPI_COVERAGE_DIR, { recursive: true, force: true });
  if (!needsDatabase) {
    console.log(`# ${kinds}; no database needed`);
    return runNodeTests(files, nodeFlags, {});
  }

  // Loaded only now: a unit run never loads the database code.
  const { startEmbeddedPostgres } = await import('../src/db/embedded.ts');
  const { prepareTemplate } = await import('./support/db.ts');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-test-run-'));
  const started = Date.now();
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  try {
    const templateDb = 'claims_template';
    await prepareTemplate(server.adminUrl, templateDb);
    console.log(`# ${kinds}; test database ready in ${Date.now() - started} ms`);
    return await runNodeTests(files, nodeFlags, {
      TEST_PG_ADMIN_URL: server.adminUrl,
      TEST_PG_TEMPLATE_DB: templateDb,
    });
  } finally {
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Runs `node --test` once: the unit files as one bundle (one process), every other file in its
 * own process, two processes at a time; resolves its exit code.
 */
async function runNodeTests(files: string[], nodeFlags: string[], env: Record<string, string>): Promise<number> {
  const relative = files.map((f) => path.relative(ROOT, f));
  const units = relative.filter((f) => testKind(f) === 'unit');
  const others = relative.filter((f) => testKind(f) !== 'unit');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      ...nodeFlags,
      ...(units.length > 0 ? [UNIT_BUNDLE] : []),
      ...others,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env, UNIT_TEST_FILES: units.join('\n') } },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => {
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
