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

const FAMILY = DEMO_MEMBER_IDS.family;

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
  const res = await handler(
    event({ question: 'How many claims did I have last year?' }, claimsOf(`${FAMILY}-01`)),
    context(),
  );
  assert.equal(res.statusCode, 200, res.body);
  const body = JSON.parse(res.body);
  assert.equal(body.status, 'answered');
  assert.match(body.answer, /\d/);
  assert.ok(extension.reads() >= 1, 'the secret came from the extension');
});

test('without authorizer claims (and no verifier configured) the handler fails closed with 401', async () => {
  const { handler } = await import('../../src/handlers/ask.ts');
  const res = await handler(event({ question: 'How many claims?' }, undefined), context());
  assert.equal(res.statusCode, 401);
  assert.equal(JSON.parse(res.body).error.code, 'TOKEN_MISSING');
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
  const res = await handler({ ...event({}, undefined), httpMethod: 'GET', path: '/v1/health' }, context());
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(JSON.parse(res.body).status, 'ok');
});
