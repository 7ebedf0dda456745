/**
 * The layers (docs/architecture.md): a module imports its own folder and folders of a lower rank,
 * never upward, never sideways into a folder of the same rank. A new top-level folder fails
 * here until it is given a rank. No database: it reads the import statements of src/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderGraph, type ImportEdge, importEdges, specifiersIn } from '../scripts/import-graph.ts';

/** Rank of every top-level folder of src/. A higher rank may import any lower one. */
const LAYER_RANK: Readonly<Record<string, number>> = {
  schema: 0,
  core: 1,
  generate: 2,
  validate: 2,
  db: 2,
  llm: 2,
  interpret: 2,
  prompts: 2,
  auth: 2,
  observability: 2,
  pipeline: 3,
  eval: 4,
  admin: 5,
  http: 6,
  config: 6,
  runtime: 7,
  handlers: 8,
  server: 9,
  cli: 10,
};

/** Folders that may import fewer folders than their rank allows. */
const ONLY: Readonly<Record<string, readonly string[]>> = {
  // The configuration module is read by everything; it stands on the vocabulary alone.
  config: ['core', 'schema'],
};

/** Why `edge` breaks the layers, or undefined when it is allowed. */
export function violation(edge: ImportEdge): string | undefined {
  const { fromFolder: from, toFolder: to } = edge;
  if (to === undefined || to === from) return undefined;
  if (to === '..') {
    // Data, not code: the API's OpenAPI document (openapi/openapi.json) is read by the edge.
    if (from === 'http' && /^(\.\.\/)+openapi\/[\w-]+\.json$/.test(edge.specifier)) return undefined;
    return 'imports from outside src/';
  }
  const rf = LAYER_RANK[from];
  const rt = LAYER_RANK[to];
  if (rf === undefined) return `src/${from} has no rank in LAYER_RANK`;
  if (rt === undefined) return `src/${to} has no rank in LAYER_RANK`;
  const only = ONLY[from];
  if (only && !only.includes(to)) return `${from} may import only ${only.join(', ')}`;
  if (rt > rf) return `upward: ${from} (rank ${rf}) imports ${to} (rank ${rt})`;
  if (rt === rf) return `sideways: ${from} and ${to} are both rank ${rf}`;
  return undefined;
}

const describe = (e: ImportEdge, why: string) => `src/${e.file} imports '${e.specifier}': ${why}`;

test('every top-level folder of src/ has a rank', () => {
  const unranked = [...folderGraph(importEdges()).keys()].filter((f) => LAYER_RANK[f] === undefined);
  assert.deepEqual(unranked, [], `rank these in LAYER_RANK and docs/architecture.md: ${unranked.join(', ')}`);
});

test('no module imports upward or sideways across layers', () => {
  const bad = importEdges().flatMap((e) => {
    const why = violation(e);
    return why ? [describe(e, why)] : [];
  });
  assert.deepEqual(bad, [], `\n${bad.join('\n')}`);
});

test('the rule catches upward, sideways, unknown and outside imports', () => {
  const edge = (file: string, specifier: string, toFolder: string | undefined): ImportEdge => ({
    file,
    specifier,
    target: toFolder,
    fromFolder: file.split('/')[0] as string,
    toFolder,
  });
  assert.equal(violation(edge('pipeline/ask.ts', '../validate/index.ts', 'validate')), undefined);
  assert.equal(violation(edge('prompts/x.ts', './y.ts', 'prompts')), undefined);
  assert.equal(violation(edge('prompts/x.ts', 'pg', undefined)), undefined);
  assert.match(violation(edge('prompts/x.ts', '../generate/p.ts', 'generate')) ?? '', /sideways/);
  assert.match(violation(edge('observability/m.ts', '../http/errors.ts', 'http')) ?? '', /upward/);
  assert.match(violation(edge('config/index.ts', '../db/x.ts', 'db')) ?? '', /only core, schema/);
  assert.match(violation(edge('newthing/a.ts', '../core/ports.ts', 'core')) ?? '', /no rank/);
  assert.match(violation(edge('core/a.ts', '../../bench/x.ts', '..')) ?? '', /outside src/);
});

test('import statements are read in every form, and not from comments', () => {
  const text = [
    "import type { A } from '../core/ports.ts';",
    'import {',
    '  b,',
    '  type C,',
    "} from '../schema/catalog.ts';",
    "export { d } from './d.ts';",
    "import './side-effect.ts';",
    '/**',
    " * import { e } from '../admin/e.ts';",
    " * await import('../cli/main.ts');",
    ' */',
    "// import { f } from '../http/f.ts';",
    "const g = await import('../admin/lambda-starter.ts');",
  ].join('\n');
  assert.deepEqual(specifiersIn(text).sort(), [
    '../admin/lambda-starter.ts',
    '../core/ports.ts',
    '../schema/catalog.ts',
    './d.ts',
    './side-effect.ts',
  ]);
});
