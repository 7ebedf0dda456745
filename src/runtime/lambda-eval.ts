/**
 * Evaluation-job wiring shared by the admin and eval runner Lambda functions, built once per
 * container on top of `lambdaWiring()` (same pool, same model client).
 */
import { PgEvalJobStore } from '../admin/eval-job-store.ts';
import { EvalJobs } from '../admin/eval-jobs.ts';
import { TemplateRepository } from '../admin/template-repository.ts';
import { casesFromFile } from '../eval/cases-file.ts';
import { FilePromptStore } from '../prompts/file-store.ts';
import { PROMPTS_DIR } from '../prompts/from-env.ts';
import { lambdaWiring } from './lambda.ts';

let store: Promise<TemplateRepository> | undefined;

/**
 * The container's template repository; the shipped files become version 1 the first time it is used
 * (a no-op afterwards).
 * @example
 * const templates = await lambdaTemplateStore();
 */
export function lambdaTemplateStore(env: NodeJS.ProcessEnv = process.env): Promise<TemplateRepository> {
  store ??= (async () => {
    const s = new TemplateRepository((await lambdaWiring(env)).db.pool);
    const files = new FilePromptStore(PROMPTS_DIR);
    await s.importShipped(files);
    return s;
  })().catch((err) => {
    store = undefined; // let the next invocation retry instead of caching the failure
    throw err;
  });
  return store;
}

let jobs: Promise<EvalJobs> | undefined;

/**
 * The container's evaluation jobs: state in the claims_app database; started through the eval
 * runner function when EVAL_RUNNER_FUNCTION is set (the admin function), else in this process.
 * @example
 * const job = await (await lambdaEvalJobs()).run(jobId);
 */
export function lambdaEvalJobs(env: NodeJS.ProcessEnv = process.env): Promise<EvalJobs> {
  jobs ??= (async () => {
    const wiring = await lambdaWiring(env);
    return new EvalJobs(
      {
        jobs: new PgEvalJobStore(wiring.db.pool),
        store: await lambdaTemplateStore(env),
        ports: wiring.ports,
        cases: casesFromFile(),
        ...(env.BEDROCK_MODEL_ID ? { modelId: env.BEDROCK_MODEL_ID } : {}),
      },
      // Only the admin function starts jobs elsewhere: the runner never loads the Lambda client.
      {
        starter: env.EVAL_RUNNER_FUNCTION
          ? (await import('../admin/lambda-starter.ts')).evalStarterFromEnv(env)
          : undefined,
      },
    );
  })().catch((err) => {
    jobs = undefined;
    throw err;
  });
  return jobs;
}
