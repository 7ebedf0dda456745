/**
 * `npm run bench`: every benchmark of issue 6 in one run, on one throw-away embedded PostgreSQL
 * (a temp data dir; the dev `.data/` cluster is never touched). Writes bench/results.json and
 * the table in docs/benchmarks.md.
 *
 *   npm run bench                                   # all parts, scale at 1,000,000 claims (a few minutes)
 *   npm run bench -- --claims 5000000               # the full 5 M scale run
 *   npm run bench -- --only validator,pipeline      # some parts
 *   npm run bench -- --connections 200 --seconds 20 # load shape (these are the defaults)
 *   npm run bench -- --only stream --stream-asks 30 # streamed answers with a latency-modelled model
 *   npm run bench -- --no-write                     # print only
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../src/runtime/local.ts';
import { benchColdStart } from './cold-start.ts';
import { type BenchCluster, startBenchCluster } from './lib/cluster.ts';
import { renderTable, spliceTable } from './lib/report.ts';
import type { BenchResults, PartResult } from './lib/results.ts';
import { round } from './lib/stats.ts';
import { benchLoad } from './load.ts';
import { benchPipeline } from './pipeline.ts';
import { benchScale } from './scale.ts';
import { benchStream } from './stream.ts';
import { benchValidator } from './validator.ts';

const PARTS = ['validator', 'pipeline', 'stream', 'scale', 'cold-start', 'load'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    claims: { type: 'string', default: '1000000' },
    'scale-queries': { type: 'string', default: '2000' },
    asks: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'cold-runs': { type: 'string', default: '10' },
    'stream-asks': { type: 'string', default: '14' },
    'validator-ms': { type: 'string', default: '5000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const int = (name: keyof typeof values, min: number, max: number): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
};
const only = values.only ? (values.only.split(',').map((s) => s.trim()) as Part[]) : [...PARTS];
for (const p of only)
  if (!PARTS.includes(p)) throw new Error(`--only: unknown part '${p}' (parts: ${PARTS.join(', ')})`);
// Bounded in count and time whatever the flags say.
const opts = {
  claims: int('claims', 10_000, 10_000_000),
  scaleQueries: int('scale-queries', 10, 20_000),
  asks: int('asks', 10, 20_000),
  connections: int('connections', 1, 500),
  seconds: int('seconds', 1, 120),
  coldRuns: int('cold-runs', 1, 50),
  streamAsks: int('stream-asks', 1, 200),
  validatorMs: int('validator-ms', 500, 60_000),
};
const today = new Date().toISOString().slice(0, 10);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const parts: PartResult[] = [];
async function run(part: string, fn: () => Promise<PartResult | PartResult[]>): Promise<void> {
  log(`${part}…`);
  const t0 = performance.now();
  try {
    const r = await fn();
    parts.push(...(Array.isArray(r) ? r : [r]));
  } catch (err) {
    parts.push({
      part,
      measures: [],
      seconds: round((performance.now() - t0) / 1000, 1),
      error: String((err as Error).message).slice(0, 300),
    });
  }
  log(`${part} done in ${round((performance.now() - t0) / 1000, 1)} s`);
}

const loadAverage = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
let cluster: BenchCluster | undefined;
const needsDb = only.some((p) => p === 'pipeline' || p === 'stream' || p === 'scale' || p === 'load');
try {
  if (only.includes('validator')) await run('validator', () => benchValidator({ timeMs: opts.validatorMs }));
  if (only.includes('cold-start')) await run('cold-start', () => benchColdStart({ runs: opts.coldRuns }));
  if (needsDb) {
    cluster = await startBenchCluster();
    const appDb = await cluster.createDatabase('claims_bench');
    if (only.includes('pipeline')) {
      await run('pipeline', async () => {
        const rt = await startLocalRuntime({ databaseUrl: appDb });
        try {
          return await benchPipeline(rt, { asks: opts.asks, maxMs: 120_000 });
        } finally {
          await rt.close();
        }
      });
    }
    if (only.includes('stream')) await run('stream', () => benchStream({ asks: opts.streamAsks, databaseUrl: appDb }));
    if (only.includes('load'))
      await run('load', () => benchLoad({ connections: opts.connections, seconds: opts.seconds, databaseUrl: appDb }));
    if (only.includes('scale'))
      await run('scale', () =>
        benchScale(cluster as BenchCluster, { claims: opts.claims, queries: opts.scaleQueries, maxMs: 120_000, today }),
      );
  }
} finally {
  await cluster?.stop();
}

const argv = process.argv.slice(2).join(' ');
const results: BenchResults = {
  command: `npm run bench${argv ? ` -- ${argv}` : ''}`,
  date: new Date().toISOString(),
  machine: {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    postgres: cluster?.version,
  },
  options: {
    ...opts,
    only,
    loadAverage,
    loadAverageAtEnd: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  },
  parts,
};
const table = renderTable(results);
process.stdout.write(`${table}\n`);
if (!values['no-write']) {
  writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
  const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  let doc: string;
  try {
    doc = readFileSync(docPath, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  writeFileSync(docPath, spliceTable(doc, table));
  log('wrote bench/results.json and docs/benchmarks.md');
}
const missed = parts.flatMap((p) => (p.error ? [p.part] : p.measures.filter((m) => m.pass === false).map((m) => m.id)));
if (missed.length) log(`missed: ${missed.join(', ')}`);
