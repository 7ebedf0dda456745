/**
 * The import graph of `src/`: every relative import of every non-test `src/**\/*.ts` file
 * (static, `export … from`, `import type`, side-effect and dynamic `import('…')`), and which
 * top-level folder imports which. `src/architecture.test.ts` checks it against the layer order
 * in docs/architecture.md. Print it:
 *
 *   npx tsx scripts/import-graph.ts            # folder → the folders it imports
 *   npx tsx scripts/import-graph.ts --files    # every import that leaves its folder, file by file
 *   npx tsx scripts/import-graph.ts DIR        # the same for another src/ (e.g. an older commit's,
 *                                              # from `git archive <commit> src | tar -x -C DIR/..`)
 *
 * Imports are read from the text, not a compiler: statements start a line (biome formats every
 * file so), and comment blocks are skipped, so an `import` quoted in a doc comment is not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC_DIR = fileURLToPath(new URL('../src/', import.meta.url));

/** One import of one file. */
export interface ImportEdge {
  /** The importing file, relative to src/ with '/' separators ('admin/routes.ts'). */
  readonly file: string;
  /** The specifier as written ('../http/errors.ts'). */
  readonly specifier: string;
  /** The imported file relative to src/, or undefined for a package ('pg', 'node:fs'). */
  readonly target: string | undefined;
  /** Top-level folder of `file` ('admin'); a file directly in src/ is its own name. */
  readonly fromFolder: string;
  /** Top-level folder of `target`; '..' when the import leaves src/. */
  readonly toFolder: string | undefined;
}

const STATIC = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** The source without comments that start a line (`/* … *\/`, `/** … *\/`, `// …`). */
function withoutCommentLines(text: string): string {
  return text.replace(/^[ \t]*\/\*[\s\S]*?\*\//gm, '').replace(/^[ \t]*\/\/.*$/gm, '');
}

/**
 * The module specifiers a TypeScript file imports, in order of appearance per kind.
 * @example
 * specifiersIn("import type { A } from '../core/ports.ts';\nconst m = await import('./x.ts');")
 * // ['../core/ports.ts', './x.ts']
 */
export function specifiersIn(text: string): string[] {
  const code = withoutCommentLines(text);
  const found: string[] = [];
  for (const re of [STATIC, SIDE_EFFECT, DYNAMIC]) for (const m of code.matchAll(re)) found.push(m[2] as string);
  return found;
}

/** Every non-test .ts file under `dir`, relative to it, sorted. */
export function sourceFiles(dir: string = SRC_DIR): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
        out.push(child);
    }
  };
  walk('');
  return out.sort();
}

const folderOf = (rel: string) => rel.split('/')[0] as string;

/** Every import of every non-test file under `dir` (default src/). */
export function importEdges(dir: string = SRC_DIR): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(dir)) {
    for (const specifier of specifiersIn(readFileSync(path.join(dir, file), 'utf8'))) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : undefined;
      edges.push({
        file,
        specifier,
        target,
        fromFolder: folderOf(file),
        toFolder: target === undefined ? undefined : target.startsWith('../') ? '..' : folderOf(target),
      });
    }
  }
  return edges;
}

/** Folder → the other folders it imports (sorted), for every folder with a non-test file. */
export function folderGraph(edges: readonly ImportEdge[]): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const to = graph.get(e.fromFolder) ?? new Set<string>();
    graph.set(e.fromFolder, to);
    if (e.toFolder !== undefined && e.toFolder !== e.fromFolder) to.add(e.toFolder);
  }
  return new Map([...graph].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const edges = importEdges(dir === undefined ? SRC_DIR : path.resolve(dir));
  if (process.argv.includes('--files')) {
    for (const e of edges)
      if (e.toFolder !== undefined && e.toFolder !== e.fromFolder) console.log(`${e.file} → ${e.specifier}`);
  } else {
    for (const [from, to] of folderGraph(edges)) console.log(`${from.padEnd(14)} → ${to.join(', ') || '(none)'}`);
  }
}
