/**
 * POST /v1/ask — a thin adapter: event in (verified identity + question), pipeline, response out.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity.ts';
import type { AskResult } from '../core/ask-result.ts';
import { AskStatus, Reason } from '../core/reasons.ts';
import { readJsonBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { httpErrorMiddleware, requestIdOf } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { json } from '../http/response.ts';
import { type AskPorts, ask } from '../pipeline/ask.ts';
import { lambdaAskDeps } from '../runtime/lambda.ts';
import { LIMITS } from '../schema/catalog.ts';

export interface AskHandlerDeps {
  /** The pipeline's ports, created once per container. */
  readonly ports: () => Promise<AskPorts>;
  /** Verified identity from the event: authorizer claims or a verified bearer token. */
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  /** Called after every ask with the result (audit, logs, metrics). Must not throw. */
  readonly onResult?: (result: AskResult, identity: Identity) => Promise<void> | void;
  /** Throws an HttpError(429) when the member has asked too often. */
  readonly rateLimit?: (identity: Identity) => Promise<void>;
}

/** Bodies are tiny; anything much larger than a question is refused before parsing. */
const MAX_BODY_BYTES = 4096;

/** The body as sent: `{ "question": "..." }`. Any member id in it is ignored. */
export function parseAskBody(event: APIGatewayProxyEvent): string {
  if (event.httpMethod !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Use POST for /v1/ask.');
  const body = readJsonBody(event, {
    maxBytes: MAX_BODY_BYTES,
    badJsonMessage: 'The request body must be JSON like {"question": "..."}.',
  });
  const question = (body as { question?: unknown } | null)?.question;
  if (typeof question !== 'string' || question.trim() === '') {
    throw new HttpError(400, 'QUESTION_MISSING', 'Add a "question" with the words you want answered.');
  }
  if (question.length > LIMITS.questionMaxChars) {
    throw new HttpError(
      400,
      Reason.QUESTION_TOO_LONG,
      `A question can have at most ${LIMITS.questionMaxChars} characters.`,
    );
  }
  return question;
}

/** Outcomes the pipeline handled are 200s; failures of our parts are 5xx with the same body. */
function statusCodeOf(r: AskResult): number {
  if (r.status !== AskStatus.ERROR) return 200;
  return r.code === Reason.INTERNAL ? 500 : 503;
}

/**
 * Builds the ask handler around its dependencies (production wires env, `claims serve` local parts).
 * @example
 * export const handler = createAskHandler({ ports: lambdaPorts, identify: lambdaIdentify });
 */
export function createAskHandler(deps: AskHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event, context) => {
      const identity = await deps.identify(event);
      const question = parseAskBody(event);
      await deps.rateLimit?.(identity);
      const requestId = requestIdOf(event, context.awsRequestId);
      const scope = { memberId: identity.memberId, personId: identity.personId };
      const result = await ask({ requestId, scope, question }, await deps.ports());
      await deps.onResult?.(result, identity);
      const { status, code, answer, rowCount, notIncluded } = result;
      // notIncluded (family privacy: whose claims the answer leaves out) only when someone was.
      return json(statusCodeOf(result), {
        status,
        code,
        answer,
        requestId,
        rowCount,
        ...(notIncluded && { notIncluded }),
      });
    });
}

/** The Lambda entry point (serverless.yml: src/handlers/ask.handler); the config is read here, at the cold start. */
export const handler = createAskHandler(lambdaAskDeps());
