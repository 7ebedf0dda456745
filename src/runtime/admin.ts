/**
 * The admin side of the app, written once for Lambda (runtime/lambda-eval.ts) and the local
 * server: the template repository and evaluation jobs over the app's pool and ports.
 */
import { PgEvalJobStore } from '../admin/eval-job-store.ts';
import { type EvalJobStarter, EvalJobs } from '../admin/eval-jobs.ts';
import { TemplateRepository } from '../admin/template-repository.ts';
import type { EvalCase } from '../eval/cases.ts';
import { PgPromptStore } from '../prompts/pg-store.ts';
import type { App } from './app.ts';
import { sqlModelId } from './llm.ts';

/**
 * The template repository (drafts, publish, rollback, history) on the app's pool. A publish drops
 * the pipeline's cached version when it reads the database, so this process serves it at once.
 * @example
 * const templates = templateRepository(app);
 */
export function templateRepository(app: App): TemplateRepository {
  const prompts = app.ports.prompts;
  return new TemplateRepository(app.db.pool, {
    onPublish: (name) => (prompts instanceof PgPromptStore ? prompts.invalidate(name) : undefined),
  });
}

export interface EvalJobsParts {
  /** The admin template repository (drafts, publish). */
  readonly store: TemplateRepository;
  readonly cases: () => Promise<readonly EvalCase[]>;
  /** Where jobs run: another function (Lambda), or this process (absent). */
  readonly starter?: EvalJobStarter;
}

/**
 * Evaluation jobs: state in PostgreSQL (any process may poll), runs through the app's pipeline.
 * @example
 * const jobs = buildEvalJobs(app, { store, cases });
 */
export function buildEvalJobs(app: App, parts: EvalJobsParts): EvalJobs {
  const modelId = sqlModelId(app.config.llm);
  return new EvalJobs(
    {
      jobs: new PgEvalJobStore(app.db.pool),
      store: parts.store,
      ports: app.ports,
      cases: parts.cases,
      ...(modelId ? { modelId } : {}),
    },
    { starter: parts.starter },
  );
}
