/**
 * GET /v1/health — is the service able to answer? Checks the database and the template store
 * without touching member data.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { httpErrorMiddleware, RETRY_AFTER_SECONDS } from '../http/middleware.ts';
import { operationOf } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import type { ModelHealthReport } from '../llm/health.ts';
import { lambdaCors, lambdaHealthChecks } from '../runtime/lambda.ts';
import { createOpenApiHandler } from './openapi.ts';

export interface HealthDeps {
  /** Named checks; each resolves when its part works. */
  readonly checks: Readonly<Record<string, () => Promise<unknown>>>;
  /** Per check (default 2000 ms): a hung dependency is reported, not waited on. */
  readonly timeoutMs?: number;
  /**
   * The model's state from the service's recent calls (never a call per probe): `failing`
   * makes the service `degraded`, `unknown` (no call yet) does not.
   */
  readonly model?: () => ModelHealthReport;
  /** Portal origins that get CORS headers (default: none, same origin only). */
  readonly cors?: CorsOptions;
}

type CheckStatus = 'ok' | 'failing';

async function runCheck(
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<{ status: CheckStatus; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { status: 'ok', ms: Math.round(performance.now() - t0) };
  } catch {
    return { status: 'failing', ms: Math.round(performance.now() - t0) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @example
 * createHealthHandler({ checks: { database: () => pool.query('SELECT 1'), templates: () => prompts.load('sql') } })
 */
export function createHealthHandler(deps: HealthDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(apiHeadersMiddleware(deps.cors ?? { allowedOrigins: [] }))
    .use(httpErrorMiddleware())
    .handler(async (event) => {
      operationOf(event); // 405 for anything but GET
      const entries = await Promise.all(
        Object.entries(deps.checks).map(
          async ([name, check]) => [name, await runCheck(check, deps.timeoutMs ?? 2000)] as const,
        ),
      );
      const model = deps.model?.();
      const checks = { ...Object.fromEntries(entries), ...(model ? { model } : {}) };
      const ok = entries.every(([, r]) => r.status === 'ok') && model?.status !== 'failing';
      return json(
        ok ? 200 : 503,
        { status: ok ? 'ok' : 'degraded', checks },
        ok ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    });
}

const healthHandler = createHealthHandler({ checks: lambdaHealthChecks(), cors: lambdaCors() });
const openApiHandler = createOpenApiHandler({ cors: lambdaCors() });

/**
 * The Lambda entry point (serverless.yml: src/handlers/health.handler): the checks of
 * src/runtime/app.ts on GET /v1/health, and the OpenAPI document on GET /v1/openapi.json (the
 * same small, unauthenticated function).
 */
export const handler = (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
  event.resource === '/v1/openapi.json' ? openApiHandler(event, context) : healthHandler(event, context);
