/**
 * Evaluation jobs in PostgreSQL (`public.eval_jobs`, migrations/030_eval_jobs.sql), so that any
 * process or Lambda container can answer a poll and a separate function can run the job.
 *
 * A job whose runner died (container frozen, timed out, crashed) must not look busy forever: a
 * read of a job whose `updated_at` is older than the staleness limit marks it failed with error
 * `STALLED` (in the same statement, so every later poll agrees). Runners touch `updated_at` at
 * least every heartbeat, far inside the limit. Times are the database's, not the containers'.
 */
import type pg from 'pg';
import type { CaseDiff, EvalJob, JobPhase } from './eval-jobs.ts';
import type { StoredEval } from './template-repository.ts';

/** A running job with no write for this long is reported as failed ('STALLED'). */
export const STALE_RUNNING_MS = 2 * 60_000;
/**
 * A queued job may wait this long for a runner: the eval runner's reserved concurrency is 2 and
 * a run takes at most its 900 s timeout, so a queued job starts within one run's time.
 */
export const STALE_QUEUED_MS = 20 * 60_000;
export const STALLED = 'STALLED';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ERROR_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** A job as stored, with what only the runner needs. */
export interface StoredJob extends EvalJob {
  readonly publishedVersion: number | null;
  readonly baselineJobId: string | null;
  readonly actor: string;
}

export interface NewJob {
  readonly id: string;
  readonly name: EvalJob['name'];
  readonly version: number;
  readonly publishedVersion: number | null;
  readonly baselineJobId: string | null;
  readonly phase: JobPhase;
  readonly total: number;
  readonly actor: string;
}

export interface Progress {
  readonly phase: JobPhase;
  readonly done: number;
  readonly cases: readonly CaseDiff[];
}

export interface EvalJobStoreOptions {
  readonly staleRunningMs?: number;
  readonly staleQueuedMs?: number;
}

interface Row {
  id: string;
  name: EvalJob['name'];
  version: number;
  published_version: number | null;
  baseline_job_id: string | null;
  state: 'queued' | 'running' | 'done' | 'failed';
  phase: JobPhase;
  done: number;
  total: number;
  cases: CaseDiff[] | string;
  summary: StoredEval | string | null;
  error: string | null;
  actor: string;
  started_at: Date | string;
}

const COLUMNS =
  'id, name, version, published_version, baseline_job_id, state, phase, done, total, cases, summary, error, actor, started_at';

// A JSON-safe pool (createAppPool) hands jsonb back as text.
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toJob(r: Row): StoredJob {
  const summary = r.summary === null ? undefined : parsed(r.summary);
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    // The API has no 'queued': a job waiting for its runner is simply not finished yet.
    state: r.state === 'queued' ? 'running' : r.state,
    phase: r.phase,
    done: r.done,
    total: r.total,
    cases: parsed(r.cases),
    ...(summary ? { summary } : {}),
    ...(r.error ? { error: r.error } : {}),
    startedAt: new Date(r.started_at).toISOString(),
    publishedVersion: r.published_version,
    baselineJobId: r.baseline_job_id,
    actor: r.actor,
  };
}

/**
 * The job table over a claims_app pool.
 * @example
 * const jobs = new PgEvalJobStore(pool);
 * await jobs.create({ id, name: 'sql', version: 2, publishedVersion: 1, baselineJobId: null,
 *   phase: 'baseline', total: 144, actor: 'admin-1' });
 * const job = await jobs.get(id); // from any process
 */
export class PgEvalJobStore {
  readonly #pool: pg.Pool;
  readonly #staleRunningMs: number;
  readonly #staleQueuedMs: number;

  constructor(pool: pg.Pool, opts: EvalJobStoreOptions = {}) {
    this.#pool = pool;
    this.#staleRunningMs = opts.staleRunningMs ?? STALE_RUNNING_MS;
    this.#staleQueuedMs = opts.staleQueuedMs ?? STALE_QUEUED_MS;
  }

  async create(job: NewJob): Promise<StoredJob> {
    const res = await this.#pool.query<Row>(
      `INSERT INTO public.eval_jobs (id, name, version, published_version, baseline_job_id, state, phase, total, actor)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8) RETURNING ${COLUMNS}`,
      [job.id, job.name, job.version, job.publishedVersion, job.baselineJobId, job.phase, job.total, job.actor],
    );
    return toJob(res.rows[0] as Row);
  }

  /**
   * One job, or undefined (also for an id that is not a uuid). A stale queued or running job is
   * marked failed with error STALLED first, in the same statement.
   */
  async get(id: string): Promise<StoredJob | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.#pool.query<Row>(
      `WITH stalled AS (
         UPDATE public.eval_jobs SET state = 'failed', error = $4, updated_at = now()
         WHERE id = $1 AND (
           (state = 'running' AND updated_at < now() - make_interval(secs => $2::double precision / 1000)) OR
           (state = 'queued' AND updated_at < now() - make_interval(secs => $3::double precision / 1000)))
         RETURNING ${COLUMNS})
       SELECT ${COLUMNS} FROM stalled
       UNION ALL
       SELECT ${COLUMNS} FROM public.eval_jobs WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM stalled)`,
      [id, this.#staleRunningMs, this.#staleQueuedMs, STALLED],
    );
    const row = res.rows[0];
    return row ? toJob(row) : undefined;
  }

  /**
   * Takes a queued job for running (queued → running). Undefined when it is not queued any more:
   * a repeated delivery of the same start (Lambda retries async events) runs it once.
   */
  async claim(id: string): Promise<StoredJob | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.#pool.query<Row>(
      `UPDATE public.eval_jobs SET state = 'running', updated_at = now()
       WHERE id = $1 AND state = 'queued' AND updated_at >= now() - make_interval(secs => $2::double precision / 1000)
       RETURNING ${COLUMNS}`,
      [id, this.#staleQueuedMs],
    );
    const row = res.rows[0];
    return row ? toJob(row) : undefined;
  }

  /**
   * Writes progress (and refreshes updated_at). False when the job is no longer running, e.g.
   * a poll declared it stalled: the runner then stops instead of bringing it back.
   */
  async progress(id: string, p: Progress): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE public.eval_jobs SET phase = $2, done = $3, cases = $4::jsonb, updated_at = now()
       WHERE id = $1 AND state = 'running'`,
      [id, p.phase, p.done, JSON.stringify(p.cases)],
    );
    return res.rowCount === 1;
  }

  /** The final write of a successful run. */
  async finish(id: string, p: Progress, summary: StoredEval): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE public.eval_jobs SET state = 'done', phase = $2, done = $3, cases = $4::jsonb, summary = $5::jsonb,
         updated_at = now()
       WHERE id = $1 AND state = 'running'`,
      [id, p.phase, p.done, JSON.stringify(p.cases), JSON.stringify(summary)],
    );
    return res.rowCount === 1;
  }

  /** Marks a queued or running job failed with an error name (never a message: it may quote data). */
  async fail(id: string, errorName: string): Promise<void> {
    await this.#pool.query(
      `UPDATE public.eval_jobs SET state = 'failed', error = $2, updated_at = now()
       WHERE id = $1 AND state IN ('queued', 'running')`,
      [id, ERROR_NAME.test(errorName) ? errorName : 'Error'],
    );
  }

  /**
   * The newest finished job of `name` that scored published version `publishedVersion` itself
   * (not through reuse) within the last `maxAgeMs`: its cases carry that version's results.
   */
  async findBaseline(
    name: EvalJob['name'],
    publishedVersion: number,
    maxAgeMs: number,
  ): Promise<StoredJob | undefined> {
    const res = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} FROM public.eval_jobs
       WHERE name = $1 AND published_version = $2 AND baseline_job_id IS NULL AND state = 'done'
         AND started_at >= now() - make_interval(secs => $3::double precision / 1000)
       ORDER BY started_at DESC LIMIT 1`,
      [name, publishedVersion, maxAgeMs],
    );
    const row = res.rows[0];
    return row ? toJob(row) : undefined;
  }

  /** One job as stored, without the staleness check (the runner reading its baseline). */
  async read(id: string): Promise<StoredJob | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.#pool.query<Row>(`SELECT ${COLUMNS} FROM public.eval_jobs WHERE id = $1`, [id]);
    const row = res.rows[0];
    return row ? toJob(row) : undefined;
  }
}
