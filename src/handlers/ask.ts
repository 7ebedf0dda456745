/**
 * POST /v1/ask — a thin adapter: event in (verified identity + question), pipeline, response out.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity.ts';
import type { AskResult } from '../core/ask-result.ts';
import { charCount } from '../core/chars.ts';
import { abortable, type Deadline, deadlineIn } from '../core/deadline.ts';
import { AskStatus, Reason, type ReasonCode } from '../core/reasons.ts';
import { readJsonBody } from '../http/body.ts';
import { HttpError, isStatusError } from '../http/errors.ts';
import { httpErrorMiddleware, RETRY_AFTER_SECONDS, requestIdOf } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { json } from '../http/response.ts';
import { type AskPorts, ask, failedAsk } from '../pipeline/ask.ts';
import { lambdaAskDeps } from '../runtime/lambda.ts';
import { LIMITS } from '../schema/catalog.ts';

export interface AskHandlerDeps {
  /** The pipeline's ports, created once per container. */
  readonly ports: () => Promise<AskPorts>;
  /** Verified identity from the event: authorizer claims or a verified bearer token. */
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  /**
   * Called after every ask with the result (audit, logs, metrics). Must not throw. May return the
   * result to send instead (an answer whose audit row could not be written is not sent: see
   * `deliverable` in src/runtime/after-ask.ts).
   */
  readonly onResult?: (
    result: AskResult,
    identity: Identity,
    call?: { timeoutMs?: number },
  ) => Promise<AskResult | undefined> | Promise<void> | AskResult | undefined | void;
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
  if (charCount(question) > LIMITS.questionMaxChars) {
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
 * Kept back from the handler's time for the audit row and the response: the pipeline's deadline
 * is the remaining time minus this.
 */
export const ASK_RESERVE_MS = 1500;
/** The audit row's time at most (it gets what is left of the handler's time, up to this). */
const AUDIT_MAX_MS = 5000;

/** The ask's deadline: Lambda's remaining time (locally, the configured budget) minus the reserve. */
export function askDeadline(context: Pick<Context, 'getRemainingTimeInMillis'>): Deadline {
  const remaining = context.getRemainingTimeInMillis?.() ?? 28_000;
  return deadlineIn(Math.max(0, remaining - ASK_RESERVE_MS));
}

/** A dependency failure before the pipeline ran (rate-limit check, wiring): its 503 reason, if it is one. */
function dependencyReason(err: unknown): ReasonCode | undefined {
  if (isStatusError(err)) return undefined;
  const code = (err as { code?: unknown } | null)?.code;
  return code === Reason.DB_UNAVAILABLE || code === Reason.DB_TIMEOUT || code === Reason.DB_ERROR
    ? Reason.DB_UNAVAILABLE
    : undefined;
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
      const requestId = requestIdOf(event, context.awsRequestId);
      const deadline = askDeadline(context);
      const scope = { memberId: identity.memberId, personId: identity.personId };
      const t0 = performance.now();
      let result: AskResult;
      try {
        // The rate-limit check and the wiring need the database too: bounded by the same deadline,
        // and their failure is a friendly 503 like any other dependency's.
        await abortable(Promise.resolve(deps.rateLimit?.(identity)), deadline.signal, () =>
          Object.assign(new Error('rate-limit check ran out of time'), { code: Reason.DB_TIMEOUT }),
        );
        result = await ask({ requestId, scope, question, deadline }, await deps.ports());
      } catch (err) {
        const reason = dependencyReason(err);
        if (!reason) throw err;
        result = failedAsk(requestId, reason, performance.now() - t0);
      }
      // Past the handler's own time limit the caller has had its answer (middy's 500): nothing
      // later may be recorded as delivered.
      if ((context.getRemainingTimeInMillis?.() ?? 1) <= 0)
        result = failedAsk(requestId, Reason.INTERNAL, performance.now() - t0);
      // The audit row may use what is left of the handler's time (at most AUDIT_MAX_MS).
      const auditMs = Math.min(AUDIT_MAX_MS, (context.getRemainingTimeInMillis?.() ?? ASK_RESERVE_MS) - 100);
      const final = (await deps.onResult?.(result, identity, { timeoutMs: Math.max(1, auditMs) })) ?? result;
      const { status, code, answer, rowCount, notIncluded } = final;
      const statusCode = statusCodeOf(final);
      // notIncluded (family privacy: whose claims the answer leaves out) only when someone was.
      return json(
        statusCode,
        { status, code, answer, requestId, rowCount, ...(notIncluded && { notIncluded }) },
        statusCode === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {},
      );
    });
}

/** The Lambda entry point (serverless.yml: src/handlers/ask.handler); the config is read here, at the cold start. */
export const handler = createAskHandler(lambdaAskDeps());
