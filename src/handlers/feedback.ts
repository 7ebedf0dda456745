/**
 * POST /v1/feedback — `{ "requestId": "...", "helpful": true|false, "comment"?: "..." }` on one
 * of the signed-in person's answers. 200 `{ recorded: true }`; 404 when that answer is not one of
 * theirs (or its conversation has ended). Stored without rows or names (src/pipeline/feedback.ts).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity.ts';
import type { ConversationStore } from '../core/conversation.ts';
import { FEEDBACK_COMMENT_MAX, type FeedbackStore } from '../core/feedback.ts';
import type { MemberDb } from '../core/ports.ts';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { HttpError } from '../http/errors.ts';
import { httpErrorMiddleware, requestIdOf } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { validatedBody } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import { recordFeedback } from '../pipeline/feedback.ts';

export interface FeedbackHandlerDeps {
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  readonly parts: () => Promise<{
    conversations: ConversationStore;
    feedback: FeedbackStore;
    db: Pick<MemberDb, 'roster'>;
  }>;
  /** Portal origins that get CORS headers (default: none, same origin only). */
  readonly cors?: CorsOptions;
}

/** True for the route this handler serves (the ask function receives it too). */
export function isFeedbackRoute(event: APIGatewayProxyEvent): boolean {
  return event.resource === '/v1/feedback' || /^\/v1\/feedback\/?$/.test(event.path ?? '');
}

/**
 * The body, checked against the OpenAPI document first (405, 415, 413, BAD_JSON; BAD_REQUEST_BODY
 * for an unknown field or a field of the wrong type), then FEEDBACK_INVALID / FEEDBACK_TOO_LONG.
 */
function parseFeedback(event: APIGatewayProxyEvent): { requestId: string; helpful: boolean; comment?: string } {
  const body = validatedBody(event, {
    maxBytes: 4096,
    badJsonMessage: 'The request body must be JSON like {"requestId": "...", "helpful": true}.',
  }) as { requestId?: unknown; helpful?: unknown; comment?: unknown } | null;
  const { requestId, helpful, comment } = body ?? {};
  if (typeof requestId !== 'string' || requestId.length < 1 || requestId.length > 128)
    throw new HttpError(400, 'FEEDBACK_INVALID', 'Name the answer with its "requestId".');
  if (typeof helpful !== 'boolean')
    throw new HttpError(400, 'FEEDBACK_INVALID', 'Say whether the answer was "helpful": true or false.');
  if (comment !== undefined && comment !== null && typeof comment !== 'string')
    throw new HttpError(400, 'FEEDBACK_INVALID', 'A "comment" is text.');
  if (typeof comment === 'string' && comment.trim().length > FEEDBACK_COMMENT_MAX)
    throw new HttpError(400, 'FEEDBACK_TOO_LONG', `A comment can have at most ${FEEDBACK_COMMENT_MAX} characters.`);
  return typeof comment === 'string' && comment.trim() !== ''
    ? { requestId, helpful, comment }
    : { requestId, helpful };
}

/**
 * @example
 * const handler = createFeedbackHandler({ identify, parts: async () => ({ conversations, feedback, db }) });
 */
export function createFeedbackHandler(deps: FeedbackHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(apiHeadersMiddleware(deps.cors ?? { allowedOrigins: [] }))
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event, context) => {
      const identity = await deps.identify(event);
      const input = parseFeedback(event);
      const scope = { memberId: identity.memberId, personId: identity.personId };
      const outcome = await recordFeedback({ ...input, scope }, await deps.parts());
      if (outcome === 'not_found')
        throw new HttpError(404, 'ANSWER_NOT_FOUND', 'There is no such answer in your conversations.');
      return json(200, { recorded: true, requestId: requestIdOf(event, context.awsRequestId) });
    });
}
