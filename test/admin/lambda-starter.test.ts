/**
 * The Lambda starter sends an asynchronous Invoke through the real AWS SDK client, pointed with
 * `endpoint` at a local stand-in for the Lambda Invoke API
 * (`POST /2015-03-31/functions/{name}/invocations`, `X-Amz-Invocation-Type: Event` → 202).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { evalStarter, lambdaInvokeStarter } from '../../src/admin/lambda-starter.ts';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly type: string | undefined;
  readonly signed: boolean;
  readonly body: string;
}

const seen: Seen[] = [];
let status = 202;
let server: http.Server;
let endpoint: string;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        type: req.headers['x-amz-invocation-type'] as string | undefined,
        signed: /^AWS4-HMAC-SHA256 Credential=AKIDSTARTERTEST\//.test(req.headers.authorization ?? ''),
        body,
      });
      if (status === 202) return res.writeHead(202).end();
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ message: 'not allowed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
});

const client = () =>
  new LambdaClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDSTARTERTEST', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });

test('start(jobId) sends an async (Event) invoke of the runner with { evalJobId }', async () => {
  status = 202;
  const jobId = crypto.randomUUID();
  await lambdaInvokeStarter('claims-assistant-prod-evalRunner', client()).start(jobId);
  const last = seen.at(-1);
  assert.equal(last?.method, 'POST');
  assert.equal(last?.path, '/2015-03-31/functions/claims-assistant-prod-evalRunner/invocations');
  assert.equal(last?.type, 'Event');
  assert.ok(last?.signed, 'signed with SigV4');
  assert.deepEqual(JSON.parse(last?.body ?? ''), { evalJobId: jobId });
});

test('a refused invoke rejects (the admin API then answers 503 and marks the job failed)', async () => {
  status = 403;
  await assert.rejects(lambdaInvokeStarter('claims-assistant-prod-evalRunner', client()).start(crypto.randomUUID()));
  status = 202;
});

test('a named runner function selects the Lambda starter; without one jobs run in-process', async () => {
  assert.equal(evalStarter(undefined), undefined);
  assert.equal(evalStarter(' '), undefined);
  const starter = evalStarter('runner-from-env', {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDSTARTERTEST', secretAccessKey: 'not-a-secret' },
  });
  assert.ok(starter);
  await starter.start('0b5e2c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b');
  assert.equal(seen.at(-1)?.path, '/2015-03-31/functions/runner-from-env/invocations');
  assert.equal(seen.at(-1)?.type, 'Event');
});
