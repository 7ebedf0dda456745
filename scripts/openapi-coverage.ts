/**
 * How much of the OpenAPI document (openapi/openapi.json) the last test run checked responses
 * against: every documented operation and response status, covered or not, from the records
 * test/support/openapi.ts leaves in coverage/openapi/ (test/run.ts sets OPENAPI_COVERAGE_DIR).
 *
 *   npm test -- test/api test/admin test/e2e test/lambda && npx tsx scripts/openapi-coverage.ts [--json]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiRoutes } from '../src/http/openapi.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.OPENAPI_COVERAGE_DIR ?? path.join(ROOT, 'coverage', 'openapi');

const seen = new Map<string, number>();
if (existsSync(dir))
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')))
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean)) {
      const key = JSON.parse(line) as string;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }

interface Row {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly covered: string[];
  readonly missing: string[];
}
const rows: Row[] = [];
for (const route of openApiRoutes())
  for (const [method, op] of route.operations) {
    const statuses = Object.keys((op.object.responses ?? {}) as object);
    rows.push({
      operation: op.operationId,
      method: method.toUpperCase(),
      path: route.path,
      covered: statuses.filter((s) => seen.has(`${op.operationId} ${s}`)),
      missing: statuses.filter((s) => !seen.has(`${op.operationId} ${s}`)),
    });
  }
const extra = [...seen.keys()].filter((k) => k.startsWith('(') || k.startsWith('OPTIONS')).sort();
const endpoints = rows.filter((r) => r.covered.length > 0).length;
const codes = rows.reduce((n, r) => n + r.covered.length, 0);
const allCodes = rows.reduce((n, r) => n + r.covered.length + r.missing.length, 0);

if (process.argv.includes('--json')) {
  process.stdout.write(
    `${JSON.stringify({ endpoints, totalEndpoints: rows.length, codes, totalCodes: allCodes, rows, extra })}\n`,
  );
} else {
  console.log(
    `OpenAPI coverage (${seen.size === 0 ? 'no records: run the tests first' : `${[...seen.values()].reduce((a, b) => a + b, 0)} checked responses`})`,
  );
  console.log(
    `operations with a checked response: ${endpoints} of ${rows.length}; documented statuses seen: ${codes} of ${allCodes}`,
  );
  for (const r of rows)
    console.log(
      `  ${r.method.padEnd(4)} ${r.path.padEnd(52)} covered ${r.covered.join(' ') || '—'}${r.missing.length ? `   not seen ${r.missing.join(' ')}` : ''}`,
    );
  if (extra.length) console.log(`  also: ${extra.join(', ')}`);
}
