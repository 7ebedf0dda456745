/**
 * The API's OpenAPI 3.1 document (openapi/openapi.json, the one source of truth) and the request
 * checks derived from it: which paths and methods exist (404 / 405 with `Allow`), that a body is
 * JSON (415), and that it matches the operation's request schema (400 BAD_REQUEST_BODY: unknown
 * fields, wrong types). The Lambda handlers and the local server both use it, so the local server
 * refuses exactly what the deployed API refuses; API Gateway's own request model for /v1/ask is
 * read from the same document (serverless.yml). The test suite checks every response against it
 * (test/support/openapi.ts).
 *
 * Schemas are compiled with Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) on first use only.
 */
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import document from '../../openapi/openapi.json' with { type: 'json' };
import { readJsonBody } from './body.ts';
import { HttpError } from './errors.ts';

/** The HTTP methods an OpenAPI path item can hold, in the order `Allow` lists them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The parsed document (read-only by convention: it is also served as is). */
export const OPENAPI_DOCUMENT: JsonObject = document as unknown as JsonObject;
const DOC_ID = 'openapi.json';

export interface OpenApiOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The path template, e.g. `/v1/admin/templates/{name}/drafts`. */
  readonly path: string;
  /** JSON pointer of the path item in the document. */
  readonly pointer: string;
  readonly object: JsonObject;
}

export interface OpenApiRoute {
  readonly path: string;
  readonly pattern: RegExp;
  readonly operations: ReadonlyMap<HttpMethod, OpenApiOperation>;
}

export type RouteMatch =
  | { readonly kind: 'operation'; readonly route: OpenApiRoute; readonly operation: OpenApiOperation }
  | { readonly kind: 'method-not-allowed'; readonly route: OpenApiRoute; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/** `~` and `/` escaped for a JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function templatePattern(path: string): RegExp {
  const parts = path
    .split(/(\{[^}]+\})/)
    .map((p) => (p.startsWith('{') ? '([^/]+)' : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`);
}

let routes: readonly OpenApiRoute[] | undefined;

/** Every path of the document with its operations; literal paths are tried before templated ones. */
export function openApiRoutes(): readonly OpenApiRoute[] {
  if (routes) return routes;
  const paths = OPENAPI_DOCUMENT.paths;
  if (!isObject(paths)) throw new Error('openapi.json has no paths');
  const built = Object.entries(paths).map(([path, item]) => {
    const operations = new Map<HttpMethod, OpenApiOperation>();
    const pointer = `#/paths/${pointerSegment(path)}`;
    for (const method of HTTP_METHODS) {
      const op = isObject(item) ? item[method] : undefined;
      if (isObject(op))
        operations.set(method, { operationId: String(op.operationId), method, path, pointer, object: op });
    }
    return { path, pattern: templatePattern(path), operations };
  });
  routes = built.sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  return routes;
}

/**
 * The document's answer for a method and a concrete path.
 * @example
 * matchOperation('POST', '/v1/health') // { kind: 'method-not-allowed', allow: ['GET'] }
 */
export function matchOperation(method: string, path: string): RouteMatch {
  const route = routeOf(path);
  if (!route) return { kind: 'not-found' };
  const operation = route.operations.get(method.toLowerCase() as HttpMethod);
  if (operation) return { kind: 'operation', route, operation };
  return { kind: 'method-not-allowed', route, allow: allowedMethods(route) };
}

/** The document's path that a concrete path falls under. */
export function routeOf(path: string): OpenApiRoute | undefined {
  return openApiRoutes().find((r) => r.pattern.test(path));
}

/** What `Allow` says for a path: its methods, upper case, in the document's order. */
export function allowedMethods(route: OpenApiRoute): string[] {
  return [...route.operations.keys()].map((m) => m.toUpperCase());
}

/** The 405 every surface answers for a method a path does not take. */
export function methodNotAllowed(route: OpenApiRoute): HttpError {
  const allow = allowedMethods(route);
  return new HttpError(405, 'METHOD_NOT_ALLOWED', `Use ${allow.join(' or ')} for ${route.path}.`, {
    headers: { allow: allow.join(', ') },
  });
}

export function notFound(): HttpError {
  return new HttpError(404, 'NOT_FOUND', 'No such endpoint.');
}

/**
 * The API path of a proxy event, without the stage: `resource` with `{proxy+}` filled in (API
 * Gateway), else `path` (the local server).
 */
export function apiPathOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'path' | 'pathParameters'>): string {
  const proxy = event.pathParameters?.proxy;
  if (event.resource?.includes('{proxy+}') && typeof proxy === 'string')
    return event.resource.replace('{proxy+}', proxy);
  return event.path ?? event.resource ?? '';
}

/** The operation an event is for; throws the 404 / 405 the document implies. */
export function operationOf(event: APIGatewayProxyEvent): OpenApiOperation {
  const match = matchOperation(event.httpMethod, apiPathOf(event));
  if (match.kind === 'not-found') throw notFound();
  if (match.kind === 'method-not-allowed') throw methodNotAllowed(match.route);
  return match.operation;
}

// ---------------------------------------------------------------- schemas

let ajv: Ajv2020 | undefined;
let requestAjv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();
const compiledRequests = new Map<string, ValidateFunction>();

/** Follows `$ref`s (within the document) until a non-reference object. */
export function resolve(value: Json | undefined): Json | undefined {
  let v = value;
  for (let hops = 0; isObject(v) && typeof v.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error(`openapi.json: $ref loop at ${v.$ref}`);
    v = at(v.$ref);
  }
  return v;
}

/** The value at a `#/…` pointer of the document. */
export function at(pointer: string): Json | undefined {
  if (!pointer.startsWith('#/')) throw new Error(`openapi.json: only local references are supported (${pointer})`);
  let v: Json | undefined = OPENAPI_DOCUMENT;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    v = isObject(v) ? v[key] : Array.isArray(v) ? v[Number(key)] : undefined;
  }
  return v;
}

/**
 * A compiled validator for the schema at a pointer of the document (`$ref`s inside it resolve
 * against the document). Compiled once, on first use.
 * @example
 * schemaAt('#/components/schemas/AskRequest')({ question: 'hi' }) // true
 */
export function schemaAt(pointer: string): ValidateFunction {
  let fn = compiled.get(pointer);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
      ajv.addSchema(OPENAPI_DOCUMENT as object, DOC_ID);
    }
    const found = ajv.getSchema(`${DOC_ID}${pointer}`);
    if (!found) throw new Error(`openapi.json: no schema at ${pointer}`);
    fn = found;
    compiled.set(pointer, fn);
  }
  return fn;
}

/** A copy of a schema with its local `$ref`s replaced by what they point at (no cycles expected). */
export function inlineRefs(value: Json | undefined, depth = 0): Json | undefined {
  if (depth > 32) throw new Error('openapi.json: $ref nesting too deep');
  if (Array.isArray(value)) return value.map((v) => inlineRefs(v, depth + 1) ?? null);
  if (!isObject(value)) return value;
  if (typeof value.$ref === 'string') return inlineRefs(at(value.$ref), depth + 1);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineRefs(v, depth + 1) ?? null]));
}

/**
 * A validator for a request body schema, compiled on its own (refs inlined): the Lambda functions
 * compile only the one or few small schemas they take, not the whole document, at the first request.
 */
export function requestSchemaAt(pointer: string): ValidateFunction {
  let fn = compiledRequests.get(pointer);
  if (!fn) {
    const schema = inlineRefs(at(pointer));
    if (!isObject(schema)) throw new Error(`openapi.json: no schema at ${pointer}`);
    requestAjv ??= new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    fn = requestAjv.compile(schema);
    compiledRequests.set(pointer, fn);
  }
  return fn;
}

/** Ajv's errors as one short line (field paths and rules; never the values). */
export function describeErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const where = e.instancePath || '(body)';
      if (e.keyword === 'additionalProperties')
        return `${where}: unknown field "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"`;
      return `${where}: ${e.message ?? e.keyword}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------- requests

export interface RequestBodyOptions {
  /** Larger bodies are refused with 413 before parsing. */
  readonly maxBytes: number;
  /** The 400 message when the body is not JSON. */
  readonly badJsonMessage: string;
}

function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v ?? undefined;
  return undefined;
}

function rawBody(event: APIGatewayProxyEvent): string {
  return event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
}

/**
 * The request's JSON body, checked against its operation in the document: 404/405 for a path or
 * method the document does not have, 415 for a body that is not `application/json` (no
 * Content-Type counts as JSON, as at API Gateway), 413 above `maxBytes`, 400 BAD_JSON, 400
 * BAD_REQUEST_BODY for a body the schema refuses (an operation without a request body takes none);
 * a missing required body is BAD_JSON. An absent optional body is `undefined`.
 *
 * @example
 * const body = validatedBody(event, { maxBytes: 4096, badJsonMessage: 'Send {"question": "..."}.' });
 */
export function validatedBody(event: APIGatewayProxyEvent, opts: RequestBodyOptions): unknown {
  const operation = operationOf(event);
  const requestBody = resolve(operation.object.requestBody);
  const raw = rawBody(event);
  if (raw === '') {
    if (isObject(requestBody) && requestBody.required === true)
      throw new HttpError(400, 'BAD_JSON', opts.badJsonMessage);
    return undefined;
  }
  const type = (headerOf(event, 'content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  const body = readJsonBody(event, opts);
  const content = isObject(requestBody) ? requestBody.content : undefined;
  if (!isObject(content) || !isObject(content['application/json']))
    throw new HttpError(400, 'BAD_REQUEST_BODY', 'This endpoint takes no body.');
  const validate = requestSchemaAt(
    `${operation.pointer}/${operation.method}/requestBody/content/application~1json/schema`,
  );
  if (!validate(body))
    throw new HttpError(
      400,
      'BAD_REQUEST_BODY',
      `The request body does not match the API (${describeErrors(validate)}); see /v1/openapi.json.`,
    );
  return body;
}
