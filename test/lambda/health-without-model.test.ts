/**
 * The health function shares the Lambda wiring with ask but has no model configured
 * (serverless.yml gives BEDROCK_MODEL_ID to the ask function only): it must still report healthy.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { localContext } from '../../src/server/proxy-event.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { lambdaDbEnv, type SecretsExtension, startSecretsExtension } from '../support/lambda-env.ts';

let db: TestDatabase;
let extension: SecretsExtension;

before(async () => {
  db = await freshDatabase();
  extension = await startSecretsExtension(db);
  delete process.env.BEDROCK_MODEL_ID;
  Object.assign(process.env, lambdaDbEnv(db, extension));
});

after(async () => {
  const { lambdaApp } = await import('../../src/runtime/lambda.ts');
  await (await lambdaApp().catch(() => undefined))?.db.pool.end();
  extension?.close();
  await db?.drop();
});

test('GET /v1/health is 200 with no BEDROCK_MODEL_ID in the function environment', { timeout: 30_000 }, async () => {
  const { handler } = await import('../../src/handlers/health.ts');
  const event = { httpMethod: 'GET', path: '/v1/health', headers: {}, body: null } as unknown as APIGatewayProxyEvent;
  const res = await handler(event, localContext(crypto.randomUUID(), 'claims-assistant-test-health'));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(JSON.parse(res.body).checks.database.status, 'ok');
});
