/**
 * The OpenAPI document and the deployment agree: the document is a valid OpenAPI 3.1 document
 * (@seriousme/openapi-schema-validator); serverless.yml (resolved by `osls print`, offline) has
 * a route for every path and method of the document and no other; API Gateway's request model
 * for /v1/ask is the document's schema (and stays within JSON Schema draft 4, what API Gateway
 * reads); every gateway response API Gateway can send is in the document's error shape with
 * x-request-id, CORS, WWW-Authenticate on 401 and Retry-After on 429.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPENAPI_DOCUMENT, openApiRoutes, schemaAt } from '../../src/http/openapi.ts';
import { checkResponse } from '../support/openapi.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OSLS = path.join(ROOT, 'node_modules', '.bin', 'osls');

interface HttpEvent {
  readonly path: string;
  readonly method: string;
  readonly private?: boolean;
  readonly request?: { schemas?: Record<string, { schema?: unknown }> };
}
interface ResolvedConfig {
  readonly functions: Record<string, { events?: { http?: HttpEvent }[] }>;
  readonly resources: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  readonly provider: { environment: Record<string, unknown> };
}

let config: ResolvedConfig;

/** `osls print`: serverless.yml with every variable resolved, without packaging (no AWS calls). */
function printConfig(): Promise<ResolvedConfig> {
  return new Promise((resolve, reject) => {
    const child = spawn(OSLS, ['print', '--stage', 'ci', '--format', 'json'], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'printing-only-not-a-secret',
        AWS_REGION: 'us-east-1',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`osls print failed (${code}): ${err}`));
      try {
        resolve(JSON.parse(out) as ResolvedConfig);
      } catch (e) {
        reject(e);
      }
    });
  });
}

before(
  async () => {
    config = await printConfig();
  },
  { timeout: 120_000 },
);

/** JSON Schema keywords API Gateway's models understand (draft 4) plus annotations. */
const DRAFT4_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'maxLength',
  'minLength',
  'pattern',
  'maximum',
  'minimum',
  'maxItems',
  'minItems',
  'description',
  'title',
]);

function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (typeof schema !== 'object' || schema === null) return out;
  for (const [k, v] of Object.entries(schema)) {
    out.add(k);
    if (k === 'properties') for (const sub of Object.values(v as object)) keywordsOf(sub, out);
    else if (k === 'items' || k === 'additionalProperties') keywordsOf(v, out);
  }
  return out;
}

describe('openapi/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(OPENAPI_DOCUMENT));
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors));
    assert.equal(result.valid, true);
  });

  it('every schema compiles (JSON Schema 2020-12), and every $ref resolves', () => {
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    const refs = [...text.matchAll(/"\$ref":"(#[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(refs.length > 50);
    const schemas = Object.keys((OPENAPI_DOCUMENT.components as { schemas: object }).schemas);
    for (const name of schemas) assert.equal(typeof schemaAt(`#/components/schemas/${name}`), 'function', name);
  });
});

describe('the response checker (test/support/openapi.ts) on streamed answers', () => {
  const headers = (type: string) => ({ 'x-request-id': 'r1', 'content-type': `${type}; charset=utf-8` });
  const done = { status: 'answered', code: 'OK', answer: 'You had 3 claims.', requestId: 'r1', rowCount: 3 };
  const sse = (events: [string, object][]) =>
    events.map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  const ndjson = (events: [string, object][]) =>
    events.map(([type, data]) => `${JSON.stringify({ type, ...data })}\n`).join('');
  const good: [string, object][] = [
    ['start', { requestId: 'r1' }],
    ['stage', { stage: 'generate' }],
    ['delta', { text: 'You had ' }],
    ['replace', { text: 'You had 3 claims.' }],
    ['done', { ...done, httpStatus: 200 }],
  ];
  const check = (type: string, body: string) =>
    checkResponse({ method: 'POST', path: '/v1/ask', status: 200, headers: headers(type), body });

  it('passes a documented stream, in both formats', () => {
    assert.deepEqual(check('text/event-stream', sse(good)), []);
    assert.deepEqual(check('application/x-ndjson', ndjson(good)), []);
  });

  it('finds an undocumented event field, a missing done, a wrong request id, an undocumented type', () => {
    const leaky = good.map(([t, d]): [string, object] => (t === 'done' ? [t, { ...d, sql: 'SELECT 1' }] : [t, d]));
    assert.match(check('text/event-stream', sse(leaky)).join('\n'), /event 4 does not match/);
    assert.match(check('application/x-ndjson', ndjson(good.slice(0, 3))).join('\n'), /does not end with done/);
    const other = good.map(([t, d]): [string, object] => (t === 'start' ? [t, { requestId: 'r2' }] : [t, d]));
    assert.match(check('application/x-ndjson', ndjson(other)).join('\n'), /start\.requestId r2/);
    assert.match(check('text/plain', 'hello').join('\n'), /not application\/json/);
  });
});

describe('serverless.yml agrees with the OpenAPI document', () => {
  it('has a route for every path and method of the document, and none the document lacks', () => {
    const events = Object.values(config.functions)
      .flatMap((f) => f.events ?? [])
      .flatMap((e) => (e.http ? [e.http] : []));
    const deployed = events.map((e) => `${e.method.toUpperCase()} ${e.path}`).sort();
    assert.deepEqual(deployed, [
      'ANY /v1/admin/{proxy+}',
      'DELETE /v1/conversations/{id}',
      'GET /v1/health',
      'GET /v1/openapi.json',
      'POST /v1/ask',
      'POST /v1/feedback',
      'POST /v1/sign-out',
    ]);
    for (const route of openApiRoutes()) {
      for (const method of route.operations.keys()) {
        const covered = events.some(
          (e) =>
            (e.path === route.path && e.method.toLowerCase() === method) ||
            (e.path === '/v1/admin/{proxy+}' && route.path.startsWith('/v1/admin/') && e.method === 'any'),
        );
        assert.ok(covered, `${method.toUpperCase()} ${route.path} is deployed`);
      }
    }
    // Every deployed path is documented (the admin proxy by its sub-paths).
    for (const e of events) {
      const documented = openApiRoutes().some((r) =>
        e.path.endsWith('{proxy+}') ? r.path.startsWith(e.path.replace('{proxy+}', '')) : r.path === e.path,
      );
      assert.ok(documented, `${e.path} is in the document`);
    }
  });

  it("API Gateway's request model for /v1/ask is the document's AskRequest, in draft-4 keywords", () => {
    const ask = config.functions.ask?.events?.find((e) => e.http?.path === '/v1/ask')?.http;
    const model = ask?.request?.schemas?.['application/json']?.schema;
    const documented = (OPENAPI_DOCUMENT.components as { schemas: Record<string, unknown> }).schemas.AskRequest;
    assert.deepEqual(model, documented);
    const foreign = [...keywordsOf(model)].filter((k) => !DRAFT4_KEYWORDS.has(k));
    assert.deepEqual(foreign, [], 'keywords API Gateway models do not take');
    // The document's operation uses it.
    const op = (OPENAPI_DOCUMENT.paths as Record<string, { post: { requestBody: unknown } }>)['/v1/ask']?.post;
    assert.deepEqual(op?.requestBody, {
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/AskRequest' } } },
    });
  });

  it('every gateway response is the error shape, with x-request-id and CORS for the portal', () => {
    const responses = Object.entries(config.resources.Resources).filter(
      ([, r]) => r.Type === 'AWS::ApiGateway::GatewayResponse',
    );
    const types = responses.map(([, r]) => String(r.Properties?.ResponseType)).sort();
    for (const needed of [
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'UNAUTHORIZED',
      'ACCESS_DENIED',
      'INVALID_API_KEY',
      'MISSING_AUTHENTICATION_TOKEN',
      'BAD_REQUEST_BODY',
      'THROTTLED',
      'QUOTA_EXCEEDED',
      'REQUEST_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
    ])
      assert.ok(types.includes(needed), `a gateway response for ${needed}`);
    const errorShape = schemaAt('#/components/schemas/ErrorResponse');
    const origin = String(config.provider.environment.CORS_ALLOWED_ORIGINS);
    for (const [name, r] of responses) {
      const p = r.Properties as {
        ResponseType: string;
        ResponseParameters: Record<string, string>;
        ResponseTemplates: Record<string, string>;
      };
      const header = (h: string) => p.ResponseParameters[`gatewayresponse.header.${h}`];
      assert.equal(header('x-request-id'), 'context.requestId', name);
      assert.equal(header('Access-Control-Allow-Origin'), `'${origin}'`, name);
      // The template as API Gateway fills it in.
      const filled = (p.ResponseTemplates['application/json'] ?? '')
        .replaceAll('$context.requestId', 'c0ffee00-0000-4000-8000-000000000000')
        .replaceAll('$context.error.responseType', 'RESOURCE_NOT_FOUND');
      const body = JSON.parse(filled) as unknown;
      assert.ok(errorShape(body), `${name}: ${JSON.stringify(errorShape.errors)}`);
      if (p.ResponseType === 'UNAUTHORIZED')
        assert.match(header('WWW-Authenticate') ?? '', /^'Bearer realm="claims-assistant"'$/);
      if (p.ResponseType === 'THROTTLED' || p.ResponseType === 'QUOTA_EXCEEDED')
        assert.match(header('Retry-After') ?? '', /^'\d+'$/, name);
    }
  });
});
