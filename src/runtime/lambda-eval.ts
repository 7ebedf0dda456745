/**
 * Admin and evaluation-job wiring shared by the admin and eval runner Lambda functions, built once
 * per container on top of `lambdaApp()` (same pool, same model client). Kept apart from
 * runtime/lambda.ts so the ask function's bundle does not carry the admin modules.
 */
import { AdminActors } from '../admin/actors.ts';
import type { EvalJobs } from '../admin/eval-jobs.ts';
import { FeedbackReview, withFeedbackCases } from '../admin/feedback.ts';
import type { TemplateRepository } from '../admin/template-repository.ts';
import { casesFromFile } from '../eval/cases-file.ts';
import { buildEvalJobs, templateRepository } from './admin.ts';
import { shippedTemplates } from './app.ts';
import { lambdaApp, lambdaConfig, lambdaIdentify } from './lambda.ts';
import { checkLlmConfig } from './llm.ts';

let store: Promise<TemplateRepository> | undefined;

/**
 * The container's template repository; the shipped files become version 1 the first time it is
 * used (a no-op afterwards).
 * @example
 * const templates = await lambdaTemplateStore();
 */
export function lambdaTemplateStore(): Promise<TemplateRepository> {
  store ??= (async () => {
    const s = templateRepository(await lambdaApp());
    await s.importShipped(shippedTemplates(lambdaConfig()));
    return s;
  })().catch((err) => {
    store = undefined; // let the next invocation retry instead of caching the failure
    throw err;
  });
  return store;
}

let cases: ReturnType<typeof casesFromFile> | undefined;

/**
 * The evaluation set (EVAL_SET, else eval/cases.jsonl), read once per container, with the cases
 * admins made from members' feedback (read from the database each time).
 */
export function lambdaCases(): ReturnType<typeof casesFromFile> {
  cases ??= withFeedbackCases(casesFromFile(lambdaConfig().eval.setFile), {
    cases: async () => new FeedbackReview((await lambdaApp()).db.pool).cases(),
  });
  return cases;
}

let jobs: Promise<EvalJobs> | undefined;

/**
 * The container's evaluation jobs: state in the claims_app database; started through the eval
 * runner function when EVAL_RUNNER_FUNCTION is set (the admin function), else in this process.
 * @example
 * const job = await (await lambdaEvalJobs()).run(jobId);
 */
export function lambdaEvalJobs(): Promise<EvalJobs> {
  jobs ??= (async () => {
    const runner = lambdaConfig().eval.runnerFunction;
    return buildEvalJobs(await lambdaApp(), {
      store: await lambdaTemplateStore(),
      cases: lambdaCases(),
      // Only the admin function starts jobs elsewhere: the runner never loads the Lambda client.
      starter: runner ? (await import('../admin/lambda-starter.ts')).evalStarter(runner) : undefined,
    });
  })().catch((err) => {
    jobs = undefined;
    throw err;
  });
  return jobs;
}

/** What the admin handler needs, on Lambda (previews and evaluations call the model: checked at start). */
export function lambdaAdminDeps() {
  checkLlmConfig(lambdaConfig().llm);
  return {
    store: () => lambdaTemplateStore(),
    ports: async () => (await lambdaApp()).ports,
    identify: lambdaIdentify(),
    cases: lambdaCases(),
    jobs: () => lambdaEvalJobs(),
    review: async () => {
      const pool = (await lambdaApp()).db.pool;
      return { feedback: new FeedbackReview(pool), actors: new AdminActors(pool) };
    },
    cors: lambdaConfig().cors,
  };
}

/** What the eval runner needs, on Lambda. */
export function lambdaEvalRunnerDeps() {
  checkLlmConfig(lambdaConfig().llm);
  return { jobs: () => lambdaEvalJobs() };
}
