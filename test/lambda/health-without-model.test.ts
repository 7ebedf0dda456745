/**
 * The health function shares the Lambda wiring with ask but has no model configured
 * (serverless.yml gives BEDROCK_MODEL_ID to the ask function only): it must still report healthy.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { localContext } from '../../src/server/proxy-event.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let extension: http.Server;

before(async () => {
  db = await freshDatabase();
  const password = decodeURIComponent(new URL(db.appUrl).password);
  extension = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ SecretString: JSON.stringify({ username: 'claims_app', password }) }));
  });
  await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
  const pgUrl = new URL(db.adminUrl);
  delete process.env.BEDROCK_MODEL_ID;
  Object.assign(process.env, {
    DB_HOST: pgUrl.hostname,
    DB_PORT: pgUrl.port,
    DB_NAME: pgUrl.pathname.slice(1),
    DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:claims-app',
    DB_TLS: 'disable',
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
});

after(async () => {
  const { lambdaWiring } = await import('../../src/runtime/lambda.ts');
  await (await lambdaWiring().catch(() => undefined))?.db.pool.end();
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
