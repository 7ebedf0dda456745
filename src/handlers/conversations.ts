/**
 * The member's conversations (follow-up questions):
 *
 *   DELETE /v1/conversations/{id}   deletes one of the signed-in person's conversations (404 when
 *                                   they have none with that id: someone else's looks the same)
 *   POST   /v1/sign-out             deletes every conversation of the signed-in person
 *
 * Identity comes from the verified token only; the database matches every conversation on the
 * person (migration 070), so no id can reach anyone else's.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Identity } from '../auth/identity.ts';
import { type ConversationStore, isConversationId } from '../core/conversation.ts';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { HttpError } from '../http/errors.ts';
import { httpErrorMiddleware, requestIdOf } from '../http/middleware.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { validatedBody } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import { lambdaConversationDeps } from '../runtime/lambda.ts';

export interface ConversationsHandlerDeps {
  readonly identify: (event: APIGatewayProxyEvent) => Promise<Identity>;
  readonly conversations: () => Promise<ConversationStore>;
  /** Portal origins that get CORS headers (default: none, same origin only). */
  readonly cors?: CorsOptions;
}

const CONVERSATION_PATH = /^\/v1\/conversations\/([^/]+)\/?$/;

/** The conversation id of the path: API Gateway's path parameter, else the path itself (local). */
function conversationIdOf(event: APIGatewayProxyEvent): string | undefined {
  const fromGateway = event.pathParameters?.id;
  if (typeof fromGateway === 'string') return fromGateway;
  return CONVERSATION_PATH.exec(event.path ?? '')?.[1];
}

/** True for the routes this handler serves (the ask function receives them too). */
export function isConversationRoute(event: APIGatewayProxyEvent): boolean {
  return (
    event.resource === '/v1/conversations/{id}' ||
    event.resource === '/v1/sign-out' ||
    /^\/v1\/(conversations\/|sign-out\/?$)/.test(event.path ?? '')
  );
}

/**
 * @example
 * const handler = createConversationsHandler({ identify, conversations: async () => store });
 */
export function createConversationsHandler(deps: ConversationsHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(apiHeadersMiddleware(deps.cors ?? { allowedOrigins: [] }))
    .use(observabilityMiddleware())
    .use(httpErrorMiddleware())
    .handler(async (event, context) => {
      const identity = await deps.identify(event);
      // As the OpenAPI document says: 405 (with Allow) for another method; neither route takes a body.
      validatedBody(event, { maxBytes: 1024, badJsonMessage: 'These endpoints take no body.' });
      const scope = { memberId: identity.memberId, personId: identity.personId };
      const requestId = requestIdOf(event, context.awsRequestId);
      const path = event.path ?? '';
      if (/^\/v1\/sign-out\/?$/.test(path) || event.resource === '/v1/sign-out') {
        const deleted = await (await deps.conversations()).deleteAll(scope);
        return json(200, { signedOut: true, conversationsDeleted: deleted, requestId });
      }
      const id = conversationIdOf(event);
      if (!isConversationId(id)) throw new HttpError(404, 'CONVERSATION_NOT_FOUND', 'There is no such conversation.');
      const deleted = await (await deps.conversations()).delete(id, scope);
      if (!deleted) throw new HttpError(404, 'CONVERSATION_NOT_FOUND', 'There is no such conversation.');
      return json(200, { deleted: true, conversationId: id, requestId });
    });
}

/** The Lambda entry point for these routes (the ask function's handler passes them here). */
export const handler = createConversationsHandler(lambdaConversationDeps());
