/**
 * POST /v1/ask — a thin adapter: event in (verified identity + question), pipeline, response out.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity.ts';
import type { AskResult } from '../core/ask-result.ts';
import { charCount } from '../core/chars.ts';
import { type ConversationStore, isConversationId } from '../core/conversation.ts';
import { abortable, type Deadline, deadlineIn } from '../core/deadline.ts';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { HttpError, isStatusError } from '../http/errors.ts';
import { httpErrorMiddleware, RETRY_AFTER_SECONDS, requestIdOf } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { validatedBody } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import { askMetrics } from '../observability/metrics.ts';
import { type AskPorts, ask, failedAsk } from '../pipeline/ask.ts';
import { askInConversation } from '../pipeline/conversation.ts';
import type { SummarySink } from '../pipeline/summary-stream.ts';
import { lambdaAskDeps, lambdaFeedbackDeps } from '../runtime/lambda.ts';
import { LIMITS } from '../schema/catalog.ts';
import { askResponseBody, askStatusCode } from './ask-body.ts';
import { type StreamedResponse, streamedAsk, streamFormatOf } from './ask-stream.ts';
import { handler as conversationsHandler, isConversationRoute } from './conversations.ts';
import { createFeedbackHandler, isFeedbackRoute } from './feedback.ts';
import { streamingOnLambda } from './lambda-stream.ts';

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
  /** Conversations (follow-up questions); without it every question stands alone. */
  readonly conversations?: () => Promise<ConversationStore>;
  /** Portal origins that get CORS headers (default: none, same origin only). */
  readonly cors?: CorsOptions;
}

/** Bodies are tiny; anything much larger than a question is refused before parsing. */
const MAX_BODY_BYTES = 4096;

/**
 * The body as sent: `{ "question": "...", "conversationId"?: "<uuid>" }`, checked against the
 * OpenAPI document (405 for another method, 415, 413, BAD_JSON, BAD_REQUEST_BODY for any other
 * field: a body never names a member nor carries earlier turns). Identity comes from the token,
 * earlier turns from the server's store.
 */
export function parseAskRequest(event: APIGatewayProxyEvent): { question: string; conversationId?: string } {
  const body = validatedBody(event, {
    maxBytes: MAX_BODY_BYTES,
    badJsonMessage: 'The request body must be JSON like {"question": "..."}.',
  });
  const { question, conversationId } = (body ?? {}) as { question?: unknown; conversationId?: unknown };
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
  if (conversationId === undefined || conversationId === null) return { question };
  if (!isConversationId(conversationId)) {
    throw new HttpError(
      400,
      'CONVERSATION_ID_INVALID',
      'A "conversationId" must be the id an earlier answer returned (or left out to start a new conversation).',
    );
  }
  return { question, conversationId };
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
  if (code === Reason.DB_UNAVAILABLE || code === Reason.DB_TIMEOUT || code === Reason.DB_ERROR)
    return Reason.DB_UNAVAILABLE;
  // The ask's deadline (AbortSignal.timeout) fired while a dependency was still being waited on.
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? Reason.DB_UNAVAILABLE : undefined;
}

/**
 * Builds the ask handler around its dependencies (production wires env, `claims serve` local parts).
 * With `{ streaming: true }` a client that asks for a stream (`Accept: text/event-stream` or
 * `application/x-ndjson`) gets one (src/handlers/ask-stream.ts); without it, always JSON.
 * @example
 * export const handler = createAskHandler({ ports: lambdaPorts, identify: lambdaIdentify });
 */
export function createAskHandler(deps: AskHandlerDeps): Handler<APIGatewayProxyResult>;
export function createAskHandler(
  deps: AskHandlerDeps,
  opts: { streaming: true },
): Handler<APIGatewayProxyResult | StreamedResponse>;
export function createAskHandler(
  deps: AskHandlerDeps,
  opts: { streaming?: boolean } = {},
): Handler<APIGatewayProxyResult | StreamedResponse> {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult | StreamedResponse, Error, Context>()
    .use(apiHeadersMiddleware<APIGatewayProxyResult | StreamedResponse>(deps.cors ?? { allowedOrigins: [] }))
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event, context) => {
      const identity = await deps.identify(event);
      const { question, conversationId } = parseAskRequest(event);
      const requestId = requestIdOf(event, context.awsRequestId);
      const deadline = askDeadline(context);
      const scope = { memberId: identity.memberId, personId: identity.personId };
      const t0 = performance.now();
      /** The outcome as delivered: past the handler's time nothing counts as delivered; the audit may replace it. */
      const deliver = async (result: AskResult): Promise<AskResult> => {
        const outcome =
          (context.getRemainingTimeInMillis?.() ?? 1) <= 0
            ? failedAsk(requestId, Reason.INTERNAL, performance.now() - t0)
            : result;
        // The audit row may use what is left of the handler's time (at most AUDIT_MAX_MS).
        const auditMs = Math.min(AUDIT_MAX_MS, (context.getRemainingTimeInMillis?.() ?? ASK_RESERVE_MS) - 100);
        return (await deps.onResult?.(outcome, identity, { timeoutMs: Math.max(1, auditMs) })) ?? outcome;
      };
      const respond = (final: AskResult) => {
        const statusCode = askStatusCode(final);
        return json(
          statusCode,
          askResponseBody(final, requestId),
          statusCode === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {},
        );
      };
      let ports: AskPorts;
      let conversations: ConversationStore | undefined;
      try {
        // The rate-limit check and the wiring need the database too: bounded by the same deadline,
        // and their failure is a friendly 503 like any other dependency's.
        await abortable(Promise.resolve(deps.rateLimit?.(identity)), deadline.signal, () =>
          Object.assign(new Error('rate-limit check ran out of time'), { code: Reason.DB_TIMEOUT }),
        );
        ports = await deps.ports();
        conversations = await deps.conversations?.();
      } catch (err) {
        const reason = dependencyReason(err);
        if (!reason) throw err;
        return respond(await deliver(failedAsk(requestId, reason, performance.now() - t0)));
      }
      const store = conversations;
      const run = (p: AskPorts, summarySink?: SummarySink): Promise<AskResult> =>
        store
          ? askInConversation(
              { requestId, scope, question, conversationId, deadline, summarySink },
              { ...p, conversations: store },
            )
          : ask({ requestId, scope, question, deadline, summarySink }, p);
      // Clients that ask for a stream (Accept) get events as the answer is written; others, JSON.
      const format = opts.streaming ? streamFormatOf(event.headers) : undefined;
      if (format) {
        return streamedAsk({
          format,
          requestId,
          ports,
          run: (sink, p) => run(p, sink),
          // `done` carries the outcome as delivered (an answer whose audit row failed is replaced).
          after: async (result) => {
            const final = await deliver(result);
            // The invocation's metrics were flushed when the handler returned; these come later.
            askMetrics.flush();
            return final;
          },
          // A throw is answered like the JSON path's: a dependency's reason, else INTERNAL.
          failed: (err) => failedAsk(requestId, dependencyReason(err) ?? Reason.INTERNAL, performance.now() - t0),
        });
      }
      let result: AskResult;
      try {
        result = await run(ports);
      } catch (err) {
        // run() answers every failure itself; one that still throws (a deadline firing between its
        // awaits, a lost dependency, a bug) is answered as the streamed path answers it — a
        // dependency's reason, else INTERNAL — and audited. Only an HTTP status error passes on.
        if (isStatusError(err)) throw err;
        result = failedAsk(requestId, dependencyReason(err) ?? Reason.INTERNAL, performance.now() - t0);
      }
      return respond(await deliver(result));
    });
}

type Handler<R> = (event: APIGatewayProxyEvent, context: Context) => Promise<R>;

const lambdaDeps = lambdaAskDeps();
const jsonAsk = createAskHandler(lambdaDeps);
const streamingAsk = createAskHandler(lambdaDeps, { streaming: true });
const feedbackHandler = createFeedbackHandler(lambdaFeedbackDeps());

/** The member's other routes the ask function serves (its conversation store's). */
const memberRoute = (event: APIGatewayProxyEvent, context: Context) =>
  isConversationRoute(event)
    ? conversationsHandler(event, context)
    : isFeedbackRoute(event)
      ? feedbackHandler(event, context)
      : undefined;

/**
 * The Lambda entry point (serverless.yml: src/handlers/ask.handler); the config is read here, at
 * the cold start. On Lambda it streams (API Gateway REST response streaming): a client asking for
 * a stream gets events as the answer is written, any other gets its JSON. The ask function also
 * serves the member's conversations (DELETE /v1/conversations/{id}, POST /v1/sign-out) and
 * feedback on answers (POST /v1/feedback): they are its conversation store's endpoints.
 */
export const handler = streamingOnLambda(
  (event: APIGatewayProxyEvent, context: Context) => memberRoute(event, context) ?? streamingAsk(event, context),
  (event: APIGatewayProxyEvent, context: Context) => memberRoute(event, context) ?? jsonAsk(event, context),
);
