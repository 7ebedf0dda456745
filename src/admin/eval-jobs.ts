/**
 * Evaluation jobs for the admin API: an evaluation of a draft runs in the background and the page
 * polls its progress. The published version's results on the same set are the baseline (for the
 * per-case diff and the publish gate); they are computed once per published version and reused.
 *
 * Jobs live in this process's memory: locally that is the server; on Lambda a poll must reach
 * the container that started the job (documented limitation; see docs/eval.md).
 */
import { randomUUID } from 'node:crypto';
import type { EvalCase } from '../eval/cases.ts';
import { draftPasses, PASS_THRESHOLD } from '../eval/gate.ts';
import { type CaseResult, type EvalSummary, runEval, withTemplate } from '../eval/run.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import type { TemplateName } from '../pipeline/ports.ts';
import { contentHash, type PgPromptStore, type StoredEval, type TemplateVersion } from '../prompts/pg-store.ts';

export type JobState = 'running' | 'done' | 'failed';

/** One case as the page shows it: the draft's outcome next to the published version's. */
export interface CaseDiff {
  readonly id: string;
  readonly question: string;
  readonly kind: CaseResult['kind'];
  readonly expected: string;
  readonly draft: { readonly passed: boolean; readonly got: string; readonly why?: string };
  readonly published?: { readonly passed: boolean; readonly got: string; readonly why?: string };
  /** 'fixed' | 'broken' | 'same' relative to the published version. */
  readonly change: 'fixed' | 'broken' | 'same';
}

export interface EvalJob {
  readonly id: string;
  readonly name: TemplateName;
  readonly version: number;
  state: JobState;
  phase: 'baseline' | 'draft' | 'done';
  done: number;
  readonly total: number;
  cases: CaseDiff[];
  summary?: StoredEval;
  error?: string;
  readonly startedAt: string;
}

/** What is stored with the draft: enough to gate publishing and to show the figures again. */
function stored(draft: EvalSummary, baseline: EvalSummary | undefined, hash: string, baseVersion?: number): StoredEval {
  return {
    passed: draftPasses(draft.accuracy, baseline?.accuracy),
    contentHash: hash,
    accuracy: draft.accuracy,
    executionAccuracy: draft.executionAccuracy,
    refusalAccuracy: draft.refusalAccuracy,
    total: draft.total,
    passedCases: draft.passed,
    threshold: Math.min(PASS_THRESHOLD, baseline?.accuracy ?? PASS_THRESHOLD),
    publishedVersion: baseVersion ?? null,
    publishedAccuracy: baseline?.accuracy ?? null,
    modelId: draft.modelId ?? null,
    at: new Date().toISOString(),
  };
}

export interface EvalJobsDeps {
  readonly store: PgPromptStore;
  readonly ports: AskPorts;
  readonly cases: () => Promise<readonly EvalCase[]>;
}

/**
 * Starts and tracks evaluation jobs.
 * @example
 * const jobs = new EvalJobs();
 * const job = await jobs.start(draft, deps, actor); // poll jobs.get(job.id)
 */
export class EvalJobs {
  readonly #jobs = new Map<string, EvalJob>();
  readonly #baselines = new Map<string, Promise<EvalSummary>>();
  /** Finished jobs kept for polling; the oldest are dropped beyond this. */
  readonly #keep = 20;

  get(id: string): EvalJob | undefined {
    return this.#jobs.get(id);
  }

  async start(draft: TemplateVersion, deps: EvalJobsDeps, actor: string): Promise<EvalJob> {
    const cases = await deps.cases();
    const published = await deps.store.published(draft.name).catch(() => undefined);
    const baselineKey = published ? `${published.name}@${published.version}` : undefined;
    const haveBaseline = baselineKey !== undefined && this.#baselines.has(baselineKey);
    const job: EvalJob = {
      id: randomUUID(),
      name: draft.name,
      version: draft.version,
      state: 'running',
      phase: published && !haveBaseline ? 'baseline' : 'draft',
      done: 0,
      total: cases.length * (published && !haveBaseline ? 2 : 1),
      cases: [],
      startedAt: new Date().toISOString(),
    };
    this.#remember(job);
    void this.#run(job, draft, published, cases, deps, actor);
    return job;
  }

  async #run(
    job: EvalJob,
    draft: TemplateVersion,
    published: TemplateVersion | undefined,
    cases: readonly EvalCase[],
    deps: EvalJobsDeps,
    actor: string,
  ): Promise<void> {
    try {
      let baseline: EvalSummary | undefined;
      if (published) {
        const key = `${published.name}@${published.version}`;
        let pending = this.#baselines.get(key);
        if (!pending) {
          pending = runEval(
            cases,
            { ...deps.ports, prompts: withTemplate(deps.ports.prompts, published) },
            {
              onCase: () => {
                job.done += 1;
              },
            },
          );
          this.#baselines.set(key, pending);
          pending.catch(() => this.#baselines.delete(key));
        }
        baseline = await pending;
      }
      job.phase = 'draft';
      const byId = new Map(baseline?.results.map((r) => [r.id, r]));
      const questions = new Map(cases.map((c) => [c.id, c.question]));
      const result = await runEval(
        cases,
        { ...deps.ports, prompts: withTemplate(deps.ports.prompts, draft) },
        {
          onCase: (r) => {
            job.done += 1;
            job.cases.push(diffOf(r, byId.get(r.id), questions.get(r.id) ?? ''));
          },
        },
      );
      // Cases finish out of order with concurrency: show them in set order.
      const order = new Map(cases.map((c, i) => [c.id, i]));
      job.cases.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      job.summary = stored(result, baseline, contentHash(draft), published?.version);
      await deps.store.recordEval(draft.name, draft.version, job.summary, actor);
      job.phase = 'done';
      job.state = 'done';
    } catch (err) {
      job.state = 'failed';
      job.error = err instanceof Error ? err.name : 'Error';
    }
  }

  #remember(job: EvalJob): void {
    this.#jobs.set(job.id, job);
    for (const [id, j] of this.#jobs) {
      if (this.#jobs.size <= this.#keep) break;
      if (j.state !== 'running') this.#jobs.delete(id);
    }
  }
}

function diffOf(r: CaseResult, base: CaseResult | undefined, question: string): CaseDiff {
  const pick = (x: CaseResult) => ({ passed: x.passed, got: x.got, ...(x.why ? { why: x.why } : {}) });
  const change = !base || base.passed === r.passed ? 'same' : r.passed ? 'fixed' : 'broken';
  return {
    id: r.id,
    question,
    kind: r.kind,
    expected: r.expected,
    draft: pick(r),
    ...(base ? { published: pick(base) } : {}),
    change,
  };
}
