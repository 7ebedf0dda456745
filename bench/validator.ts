/**
 * Validator: parse + validate every case of the validator corpus (accepted and rejected),
 * round-robin, as one tinybench task, so each sample is one query. Target: p99 < 1 ms.
 */
import { Bench } from 'tinybench';
import { validateSql } from '../src/validate/index.ts';
import { loadCorpus } from './lib/corpus.ts';
import { latencyMeasure, type PartResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

export interface ValidatorOptions {
  /** Measuring time for the round-robin task (ms). */
  readonly timeMs: number;
}

/**
 * @example const part = await benchValidator({ timeMs: 5000 });
 */
export async function benchValidator(opts: ValidatorOptions): Promise<PartResult> {
  const t0 = performance.now();
  const cases = await loadCorpus();

  // The benchmark is only meaningful if the validator answers as the tests expect.
  const mismatches = cases.filter((c) => {
    const r = validateSql(c.sql, { memberId: c.memberId });
    return (r.ok ? 'OK' : r.code) !== c.expected;
  });

  let i = 0;
  const bench = new Bench({ time: opts.timeMs, warmupTime: 500, retainSamples: true });
  bench.add('validateSql, corpus round-robin', () => {
    const c = cases[i++ % cases.length] as (typeof cases)[number];
    validateSql(c.sql, { memberId: c.memberId });
  });
  await bench.run();
  const task = bench.tasks[0];
  const samples = task?.result && 'latency' in task.result ? (task.result.latency.samples ?? []) : [];
  if (samples.length === 0) throw new Error('tinybench returned no samples');
  const overall = summarize(samples);

  // Per case: which ones are the slowest (case names are test-corpus labels, not member data).
  const perCase = cases.map((c) => {
    const times: number[] = [];
    for (let r = 0; r < 30; r++) {
      const s = performance.now();
      validateSql(c.sql, { memberId: c.memberId });
      times.push(performance.now() - s);
    }
    return { name: c.name, source: c.source, median: summarize(times).median, max: summarize(times).max };
  });
  perCase.sort((a, b) => b.median - a.median);

  return {
    part: 'validator',
    seconds: round((performance.now() - t0) / 1000, 1),
    measures: [
      latencyMeasure(
        {
          id: 'validator.per_query',
          part: 'validator',
          what: `validateSql per query (${cases.length} corpus cases, round-robin)`,
          target: 'p99 < 1 ms',
          note: mismatches.length ? `${mismatches.length} cases answered unlike the tests` : undefined,
        },
        overall,
        (s) => s.p99 < 1,
      ),
    ],
    detail: {
      cases: cases.length,
      bySource: Object.fromEntries(
        ['unit-accepted', 'unit-rejected', 'attack'].map((s) => [s, cases.filter((c) => c.source === s).length]),
      ),
      mismatches: mismatches.map((c) => c.name),
      slowestCases: perCase.slice(0, 5),
    },
  };
}
