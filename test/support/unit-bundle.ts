/**
 * Runs the unit test files named in `UNIT_TEST_FILES` (newline-separated, relative to the
 * repository root) in ONE process, each as a suite named after its file. Unit tests start
 * nothing, so sharing a process is safe, and it saves loading tsx and the libraries once per
 * file (most of a unit run's time). Sockets are refused (unit-guard.ts). test/run.ts passes
 * this file to `node --test` alongside the integration files, so one summary covers both.
 */
import path from 'node:path';
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, testKind } from './test-kinds.ts';
import { forbidSockets } from './unit-guard.ts';

const files = (process.env.UNIT_TEST_FILES ?? '').split('\n').filter((f) => f !== '');
if (files.length === 0) throw new Error('UNIT_TEST_FILES names no files (run the tests with npm test)');
for (const file of files) {
  if (testKind(file) !== 'unit') throw new Error(`${file} is not a unit test (test/support/test-kinds.ts)`);
}

forbidSockets();
for (const file of files) {
  describe(file, async () => {
    await import(pathToFileURL(path.resolve(ROOT, file)).href);
  });
}
