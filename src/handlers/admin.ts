/**
 * /v1/admin/{proxy+} — the admin API (templates, evaluation, publishing). Runs as claims_app;
 * the admin role is enforced here, in code: 401 without a valid token, 403 for members.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AdminActors } from '../admin/actors.ts';
import type { EvalJobs } from '../admin/eval-jobs.ts';
import type { FeedbackReview } from '../admin/feedback.ts';
import type { TemplateRepository } from '../admin/template-repository.ts';
import { type Identity, requireRole } from '../auth/identity.ts';
import type { EvalCase } from '../eval/cases.ts';
import { casesFromFile } from '../eval/cases-file.ts';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { httpErrorMiddleware } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { validatedBody } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { lambdaAdminDeps } from '../runtime/lambda-eval.ts';
import { handleAdmin } from './admin-routes.ts';

export interface AdminHandlerDeps {
  /** The template repository (claims_app pool). */
  readonly store: () => Promise<TemplateRepository>;
  /** The pipeline's ports: previews and evaluations run through the real pipeline. */
  readonly ports: () => Promise<AskPorts>;
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  /** The evaluation set (default: eval/cases.jsonl). */
  readonly cases?: () => Promise<readonly EvalCase[]>;
  /** Evaluation jobs (state in PostgreSQL; run in this process or by the eval runner function). */
  readonly jobs: () => Promise<EvalJobs>;
  /** Members' feedback and the cases made from it; admin names for the history. */
  readonly review?: () => Promise<{ feedback: FeedbackReview; actors: AdminActors }>;
  /** Portal origins that get CORS headers (default: none, same origin only). */
  readonly cors?: CorsOptions;
}

/** Template bodies are a few kB; anything much larger is refused before parsing. */
const MAX_BODY_BYTES = 128 * 1024;
const PREFIX = '/v1/admin/';

// Re-exported: the evaluation set's file lives with the eval modules.
export { casesFromFile, DEFAULT_EVAL_SET } from '../eval/cases-file.ts';

function adminPath(event: APIGatewayProxyEvent): string {
  const proxy = event.pathParameters?.proxy;
  if (typeof proxy === 'string') return proxy;
  const p = event.path ?? '';
  const at = p.indexOf(PREFIX);
  return at >= 0 ? p.slice(at + PREFIX.length) : '';
}

/** The body, checked against the OpenAPI document's operation for this path and method. */
function bodyOf(event: APIGatewayProxyEvent): unknown {
  return validatedBody(event, { maxBytes: MAX_BODY_BYTES, badJsonMessage: 'The request body must be JSON.' });
}

/**
 * Builds the admin handler around its dependencies.
 * @example
 * const handler = createAdminHandler({ store: async () => store, ports: async () => ports, identify, jobs: async () => jobs });
 */
export function createAdminHandler(deps: AdminHandlerDeps) {
  const cases = deps.cases ?? casesFromFile();
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(apiHeadersMiddleware(deps.cors ?? { allowedOrigins: [] }))
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event) => {
      const identity = await deps.identify(event);
      requireRole(identity, 'admin');
      const query = (event.queryStringParameters ?? {}) as Record<string, string | undefined>;
      const res = await handleAdmin(
        { method: event.httpMethod, path: adminPath(event), query, body: bodyOf(event) },
        {
          store: await deps.store(),
          ports: await deps.ports(),
          jobs: await deps.jobs(),
          cases,
          identity,
          ...(deps.review ? await deps.review() : {}),
        },
      );
      return json(res.status, res.body);
    });
}

/** The Lambda entry point (serverless.yml: src/handlers/admin.handler); the config is read here, at the cold start. */
export const handler = createAdminHandler(lambdaAdminDeps());
