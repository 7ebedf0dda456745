/**
 * Pipeline overhead and LLM cost: full asks through `ask()` with the zero-latency OfflineLlm
 * (called directly, no HTTP), against the seeded PostgreSQL. Overhead = total − time inside
 * the model. Targets: p50 < 5 ms, p99 < 20 ms. Also the prompt tokens per template and the
 * row cap: no summary prompt may carry more than LIMITS.rowCap rows.
 */

import type { MemberScope } from '../src/core/ports.ts';
import { Reason } from '../src/core/reasons.ts';
import { listFamilies } from '../src/db/families.ts';
import { mulberry32 } from '../src/db/seed/random.ts';
import { OfflineLlm } from '../src/llm/offline/index.ts';
import { type AskPorts, ask } from '../src/pipeline/ask.ts';
import type { LocalRuntime } from '../src/runtime/local.ts';
import { LIMITS } from '../src/schema/catalog.ts';
import { COMMON_QUESTIONS } from './lib/questions.ts';
import { latencyMeasure, type Measure, type PartResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';
import { TimedLlm } from './lib/timed-llm.ts';

export interface PipelineOptions {
  /** Measured asks (after warm-up). */
  readonly asks: number;
  /** Stop earlier when this much time has passed (ms). */
  readonly maxMs: number;
}

/** A deterministic PRNG so runs ask the same sequence (the seed's own generator). */
export const prng = mulberry32;

/**
 * @example const part = await benchPipeline(runtime, { asks: 1000, maxMs: 60_000 });
 */
export async function benchPipeline(rt: LocalRuntime, opts: PipelineOptions): Promise<PartResult[]> {
  const t0 = performance.now();
  const llm = new TimedLlm(new OfflineLlm());
  const ports: AskPorts = { ...rt.ports, llm };
  const people: MemberScope[] = (await listFamilies(rt.adminPool)).flatMap((f) =>
    f.people.map((p) => ({ memberId: f.memberId, personId: p.personId })),
  );
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;

  const overhead: number[] = [];
  const totals: number[] = [];
  const llmMs: number[] = [];
  const tokens = { sql: [] as number[], summary: [] as number[] };
  const codes: Record<string, number> = {};
  const stages: Record<string, number[]> = {};
  const warmup = 30;
  const deadline = performance.now() + opts.maxMs;
  for (let i = 0; i < warmup + opts.asks && performance.now() < deadline; i++) {
    llm.take();
    const r = await ask({ requestId: `bench-${i}`, scope: pick(people), question: pick(COMMON_QUESTIONS) }, ports);
    const inModel = llm.take();
    if (i < warmup) continue;
    totals.push(r.timings.total);
    llmMs.push(inModel);
    overhead.push(Math.max(0, r.timings.total - inModel));
    codes[r.code] = (codes[r.code] ?? 0) + 1;
    for (const [stage, ms] of Object.entries(r.timings)) {
      stages[stage] ??= [];
      stages[stage].push(ms);
    }
    if (r.tokens.sql) tokens.sql.push(r.tokens.sql.inputTokens);
    if (r.tokens.summary) tokens.summary.push(r.tokens.summary.inputTokens);
  }

  // The row cap, forced: SQL (scripted, validator-accepted) that matches far more than rowCap rows.
  const family = people.find((p) => p.memberId === '1000000001') ?? (people[0] as MemberScope);
  const capRowsBefore = llm.summaryRowCounts.length;
  const m = family.memberId;
  const own = `(SELECT claim_id FROM claims_history WHERE member_id = ${m})`;
  llm.scriptSql([own, own, own, own].join(' UNION ALL ')); // 4 × the family's claims > rowCap
  const capped = await ask({ requestId: 'bench-cap', scope: { memberId: m }, question: 'List all my claims' }, ports);
  const summarizedAfterCap = llm.summaryRowCounts.length - capRowsBefore;
  const maxSummaryRows = Math.max(0, ...llm.summaryRowCounts);
  const rowCapHeld =
    maxSummaryRows <= LIMITS.rowCap && capped.code === Reason.TOO_MANY_ROWS && summarizedAfterCap === 0;

  const seconds = round((performance.now() - t0) / 1000, 1);
  const pipeline: Measure[] = [
    latencyMeasure(
      {
        id: 'pipeline.overhead',
        part: 'pipeline',
        what: 'ask() total − LLM time (OfflineLlm direct)',
        target: 'p50 < 5 ms, p99 < 20 ms',
      },
      summarize(overhead),
      (s) => s.median < 5 && s.p99 < 20,
    ),
    latencyMeasure({ id: 'pipeline.total', part: 'pipeline', what: 'ask() total, for reference' }, summarize(totals)),
    latencyMeasure(
      { id: 'pipeline.llm', part: 'pipeline', what: 'time inside OfflineLlm (subtracted)' },
      summarize(llmMs),
    ),
  ];
  const cost: Measure[] = [
    {
      id: 'llm.prompt_tokens.sql',
      part: 'llm-cost',
      what: 'prompt tokens per ask, SQL template',
      unit: 'tokens',
      summary: summarize(tokens.sql),
    },
    {
      id: 'llm.prompt_tokens.summary',
      part: 'llm-cost',
      what: 'prompt tokens per ask, summary template (asks that reached it)',
      unit: 'tokens',
      summary: summarize(tokens.summary),
    },
    {
      id: 'llm.summary_rows_max',
      part: 'llm-cost',
      what: `most rows in any summary prompt (row cap ${LIMITS.rowCap}); forced over-cap ask → ${capped.code}`,
      unit: 'count',
      value: maxSummaryRows,
      target: `≤ ${LIMITS.rowCap}, over-cap never summarized`,
      pass: rowCapHeld,
    },
  ];
  return [
    {
      part: 'pipeline',
      seconds,
      measures: pipeline,
      detail: {
        asks: overhead.length,
        warmup,
        outcomes: codes,
        // Where the overhead goes (generate and summarize include the model's own time).
        stageMedians: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarize(v).median])),
        stageP99: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarize(v).p99])),
      },
    },
    {
      part: 'llm-cost',
      seconds: 0,
      measures: cost,
      detail: {
        tokenCounting: 'the stand-in and OfflineLlm count ceil(chars/4) of system + prompt (estimateTokens)',
        summaryPrompts: llm.summaryRowCounts.length,
        overCapAsk: { code: capped.code, rowCount: capped.rowCount, summarized: summarizedAfterCap > 0 },
      },
    },
  ];
}
