/**
 * Cold start: the Lambda handler bundled the way serverless.yml bundles it (esbuild, node22,
 * ESM, minified, keepNames; the AWS SDK bundled in, as serverless.yml decides: the version the
 * tests ran against, not the runtime's; pg-native left out), its size, and the time a fresh
 * node process takes to import it, vs importing the TypeScript source through tsx.
 * Targets: bundle < 2 MB; import < 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { latencyMeasure, type PartResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(ROOT, 'bench/.out/ask.mjs');
const ENTRY = path.join(ROOT, 'src/handlers/ask.ts');

export interface ColdStartOptions {
  /** Fresh processes per variant. */
  readonly runs: number;
}

/** Milliseconds to `import()` a module in a new node process (measured inside it). */
function importMs(specifier: string, nodeArgs: string[]): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const r = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_DEV: '', AWS_REGION: 'us-east-1' },
    timeout: 60_000,
  });
  const ms = Number(r.stdout);
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`import failed: ${r.stderr.slice(0, 500)}`);
  return ms;
}

/**
 * @example const part = await benchColdStart({ runs: 10 });
 */
export async function benchColdStart(opts: ColdStartOptions): Promise<PartResult> {
  const t0 = performance.now();
  const b0 = performance.now();
  const result = await build({
    entryPoints: [ENTRY],
    outfile: OUT,
    bundle: true,
    minify: true,
    keepNames: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['pg-native'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'silent',
  });
  const buildMs = performance.now() - b0;
  const bytes = statSync(OUT).size;
  const inputs = Object.entries(result.metafile.outputs[path.relative(ROOT, OUT)]?.inputs ?? {});
  const byPackage = new Map<string, number>();
  for (const [file, info] of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m?.[1] ?? 'src';
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const largest = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);

  const bundled: number[] = [];
  const source: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    bundled.push(importMs(pathToFileURL(OUT).href, []));
    source.push(importMs(pathToFileURL(ENTRY).href, ['--import', 'tsx']));
  }
  return {
    part: 'cold-start',
    seconds: round((performance.now() - t0) / 1000, 1),
    measures: [
      {
        id: 'cold.bundle_bytes',
        part: 'cold-start',
        what: 'esbuild bundle of src/handlers/ask.ts (AWS SDK bundled, minified, no source map)',
        unit: 'bytes',
        value: bytes,
        target: '< 2 MB',
        pass: bytes < 2 * 1024 * 1024,
      },
      latencyMeasure(
        {
          id: 'cold.import_bundle',
          part: 'cold-start',
          what: 'import() of the bundle in a fresh node process',
          target: '< 300 ms',
        },
        summarize(bundled),
        (s) => s.median < 300,
      ),
      latencyMeasure(
        {
          id: 'cold.import_source',
          part: 'cold-start',
          what: 'import() of the TypeScript source via tsx, for comparison',
        },
        summarize(source),
      ),
    ],
    detail: {
      buildMs: round(buildMs, 0),
      largestInputs: largest.map(([pkg, b]) => ({ pkg, kb: round(b / 1024, 1) })),
    },
  };
}
