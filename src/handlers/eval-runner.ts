/**
 * The eval runner function (invoked asynchronously by the admin function, never on the API):
 * `{ "evalJobId": "<uuid>" }` → loads the queued job and runs it to the end, writing progress
 * to `eval_jobs` as it goes. Runs as claims_app, with the same model as the admin function.
 *
 * A failing run is recorded on the job (state failed) and the invocation succeeds, so Lambda does
 * not retry a run that already happened; an error before the job was taken (e.g. the database
 * unreachable) is thrown, and Lambda's retry of the event may then run it.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { EvalJobs } from '../admin/eval-jobs.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { safeLogger } from '../observability/logger.ts';
import { lambdaEvalRunnerDeps } from '../runtime/lambda-eval.ts';

export interface EvalRunnerOutcome {
  readonly jobId: string;
  /** 'skipped': not a queued job (unknown, already taken by an earlier delivery, or stale). */
  readonly state: 'done' | 'failed' | 'skipped';
}

export interface EvalRunnerDeps {
  readonly jobs: () => Promise<EvalJobs>;
}

/**
 * Builds the runner handler around its dependencies.
 * @example
 * const run = createEvalRunnerHandler({ jobs: async () => jobs });
 * await run({ evalJobId: id }, context); // { jobId: id, state: 'done' }
 */
export function createEvalRunnerHandler(deps: EvalRunnerDeps) {
  return middy<unknown, EvalRunnerOutcome, Error, Context>()
    .use(observabilityMiddleware())
    .handler(async (event) => {
      const id = (event as { evalJobId?: unknown } | null)?.evalJobId;
      if (typeof id !== 'string') {
        safeLogger.logEvent('eval_job_skipped', { errorCode: 'BAD_EVENT' });
        return { jobId: '', state: 'skipped' };
      }
      const job = await (await deps.jobs()).run(id);
      if (!job) safeLogger.logEvent('eval_job_skipped', { jobId: id, errorCode: 'NOT_QUEUED' });
      return { jobId: id, state: job?.state === 'done' ? 'done' : job ? 'failed' : 'skipped' };
    });
}

/** The Lambda entry point (serverless.yml: src/handlers/eval-runner.handler). */
export const handler = createEvalRunnerHandler(lambdaEvalRunnerDeps());
