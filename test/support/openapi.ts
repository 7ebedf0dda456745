/**
 * Every API response a test sees, checked against the OpenAPI document (openapi/openapi.json):
 * the status must be one the operation documents, the body must match its schema (a streamed
 * answer: every event, `start` first and `done` last), the
 * documented headers must be there and match (`x-request-id` always, `Allow` on 405,
 * `WWW-Authenticate` on 401, `Retry-After` on 429/503), an error body's `requestId` must equal
 * `x-request-id`, and a request from an allowed origin must get CORS headers.
 *
 * Used by the local server's tests (checked-server.ts: an observer on every /v1 response it
 * sends, asserted at stop), by the browser tests through the same server, and by the Lambda
 * tests (checkLambdaResult). This module imports no handler (a handler module reads the
 * configuration when it loads: the Lambda tests set the environment first). Each check records `operationId status` into
 * $OPENAPI_COVERAGE_DIR (set by test/run.ts); `npx tsx scripts/openapi-coverage.ts` sums it up.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  allowedMethods,
  apiPathOf,
  at,
  isObject,
  type Json,
  matchOperation,
  resolve,
  schemaAt,
} from '../../src/http/openapi.ts';

export interface SeenResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The request's `Origin`, if it sent one. */
  readonly origin?: string;
}

export interface CheckOptions {
  /** Origins the server was configured to allow (CORS_ALLOWED_ORIGINS). */
  readonly allowedOrigins?: readonly string[];
}

/** The coverage key of a response: the operation (or a pseudo-operation) and the status. */
function record(key: string): void {
  const dir = process.env.OPENAPI_COVERAGE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify(key)}\n`);
}

function parse(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/**
 * What is wrong with one response according to the document (empty: nothing).
 * @example
 * assert.deepEqual(checkResponse({ method: 'GET', path: '/v1/health', status: 200, headers, body }), []);
 */
export function checkResponse(r: SeenResponse, opts: CheckOptions = {}): string[] {
  const where = `${r.method} ${r.path} → ${r.status}`;
  const problems: string[] = [];
  const requestId = r.headers['x-request-id'];
  if (!requestId) problems.push(`${where}: no x-request-id header`);
  const allowed = opts.allowedOrigins ?? [];
  if (r.origin && allowed.includes(r.origin) && r.headers['access-control-allow-origin'] !== r.origin)
    problems.push(`${where}: no Access-Control-Allow-Origin for the allowed origin ${r.origin}`);
  if (r.origin && !allowed.includes(r.origin) && r.headers['access-control-allow-origin'])
    problems.push(`${where}: Access-Control-Allow-Origin for an origin that is not allowed`);

  const match = matchOperation(r.method === 'OPTIONS' ? 'GET' : r.method, r.path);
  if (r.method === 'OPTIONS') {
    // A CORS preflight (API Gateway's mock deployed): 204 with the path's methods.
    if (match.kind === 'not-found') {
      if (r.status !== 404) problems.push(`${where}: a preflight for an unknown path must be 404`);
    } else {
      if (r.status !== 204) problems.push(`${where}: a preflight must be 204`);
      const methods = r.headers['access-control-allow-methods'] ?? '';
      for (const m of allowedMethods(match.route))
        if (!methods.split(/, */).includes(m)) problems.push(`${where}: preflight does not allow ${m}`);
      record(`OPTIONS ${match.route.path} ${r.status}`);
      return problems;
    }
  }

  let responseObject: Json | undefined;
  let key: string;
  if (match.kind === 'not-found') {
    key = `(no such path) ${r.status}`;
    if (r.status !== 404) problems.push(`${where}: a path the document does not have must be 404`);
    responseObject = at('#/components/responses/NotFound');
  } else if (match.kind === 'method-not-allowed' || (r.method === 'OPTIONS' && r.status === 405)) {
    // A path's 405 answers for each of its operations.
    for (const op of match.route.operations.values()) record(`${op.operationId} ${r.status}`);
    key = `(method not allowed) ${r.status}`;
    if (r.status !== 405) problems.push(`${where}: a method the path does not take must be 405`);
    const allow = allowedMethods(match.route).join(', ');
    if (r.headers.allow !== allow)
      problems.push(`${where}: Allow is "${r.headers.allow}", the document says "${allow}"`);
    responseObject = at('#/components/responses/MethodNotAllowed');
  } else {
    const op = match.operation;
    key = `${op.operationId} ${r.status}`;
    const responses = op.object.responses;
    responseObject = resolve(isObject(responses) ? responses[String(r.status)] : undefined);
    if (!responseObject) {
      problems.push(`${where}: status ${r.status} is not documented for ${op.operationId}`);
      return problems;
    }
  }
  record(key);
  if (!isObject(responseObject)) return [...problems, `${where}: the document's response is not an object`];

  // Headers: every documented one that is required must be there and match its schema.
  const headers = responseObject.headers;
  if (isObject(headers)) {
    for (const [name, spec] of Object.entries(headers)) {
      const h = resolve(spec);
      if (!isObject(h)) continue;
      const value = r.headers[name.toLowerCase()];
      if (value === undefined) {
        if (h.required === true) problems.push(`${where}: no ${name} header`);
        continue;
      }
      const schema = h.schema;
      if (isObject(schema)) {
        const pointer = isObject(spec) && typeof spec.$ref === 'string' ? `${spec.$ref}/schema` : undefined;
        if (pointer && !schemaAt(pointer)(value))
          problems.push(`${where}: ${name} "${value}" does not match the document`);
      }
    }
  }

  // Body: JSON matching the documented schema, or a documented stream of events.
  const content = responseObject.content;
  const type = (r.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const streamed = isObject(content) && STREAM_TYPES.has(type) ? content[type] : undefined;
  if (isObject(streamed)) {
    problems.push(...checkStream(where, type, r.body, streamed, requestId));
    return problems;
  }
  const json = isObject(content) ? content['application/json'] : undefined;
  if (isObject(json)) {
    if (!(r.headers['content-type'] ?? '').startsWith('application/json'))
      problems.push(`${where}: content-type is "${r.headers['content-type']}", not application/json`);
    const parsed = parse(r.body);
    if (!parsed.ok) return [...problems, `${where}: the body is not JSON`];
    const pointer = pointerOf(match, r.status, responseObject);
    const validate = schemaAt(pointer);
    if (!validate(parsed.value))
      problems.push(`${where}: body does not match ${pointer}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    const body = parsed.value as { error?: unknown; requestId?: unknown };
    if (r.status >= 400 && body && typeof body === 'object' && 'error' in body && body.requestId !== requestId)
      problems.push(`${where}: requestId ${String(body.requestId)} is not the x-request-id ${requestId}`);
  }
  return problems;
}

/** Media types of a streamed answer (their events are described by the media type's `x-event-schema`). */
const STREAM_TYPES = new Set(['text/event-stream', 'application/x-ndjson']);

/** The events of a streamed body, each as `{ type, ...data }` (undefined: not the wire format). */
export function streamEvents(type: string, body: string): unknown[] | undefined {
  const events: unknown[] = [];
  if (type === 'application/x-ndjson') {
    for (const line of body.split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parse(line);
      if (!parsed.ok) return undefined;
      events.push(parsed.value);
    }
    return events;
  }
  for (const block of body.split('\n\n')) {
    if (block.trim() === '') continue;
    const name = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    const parsed = data === undefined ? undefined : parse(data);
    if (!name || !parsed?.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
    events.push({ type: name, ...(parsed.value as object) });
  }
  return events;
}

/** A streamed answer: every event matches the document; `start` first, `done` last, with the request's id. */
function checkStream(
  where: string,
  type: string,
  body: string,
  media: { [key: string]: Json },
  requestId: string | undefined,
): string[] {
  const spec = media['x-event-schema'];
  if (!isObject(spec) || typeof spec.$ref !== 'string') return [`${where}: ${type} has no x-event-schema`];
  const events = streamEvents(type, body);
  if (!events) return [`${where}: the body is not ${type}`];
  const problems: string[] = [];
  const validate = schemaAt(spec.$ref);
  for (const [i, event] of events.entries())
    if (!validate(event))
      problems.push(
        `${where}: event ${i} does not match ${spec.$ref}: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
      );
  const first = events[0] as { type?: unknown; requestId?: unknown } | undefined;
  const last = events.at(-1) as { type?: unknown; requestId?: unknown } | undefined;
  if (first?.type !== 'start') problems.push(`${where}: the stream does not begin with start`);
  if (last?.type !== 'done') problems.push(`${where}: the stream does not end with done`);
  for (const e of [first, last])
    if (e && e.requestId !== requestId)
      problems.push(
        `${where}: ${String(e.type)}.requestId ${String(e.requestId)} is not the x-request-id ${requestId}`,
      );
  return problems;
}

/** The JSON pointer of the body schema of a matched response. */
function pointerOf(match: ReturnType<typeof matchOperation>, status: number, response: Json | undefined): string {
  if (match.kind === 'operation') {
    const raw = (match.operation.object.responses as Record<string, Json>)[String(status)];
    const base =
      isObject(raw) && typeof raw.$ref === 'string'
        ? raw.$ref
        : `${match.operation.pointer}/${match.operation.method}/responses/${status}`;
    return `${base}/content/application~1json/schema`;
  }
  void response;
  return match.kind === 'not-found'
    ? '#/components/responses/NotFound/content/application~1json/schema'
    : '#/components/responses/MethodNotAllowed/content/application~1json/schema';
}

/**
 * Checks a Lambda handler's result for its event against the document; throws on a mismatch.
 * @example
 * const result = await handler(event, context); checkLambdaResult(event, result);
 */
export function checkLambdaResult(
  event: APIGatewayProxyEvent,
  result: APIGatewayProxyResult,
  opts: CheckOptions = {},
): void {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const origin = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'origin')?.[1] ?? undefined;
  const problems = checkResponse(
    {
      method: event.httpMethod,
      path: apiPathOf(event),
      status: result.statusCode,
      headers,
      body: result.body,
      ...(origin ? { origin } : {}),
    },
    opts,
  );
  assert.deepEqual(problems, [], 'the Lambda result matches openapi/openapi.json');
}
