/**
 * The headers every API answer carries, whoever produced it (a handler, an error, the local
 * server's own 404/405/413, a CORS preflight):
 *
 * - `x-request-id`: the request's id (API Gateway's `requestId`, as in error bodies);
 * - CORS for the configured portal origins (`CORS_ALLOWED_ORIGINS`): `Access-Control-Allow-Origin`
 *   echoing an allowed `Origin`, `Vary: Origin`, and the headers a page may read;
 * - `WWW-Authenticate` on 401, `Allow` on 405 (from the OpenAPI document), `Retry-After` on 429
 *   and 503 when the producer did not set one.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { RETRY_AFTER_SECONDS, requestIdOf } from './middleware.ts';
import { allowedMethods, apiPathOf, routeOf } from './openapi.ts';

export interface CorsOptions {
  /** Origins (scheme://host[:port]) that may call the API from a browser. */
  readonly allowedOrigins: readonly string[];
}

/** Request headers a portal may send (what API Gateway's CORS preflight allows too). */
export const CORS_ALLOW_HEADERS = 'Content-Type, Authorization, X-Api-Key';
/** Response headers a portal's script may read. */
export const CORS_EXPOSE_HEADERS = 'x-request-id, retry-after, allow, www-authenticate';
/** How long a browser may cache a preflight (seconds; API Gateway's mock says the same). */
export const CORS_MAX_AGE_SECONDS = 600;
/** `Retry-After` for a 429 or 503 whose producer did not say (seconds): what every 503 says. */
export const DEFAULT_RETRY_AFTER_SECONDS = RETRY_AFTER_SECONDS;
export const WWW_AUTHENTICATE_REALM = 'Bearer realm="claims-assistant"';

type Headers = Record<string, string>;

/** A handler's result: JSON (`APIGatewayProxyResult`) or a streamed answer (body a stream). */
export interface ApiResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
  readonly body: unknown;
}

function headerOf(headers: APIGatewayProxyEvent['headers'] | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name && v) return v;
  return undefined;
}

function has(headers: Headers, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** CORS response headers for a request's `Origin` (none when it is not an allowed origin). */
export function corsHeaders(origin: string | undefined, cors: CorsOptions): Headers {
  if (cors.allowedOrigins.length === 0) return {};
  const out: Headers = { vary: 'Origin' };
  if (origin && cors.allowedOrigins.includes(origin)) {
    out['access-control-allow-origin'] = origin;
    out['access-control-expose-headers'] = CORS_EXPOSE_HEADERS;
  }
  return out;
}

/** `WWW-Authenticate` for a 401 with this error code (RFC 6750: a rejected token is `invalid_token`). */
export function wwwAuthenticate(code: string | undefined): string {
  return code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED' || code === 'CLAIMS_INVALID'
    ? `${WWW_AUTHENTICATE_REALM}, error="invalid_token"`
    : WWW_AUTHENTICATE_REALM;
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const code = (JSON.parse(body ?? '') as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The response with the headers every API answer carries added (existing ones win).
 * @example
 * withApiHeaders(json(404, body), { requestId, origin, path: '/v1/nope', cors })
 */
export function withApiHeaders<R extends ApiResult>(
  result: R,
  req: { readonly requestId: string; readonly origin?: string; readonly path: string; readonly cors: CorsOptions },
): R & { headers: Headers } {
  const headers: Headers = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  const add = (name: string, value: string) => {
    if (!has(headers, name)) headers[name] = value;
  };
  add('x-request-id', req.requestId);
  for (const [k, v] of Object.entries(corsHeaders(req.origin, req.cors))) add(k, v);
  if (result.statusCode === 401) add('www-authenticate', wwwAuthenticate(errorCodeOf(result.body)));
  if (result.statusCode === 429 || result.statusCode === 503) add('retry-after', String(DEFAULT_RETRY_AFTER_SECONDS));
  if (result.statusCode === 405) {
    const route = routeOf(req.path);
    if (route) add('allow', allowedMethods(route).join(', '));
  }
  return { ...result, headers };
}

/**
 * The answer to a CORS preflight (`OPTIONS`) for a path of the document: 204 with the path's
 * methods; the allow-origin only for an allowed origin (the browser then refuses the call).
 */
export function preflightResponse(
  req: { readonly requestId: string; readonly origin?: string; readonly path: string; readonly cors: CorsOptions },
  methods: readonly string[],
): APIGatewayProxyResult {
  const headers: Headers = {
    'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS_ALLOW_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
    'cache-control': 'no-store',
  };
  return withApiHeaders({ statusCode: 204, headers, body: '' }, req);
}

/**
 * Middy middleware: every response of the handler (success or error) gets the API headers. Use it
 * first, so it runs after the error middleware has turned an error into a response.
 * @example
 * middy().use(apiHeadersMiddleware({ allowedOrigins: config.cors.allowedOrigins })).use(httpErrorMiddleware())
 */
export function apiHeadersMiddleware<R extends ApiResult = APIGatewayProxyResult>(
  cors: CorsOptions,
): middy.MiddlewareObj<APIGatewayProxyEvent, R> {
  const apply = async (request: middy.Request<APIGatewayProxyEvent, R>) => {
    if (!request.response) return;
    request.response = withApiHeaders(request.response, {
      requestId: requestIdOf(request.event, request.context?.awsRequestId),
      origin: headerOf(request.event.headers, 'origin'),
      path: apiPathOf(request.event),
      cors,
    });
  };
  return { after: apply, onError: apply };
}
