/**
 * The Lambda entry points as deployed: `handler` from src/handlers/ask.ts and health.ts, wired
 * from the environment (database host + secret through the Parameters and Secrets extension's
 * HTTP API, Bedrock through the real SDK), invoked with API Gateway events carrying Cognito
 * authorizer claims. Local stand-ins replace the AWS endpoints; nothing is mocked in-process.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';
import { localContext } from '../../src/server/proxy-event.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';
import { lambdaDbEnv, type SecretsExtension, startSecretsExtension } from '../support/lambda-env.ts';
import { checkLambdaResult } from '../support/openapi.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const PORTAL = 'https://portal.example.com';

let db: TestDatabase;
let standin: BedrockStandin;
let extension: SecretsExtension;

function event(body: unknown, claims: Record<string, string> | undefined): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/v1/ask',
    resource: '/v1/ask',
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: crypto.randomUUID(),
      authorizer: claims ? { claims } : undefined,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const claimsOf = (personId: string) => ({
  sub: crypto.randomUUID(),
  'custom:member_id': FAMILY,
  'custom:person_id': personId,
  'custom:role': 'member',
});

before(async () => {
  db = await freshDatabase();
  standin = await startBedrockStandin();
  extension = await startSecretsExtension(db);
  Object.assign(process.env, lambdaDbEnv(db, extension), {
    BEDROCK_MODEL_ID: 'offline-engine-v1',
    BEDROCK_ENDPOINT: standin.url,
    CORS_ALLOWED_ORIGINS: PORTAL,
  });
});

after(async () => {
  const { lambdaApp } = await import('../../src/runtime/lambda.ts');
  await (await lambdaApp()).db.pool.end();
  await standin?.stop();
  extension?.close();
  await db?.drop();
});

const context = (): Context => localContext(crypto.randomUUID(), 'claims-assistant-test-ask');

test('the ask handler answers from authorizer claims, with the database secret from the extension', async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const ev = event({ question: 'How many claims did I have last year?' }, claimsOf(`${FAMILY}-01`));
  const res = await handler(ev, context());
  assert.equal(res.statusCode, 200, res.body);
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });
  const body = JSON.parse(res.body);
  assert.equal(body.status, 'answered');
  assert.match(body.answer, /\d/);
  assert.ok(extension.reads() >= 1, 'the secret came from the extension');
});

test('without authorizer claims (and no verifier configured) the handler fails closed with 401', async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const ev = event({ question: 'How many claims?' }, undefined);
  const res = await handler(ev, context());
  assert.equal(res.statusCode, 401);
  assert.equal(JSON.parse(res.body).error.code, 'TOKEN_MISSING');
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });
});

test('a new connection re-reads the secret, so a rotated password is picked up by a warm container', async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const readsBefore = extension.reads();
  // Drop the container's connections, as a proxy or a rotation would.
  await adminQuery(
    db.adminUrl,
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'claims_app' AND datname = current_database()",
  );
  await new Promise((r) => setTimeout(r, 100));
  const res = await handler(
    event({ question: 'How many claims did I have last year?' }, claimsOf(`${FAMILY}-01`)),
    context(),
  );
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(extension.reads() > readsBefore, 'the password was read again for the new connection');
});

test('the health handler checks the database and the template store', async () => {
  const { handler } = await import('../../src/handlers/health.ts');
  const ev = { ...event({}, undefined), httpMethod: 'GET', path: '/v1/health', resource: '/v1/health', body: null };
  const res = await handler(ev, context());
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(JSON.parse(res.body).status, 'ok');
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });
});

test('the health function also serves the OpenAPI document (GET /v1/openapi.json)', async () => {
  const { handler } = await import('../../src/handlers/health.ts');
  const ev = {
    ...event({}, undefined),
    httpMethod: 'GET',
    path: '/v1/openapi.json',
    resource: '/v1/openapi.json',
    body: null,
  };
  const res = await handler(ev, context());
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(JSON.parse(res.body).openapi, '3.1.0');
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });
});

test('the deployed handler refuses what API Gateway would not pass on: unknown fields, non-JSON bodies', async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const extra = event({ question: 'How many claims?', memberId: '1000000002' }, claimsOf(`${FAMILY}-01`));
  const res = await handler(extra, context());
  assert.equal(res.statusCode, 400);
  assert.equal(JSON.parse(res.body).error.code, 'BAD_REQUEST_BODY');
  checkLambdaResult(extra, res, { allowedOrigins: [PORTAL] });
  // A text/plain body skips API Gateway's model (it is keyed by content type): the handler refuses it.
  const plain = {
    ...event({ question: 'How many claims?' }, claimsOf(`${FAMILY}-01`)),
    headers: { 'content-type': 'text/plain' },
  };
  const res415 = await handler(plain, context());
  assert.equal(res415.statusCode, 415);
  checkLambdaResult(plain, res415, { allowedOrigins: [PORTAL] });
});

test("every Lambda answer carries x-request-id (API Gateway's request id) and CORS for the configured portal", async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const ev = event({ question: 'How many claims did I have last year?' }, claimsOf(`${FAMILY}-01`));
  ev.headers = { ...ev.headers, origin: PORTAL };
  const res = await handler(ev, context());
  assert.equal(res.headers?.['x-request-id'], ev.requestContext.requestId);
  assert.equal(res.headers?.['access-control-allow-origin'], PORTAL);
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });
  const other = event({ question: 'How many claims?' }, undefined);
  other.headers = { ...other.headers, origin: 'https://elsewhere.example' };
  const refused = await handler(other, context());
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.headers?.['access-control-allow-origin'], undefined);
  assert.match(String(refused.headers?.['www-authenticate']), /^Bearer realm="claims-assistant"/);
  checkLambdaResult(other, refused, { allowedOrigins: [PORTAL] });
});

test('a failed dependency is a 503 with Retry-After, in the documented shapes (ask and health)', async () => {
  const { createAskHandler } = await import('../../src/handlers/ask.ts');
  const { createHealthHandler } = await import('../../src/handlers/health.ts');
  const { fixedClock, InMemoryMemberDb, InMemoryPromptStore, PortError, ScriptedLlm } = await import(
    '../../src/core/testing.ts'
  );
  const ask = createAskHandler({
    ports: async () => ({
      llm: new ScriptedLlm({ sql: new PortError('LLM_ERROR', 'the model is unavailable') }),
      db: new InMemoryMemberDb({ people: { [`${FAMILY}-01`]: { name: 'Ana', relationship: 'subscriber' } } }),
      prompts: new InMemoryPromptStore(),
      clock: fixedClock('2026-03-15T12:00:00Z'),
    }),
    identify: async () => ({ subject: 's', memberId: FAMILY, personId: `${FAMILY}-01`, role: 'member' }),
    cors: { allowedOrigins: [PORTAL] },
  });
  const ev = event({ question: 'How many claims did I have this year?' }, claimsOf(`${FAMILY}-01`));
  const res = await ask(ev, context());
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(JSON.parse(res.body).code, 'LLM_ERROR');
  assert.match(String(res.headers?.['retry-after']), /^\d+$/);
  checkLambdaResult(ev, res, { allowedOrigins: [PORTAL] });

  const health = createHealthHandler({ checks: { database: () => Promise.reject(new Error('down')) }, timeoutMs: 50 });
  const hev = { ...event({}, undefined), httpMethod: 'GET', path: '/v1/health', resource: '/v1/health', body: null };
  const degraded = await health(hev, context());
  assert.equal(degraded.statusCode, 503);
  assert.equal(JSON.parse(degraded.body).status, 'degraded');
  checkLambdaResult(hev, degraded);
  const wrong = await health({ ...hev, httpMethod: 'POST' }, context());
  assert.equal(wrong.statusCode, 405);
  checkLambdaResult({ ...hev, httpMethod: 'POST' }, wrong);
});
