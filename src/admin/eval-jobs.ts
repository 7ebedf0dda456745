/**
 * Evaluation jobs for the admin API: an evaluation of a draft runs in the background and the page
 * polls its progress. The published version's results on the same set are the baseline (for the
 * per-case diff and the publish gate).
 *
 * Job state lives in PostgreSQL (`PgEvalJobStore`), so any process or Lambda container answers a
 * poll. Who runs a started job is a port (`EvalJobStarter`): by default this process, in the
 * background (`claims serve`, tests); on Lambda the admin function invokes the eval runner
 * function asynchronously (src/admin/lambda-starter.ts), which calls `run(jobId)`.
 *
 * Baseline reuse: a finished job that scored the published version itself leaves that version's
 * per-case results in its rows (`cases[].published`, `summary.publishedAccuracy`). A new job
 * against the same published version, the same set and (when known) the same model, within
 * `baselineMaxAgeMs`, reuses them instead of running the set twice. Read back from the table,
 * this works across containers, where an in-process cache would mostly miss.
 */
import { randomUUID } from 'node:crypto';
import type { TemplateName } from '../core/ports.ts';
import type { EvalCase } from '../eval/cases.ts';
import { draftPasses, PASS_THRESHOLD } from '../eval/gate.ts';
import { type CaseResult, type EvalSummary, runEval, withTemplate } from '../eval/run.ts';
import { safeLogger } from '../observability/logger.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { AdminErrorCode, EvalJobError, TemplateError } from './errors.ts';
import type { PgEvalJobStore, Progress, StoredJob } from './eval-job-store.ts';
import {
  contentHash,
  type StoredEval,
  type TemplateRepository,
  TemplateStatus,
  type TemplateVersion,
} from './template-repository.ts';

export type JobState = 'running' | 'done' | 'failed';
export type JobPhase = 'baseline' | 'draft' | 'done';

interface Outcome {
  readonly passed: boolean;
  readonly got: string;
  readonly why?: string;
}

/** One case as the page shows it: the draft's outcome next to the published version's. */
export interface CaseDiff {
  readonly id: string;
  readonly question: string;
  readonly kind: CaseResult['kind'];
  /** The question's kind in the set ('deductible', 'pending', ...): the page groups by it. */
  readonly questionKind: string;
  readonly expected: string;
  readonly draft: Outcome;
  readonly published?: Outcome;
  /** 'fixed' | 'broken' | 'same' relative to the published version. */
  readonly change: 'fixed' | 'broken' | 'same';
}

/** A job as `GET /v1/admin/eval/{jobId}` returns it. */
export interface EvalJob {
  readonly id: string;
  readonly name: TemplateName;
  readonly version: number;
  readonly state: JobState;
  readonly phase: JobPhase;
  readonly done: number;
  readonly total: number;
  readonly cases: readonly CaseDiff[];
  readonly summary?: StoredEval;
  readonly error?: string;
  readonly startedAt: string;
}

/** Runs a started job somewhere: in this process, or in another function. */
export interface EvalJobStarter {
  start(jobId: string): Promise<void>;
}

export interface EvalJobsDeps {
  readonly jobs: PgEvalJobStore;
  readonly store: TemplateRepository;
  readonly ports: AskPorts;
  readonly cases: () => Promise<readonly EvalCase[]>;
  /** The model the runs use, when known: a baseline is reused only from a run on the same model. */
  readonly modelId?: string;
}

export interface EvalJobsOptions {
  /** Default: run in this process, in the background. */
  readonly starter?: EvalJobStarter;
  /** Progress is written at most this often while cases finish (default 1000 ms), plus once at the end. */
  readonly flushEveryMs?: number;
  /** A running job refreshes updated_at at least this often (default 20 s; stale after 2 min). */
  readonly heartbeatMs?: number;
  /** How old a reused baseline may be (default 24 h: member data and the set's relative dates move). */
  readonly baselineMaxAgeMs?: number;
}

/** The published version's results: accuracy for the gate, outcomes by case id for the diff. */
interface Baseline {
  readonly accuracy: number;
  readonly results: ReadonlyMap<string, Outcome>;
}

/** A runner found its job marked failed (stalled) by a poll: it stops instead of reviving it. */
class JobAbandoned extends Error {
  override readonly name = 'JobAbandoned';
}

/** The reused baseline job no longer matches the set (e.g. a deploy between start and run). */
class BaselineChanged extends Error {
  override readonly name = 'BaselineChanged';
}

/** What is stored with the draft: enough to gate publishing and to show the figures again. */
function stored(
  draft: EvalSummary,
  baseline: Baseline | undefined,
  hash: string,
  baseVersion: number | null,
): StoredEval {
  return {
    passed: draftPasses(draft.accuracy, baseline?.accuracy),
    contentHash: hash,
    accuracy: draft.accuracy,
    executionAccuracy: draft.executionAccuracy,
    refusalAccuracy: draft.refusalAccuracy,
    total: draft.total,
    passedCases: draft.passed,
    threshold: Math.min(PASS_THRESHOLD, baseline?.accuracy ?? PASS_THRESHOLD),
    publishedVersion: baseVersion,
    publishedAccuracy: baseline?.accuracy ?? null,
    byKind: draft.byKind,
    modelId: draft.modelId ?? null,
    at: new Date().toISOString(),
  };
}

/**
 * Starts, runs and reports evaluation jobs.
 * @example
 * const jobs = new EvalJobs({ jobs: new PgEvalJobStore(pool), store, ports, cases });
 * const job = await jobs.start(draft, actor); // the API answers 202 { jobId: job.id }
 * await jobs.get(job.id);                     // from this or any other process
 */
export class EvalJobs {
  readonly #deps: EvalJobsDeps;
  readonly #starter: EvalJobStarter;
  readonly #flushEveryMs: number;
  readonly #heartbeatMs: number;
  readonly #baselineMaxAgeMs: number;

  constructor(deps: EvalJobsDeps, opts: EvalJobsOptions = {}) {
    this.#deps = deps;
    this.#starter = opts.starter ?? {
      start: async (id) => {
        // Locally the job runs after the response, in this process; run() records its own failures.
        void this.run(id).catch(() => undefined);
      },
    };
    this.#flushEveryMs = opts.flushEveryMs ?? 1000;
    this.#heartbeatMs = opts.heartbeatMs ?? 20_000;
    this.#baselineMaxAgeMs = opts.baselineMaxAgeMs ?? 24 * 3600_000;
  }

  /** The job as the API shows it, or undefined (unknown id). A stalled job reads as failed. */
  async get(id: string): Promise<EvalJob | undefined> {
    const job = await this.#deps.jobs.get(id);
    return job ? publicView(job) : undefined;
  }

  /**
   * Queues a job for `draft` and hands it to the starter. Throws NOT_A_DRAFT for a version that
   * is not a draft, EVAL_NOT_STARTED when the starter fails.
   */
  async start(draft: TemplateVersion, actor: string): Promise<EvalJob> {
    if (draft.status !== TemplateStatus.DRAFT)
      throw new TemplateError(
        AdminErrorCode.NOT_A_DRAFT,
        `Version ${draft.version} is ${draft.status}; evaluate a draft.`,
      );
    const { jobs, store } = this.#deps;
    const cases = await this.#deps.cases();
    const published = await store.published(draft.name).catch(() => undefined);
    const reuse = published ? await this.#reusableBaseline(draft.name, published.version, cases) : undefined;
    const scoreBaseline = published !== undefined && reuse === undefined;
    const job = await jobs.create({
      id: randomUUID(),
      name: draft.name,
      version: draft.version,
      publishedVersion: published?.version ?? null,
      baselineJobId: reuse?.id ?? null,
      phase: scoreBaseline ? 'baseline' : 'draft',
      total: cases.length * (scoreBaseline ? 2 : 1),
      actor,
    });
    try {
      await this.#starter.start(job.id);
    } catch (err) {
      await jobs.fail(job.id, 'START_FAILED').catch(() => undefined);
      safeLogger.logError('eval_job_failed', err, { jobId: job.id, errorCode: 'START_FAILED' });
      throw new EvalJobError(AdminErrorCode.EVAL_NOT_STARTED, 'The evaluation could not be started; try again.', {
        cause: err,
      });
    }
    safeLogger.logEvent('eval_job_started', {
      jobId: job.id,
      templateName: job.name,
      templateVersion: job.version,
      count: job.total,
    });
    return publicView(job);
  }

  /**
   * Runs a queued job to the end, writing progress as it goes. Returns the final job, or
   * undefined when the job was not queued (unknown, already taken by another delivery, or stale).
   * Never throws for a failing run: the job is marked failed with the error's name.
   */
  async run(id: string): Promise<EvalJob | undefined> {
    const { jobs, store, ports } = this.#deps;
    const job = await jobs.claim(id);
    if (!job) return undefined;
    const started = Date.now();
    const writer = new ProgressWriter(jobs, id, job.phase, this.#flushEveryMs, this.#heartbeatMs);
    try {
      const cases = await this.#deps.cases();
      const draft = await store.get(job.name, job.version);
      const baseline = await this.#baseline(job, cases, writer);
      writer.phase = 'draft';
      const questions = new Map(cases.map((c) => [c.id, c.question]));
      const result = await runEval(
        cases,
        { ...ports, prompts: withTemplate(ports.prompts, draft) },
        { onCase: (r) => writer.add(diffOf(r, baseline?.results.get(r.id), questions.get(r.id) ?? '')) },
      );
      // Cases finish out of order with concurrency: show them in set order.
      const order = new Map(cases.map((c, i) => [c.id, i]));
      writer.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      const summary = stored(result, baseline, contentHash(draft), job.publishedVersion);
      if (!(await writer.stop())) throw new JobAbandoned();
      await store.recordEval(draft.name, draft.version, summary, job.actor);
      if (!(await jobs.finish(id, { ...writer.snapshot(), phase: 'done' }, summary))) throw new JobAbandoned();
      safeLogger.logEvent('eval_job_finished', {
        jobId: id,
        templateName: job.name,
        templateVersion: job.version,
        durationMs: Date.now() - started,
      });
    } catch (err) {
      await writer.stop();
      const name = err instanceof Error ? err.name : 'Error';
      await jobs.fail(id, name).catch(() => undefined);
      safeLogger.logError('eval_job_failed', err, { jobId: id, templateName: job.name, templateVersion: job.version });
    }
    const final = await jobs.read(id);
    return final ? publicView(final) : undefined;
  }

  /** The baseline the job was started with: reused from an earlier job, scored now, or none. */
  async #baseline(job: StoredJob, cases: readonly EvalCase[], writer: ProgressWriter): Promise<Baseline | undefined> {
    if (job.publishedVersion === null) return undefined;
    const { jobs, store, ports } = this.#deps;
    if (job.baselineJobId) {
      const from = await jobs.read(job.baselineJobId);
      const reused = from ? baselineOf(from, cases) : undefined;
      if (!reused) throw new BaselineChanged();
      return reused;
    }
    const published = await store.get(job.name, job.publishedVersion);
    const summary = await runEval(
      cases,
      { ...ports, prompts: withTemplate(ports.prompts, published) },
      { onCase: () => writer.add() },
    );
    return { accuracy: summary.accuracy, results: new Map(summary.results.map((r) => [r.id, outcomeOf(r)])) };
  }

  async #reusableBaseline(
    name: TemplateName,
    publishedVersion: number,
    cases: readonly EvalCase[],
  ): Promise<StoredJob | undefined> {
    const found = await this.#deps.jobs.findBaseline(name, publishedVersion, this.#baselineMaxAgeMs);
    if (!found || !baselineOf(found, cases)) return undefined;
    const model = found.summary?.modelId;
    if (this.#deps.modelId !== undefined && model !== this.#deps.modelId) return undefined;
    return found;
  }
}

/** The published version's results kept in a finished job, when they cover exactly this set. */
function baselineOf(job: StoredJob, cases: readonly EvalCase[]): Baseline | undefined {
  const accuracy = job.summary?.publishedAccuracy;
  if (job.state !== 'done' || typeof accuracy !== 'number' || job.cases.length !== cases.length) return undefined;
  const byId = new Map(job.cases.map((c) => [c.id, c]));
  const results = new Map<string, Outcome>();
  for (const c of cases) {
    const kept = byId.get(c.id);
    if (!kept?.published || kept.question !== c.question) return undefined;
    results.set(c.id, kept.published);
  }
  return { accuracy, results };
}

/** The API's view: no runner-only fields. */
function publicView(job: StoredJob): EvalJob {
  const { publishedVersion: _p, baselineJobId: _b, actor: _a, ...view } = job;
  return view;
}

const outcomeOf = (x: CaseResult): Outcome => ({ passed: x.passed, got: x.got, ...(x.why ? { why: x.why } : {}) });

function diffOf(r: CaseResult, base: Outcome | undefined, question: string): CaseDiff {
  const change = !base || base.passed === r.passed ? 'same' : r.passed ? 'fixed' : 'broken';
  return {
    id: r.id,
    question,
    kind: r.kind,
    questionKind: r.questionKind,
    expected: r.expected,
    draft: outcomeOf(r),
    ...(base ? { published: base } : {}),
    change,
  };
}

/**
 * Batches progress writes: at most one per `everyMs` while cases finish, a heartbeat every
 * `heartbeatMs` (a slow case must not look stalled), and the caller's final write.
 */
class ProgressWriter {
  phase: Progress['phase'];
  #done = 0;
  #cases: CaseDiff[] = [];
  #lastWrite = 0;
  #writing: Promise<void> | undefined;
  #abandoned = false;
  readonly #timer: NodeJS.Timeout;
  readonly #jobs: PgEvalJobStore;
  readonly #id: string;
  readonly #everyMs: number;

  constructor(jobs: PgEvalJobStore, id: string, phase: Progress['phase'], everyMs: number, heartbeatMs: number) {
    this.#jobs = jobs;
    this.#id = id;
    this.#everyMs = everyMs;
    this.phase = phase;
    this.#timer = setInterval(() => void this.#write(), heartbeatMs);
    this.#timer.unref();
  }

  /** One case finished (with its diff in the draft phase). Throws once the job was abandoned. */
  add(diff?: CaseDiff): void {
    if (this.#abandoned) throw new JobAbandoned();
    this.#done += 1;
    if (diff) this.#cases.push(diff);
    if (Date.now() - this.#lastWrite >= this.#everyMs) void this.#write();
  }

  sort(compare: (a: CaseDiff, b: CaseDiff) => number): void {
    this.#cases.sort(compare);
  }

  snapshot(): Progress {
    return { phase: this.phase, done: this.#done, cases: [...this.#cases] };
  }

  /** Stops the heartbeat and waits for a write in flight; false when the job was abandoned. */
  async stop(): Promise<boolean> {
    clearInterval(this.#timer);
    await this.#writing;
    return !this.#abandoned;
  }

  #write(): Promise<void> {
    // One write at a time: the next case, the heartbeat or the final write carries what came since.
    if (this.#writing) return this.#writing;
    this.#lastWrite = Date.now();
    this.#writing = this.#jobs
      .progress(this.#id, this.snapshot())
      .then(
        (running) => {
          if (!running) this.#abandoned = true;
        },
        () => undefined, // a failed write is retried by the next one; a dead runner goes stale
      )
      .finally(() => {
        this.#writing = undefined;
      });
    return this.#writing;
  }
}
