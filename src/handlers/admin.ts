/**
 * /v1/admin/{proxy+} — the admin API (templates, evaluation, publishing). Runs as claims_app;
 * the admin role is enforced here, in code: 401 without a valid token, 403 for members.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { EvalJobs } from '../admin/eval-jobs.ts';
import { handleAdmin } from '../admin/routes.ts';
import { type Identity, requireRole } from '../auth/identity.ts';
import { type EvalCase, parseCases } from '../eval/cases.ts';
import { readJsonBody } from '../http/body.ts';
import { httpErrorMiddleware } from '../http/middleware.ts';
import { json } from '../http/response.ts';
import { observabilityMiddleware } from '../observability/middleware.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { FilePromptStore } from '../prompts/file-store.ts';
import { PROMPTS_DIR } from '../prompts/from-env.ts';
import { PgPromptStore } from '../prompts/pg-store.ts';
import { lambdaIdentify, lambdaWiring } from '../runtime/lambda.ts';

export interface AdminHandlerDeps {
  /** The template store (claims_app pool). */
  readonly store: () => Promise<PgPromptStore>;
  /** The pipeline's ports: previews and evaluations run through the real pipeline. */
  readonly ports: () => Promise<AskPorts>;
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  /** The evaluation set (default: eval/cases.jsonl). */
  readonly cases?: () => Promise<readonly EvalCase[]>;
  /** Shared between invocations of this handler (one per process or container). */
  readonly jobs?: EvalJobs;
}

/** Template bodies are a few kB; anything much larger is refused before parsing. */
const MAX_BODY_BYTES = 128 * 1024;
const PREFIX = '/v1/admin/';

export const DEFAULT_EVAL_SET = fileURLToPath(new URL('../../eval/cases.jsonl', import.meta.url));

/** The evaluation set read once from a file (EVAL_SET overrides the path). */
export function casesFromFile(file = process.env.EVAL_SET ?? DEFAULT_EVAL_SET): () => Promise<readonly EvalCase[]> {
  let cached: Promise<readonly EvalCase[]> | undefined;
  return () => {
    cached ??= readFile(path.resolve(file), 'utf8').then(parseCases);
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}

function adminPath(event: APIGatewayProxyEvent): string {
  const proxy = event.pathParameters?.proxy;
  if (typeof proxy === 'string') return proxy;
  const p = event.path ?? '';
  const at = p.indexOf(PREFIX);
  return at >= 0 ? p.slice(at + PREFIX.length) : '';
}

function bodyOf(event: APIGatewayProxyEvent): unknown {
  return readJsonBody(event, {
    maxBytes: MAX_BODY_BYTES,
    badJsonMessage: 'The request body must be JSON.',
    allowEmpty: true,
  });
}

/**
 * Builds the admin handler around its dependencies.
 * @example
 * const handler = createAdminHandler({ store: async () => store, ports: async () => ports, identify });
 */
export function createAdminHandler(deps: AdminHandlerDeps) {
  const jobs = deps.jobs ?? new EvalJobs();
  const cases = deps.cases ?? casesFromFile();
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event) => {
      const identity = await deps.identify(event);
      requireRole(identity, 'admin');
      const query = (event.queryStringParameters ?? {}) as Record<string, string | undefined>;
      const res = await handleAdmin(
        { method: event.httpMethod, path: adminPath(event), query, body: bodyOf(event) },
        { store: await deps.store(), ports: await deps.ports(), jobs, cases, identity },
      );
      return json(res.status, res.body);
    });
}

let lambdaStore: PgPromptStore | undefined;

/** The Lambda entry point (serverless.yml: src/handlers/admin.handler). */
export const handler = createAdminHandler({
  store: async () => {
    if (!lambdaStore) {
      const store = new PgPromptStore((await lambdaWiring()).db.pool, { checkEveryMs: 0 });
      // The shipped files become version 1 the first time an admin looks (no-op afterwards).
      const files = new FilePromptStore(PROMPTS_DIR);
      await store.importInitial([await files.load('sql'), await files.load('summary')], 'system');
      lambdaStore = store;
    }
    return lambdaStore;
  },
  ports: async () => (await lambdaWiring()).ports,
  identify: lambdaIdentify(),
});
