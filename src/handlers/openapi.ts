/**
 * GET /v1/openapi.json — the API's OpenAPI 3.1 document (openapi/openapi.json), as the repository
 * holds it. Deployed, the health function serves it too (src/handlers/health.ts).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiHeadersMiddleware, type CorsOptions } from '../http/api-headers.ts';
import { httpErrorMiddleware } from '../http/middleware.ts';
import { OPENAPI_DOCUMENT, operationOf } from '../http/openapi.ts';
import { json } from '../http/response.ts';

/** The document changes only with a deploy: caches may keep it a few minutes. */
const CACHE_CONTROL = 'public, max-age=300';

/**
 * @example
 * const handler = createOpenApiHandler({ cors: { allowedOrigins: ['https://portal.example.com'] } });
 */
export function createOpenApiHandler(deps: { readonly cors?: CorsOptions } = {}) {
  let body: string | undefined;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(apiHeadersMiddleware(deps.cors ?? { allowedOrigins: [] }))
    .use(httpErrorMiddleware())
    .handler(async (event) => {
      operationOf(event); // 405 for anything but GET
      // Serialised once per container (about 100 kB of JSON), then copied per response.
      body ??= json(200, OPENAPI_DOCUMENT).body;
      return { ...json(200, null, { 'cache-control': CACHE_CONTROL }), body };
    });
}
