/**
 * Which test files are unit tests. The rule is where a file sits:
 * - `src/**\/*.test.ts` are unit tests, beside their modules: no PostgreSQL, no Chromium, no
 *   servers, no sockets at all (they run together in one process, unit-bundle.ts, where
 *   unit-guard.ts refuses sockets), so `npm run test:unit` needs nothing started and takes seconds;
 * - everything under `test/` runs on real parts, and the runner starts the embedded PostgreSQL
 *   for it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Files under src/ that still need the database, until they move to test/. Each one is kept out
 * of `npm run test:unit` and of the unit bundle, and given PostgreSQL by `npm test`. Empty: keep
 * it so (a test that needs PostgreSQL belongs in test/).
 */
export const SRC_FILES_NEEDING_DATABASE: ReadonlySet<string> = new Set<string>([]);

export type TestKind = 'unit' | 'integration';

/**
 * The kind of a test file, from its path (absolute, or relative to the repository root).
 * @example
 * testKind('src/validate/validator.test.ts') // 'unit'
 * testKind('test/db/rls.test.ts')            // 'integration'
 */
export function testKind(file: string): TestKind {
  const relative = path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join('/');
  return relative.startsWith('src/') && !SRC_FILES_NEEDING_DATABASE.has(relative) ? 'unit' : 'integration';
}
