/**
 * Admin evaluation jobs on Lambda, through the deployed entry points: the admin handler (with
 * EVAL_RUNNER_FUNCTION set) starts a job by an async Invoke through the real AWS SDK Lambda
 * client, sent to a local stand-in for the Lambda Invoke API; the stand-in hands the payload to
 * the eval runner handler, as Lambda would; polls go through the admin handler, which finds the
 * job in the database. Also: the runner alone on a queued job, and a repeated delivery.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import pg from 'pg';
import { PgEvalJobStore } from '../../src/admin/eval-job-store.ts';
import { EvalJobs } from '../../src/admin/eval-jobs.ts';
import { TemplateRepository } from '../../src/admin/template-repository.ts';
import { casesFromFile } from '../../src/eval/cases-file.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';
import { FilePromptStore, PROMPTS_DIR } from '../../src/prompts/file-store.ts';
import { localContext } from '../../src/server/proxy-event.ts';
import type { AdminBody } from '../support/admin-api.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { lambdaDbEnv, type SecretsExtension, startSecretsExtension } from '../support/lambda-env.ts';

const RUNNER = 'claims-assistant-test-evalRunner';

interface Invocation {
  readonly path: string;
  readonly type: string | undefined;
  readonly body: unknown;
}

let db: TestDatabase;
let standin: BedrockStandin;
let extension: SecretsExtension;
let lambdaApi: http.Server;
const invocations: Invocation[] = [];
const runs: Promise<unknown>[] = [];
let pool: pg.Pool;
let templates: TemplateRepository;

/** The Lambda Invoke API as the SDK calls it; an Event invoke is queued (202) and then run. */
function startLambdaApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw || 'null') as { evalJobId?: string };
      invocations.push({ path: req.url ?? '', type: req.headers['x-amz-invocation-type'] as string, body });
      if (req.method !== 'POST' || req.url !== `/2015-03-31/functions/${RUNNER}/invocations`) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ Type: 'User', message: 'Function not found' }));
      }
      res.writeHead(202, { 'x-amz-executed-version': '$LATEST' }).end();
      // After answering, as Lambda's async queue does: run the eval runner with the payload.
      runs.push(
        import('../../src/handlers/eval-runner.ts').then(({ handler }) => handler(body, context('evalRunner'))),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** As deployed: the eval runner has 900 s (serverless.yml), the admin function 28 s. */
const context = (name: string): Context =>
  localContext(crypto.randomUUID(), `claims-assistant-test-${name}`, name === 'evalRunner' ? 900_000 : 28_000);

function adminEvent(method: string, path: string, body?: unknown): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path: `/v1/admin/${path}`,
    resource: '/v1/admin/{proxy+}',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path },
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: crypto.randomUUID(),
      authorizer: {
        claims: {
          sub: 'admin-sub-1',
          'custom:member_id': '1000000002',
          'custom:person_id': '1000000002-01',
          'custom:role': 'admin',
        },
      },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

async function admin(method: string, path: string, body?: unknown) {
  const { handler } = await import('../../src/handlers/admin.ts');
  const res = await handler(adminEvent(method, path, body), context('admin'));
  return { status: res.statusCode, body: JSON.parse(res.body) as AdminBody };
}

/** A draft with v1's text plus a newline: it passes its evaluation. */
async function passingDraft(): Promise<number> {
  const v1 = await templates.get('sql', 1);
  return (await templates.createDraft('sql', { system: v1.system, body: `${v1.body}\n` }, 'test')).version;
}

before(async () => {
  db = await freshDatabase();
  standin = await startBedrockStandin();
  lambdaApi = await startLambdaApi();
  extension = await startSecretsExtension(db);
  Object.assign(process.env, lambdaDbEnv(db, extension), {
    DB_POOL_MAX: '3',
    // Dummy static credentials: the stand-ins accept any signature but the SDK must sign.
    AWS_ACCESS_KEY_ID: 'AKIDLOCALSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'local-standin-secret',
    AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambdaApi.address() as AddressInfo).port}`,
    EVAL_RUNNER_FUNCTION: RUNNER,
    BEDROCK_MODEL_ID: 'offline-engine-v1',
    BEDROCK_ENDPOINT: standin.url,
    PROMPT_STORE: 'postgres',
  });
  pool = new pg.Pool({ connectionString: db.appUrl, max: 2 });
  templates = new TemplateRepository(pool);
  const files = new FilePromptStore(PROMPTS_DIR);
  await templates.importShipped(files);
});

after(async () => {
  await Promise.allSettled(runs);
  const { lambdaApp } = await import('../../src/runtime/lambda.ts');
  await (await lambdaApp().catch(() => undefined))?.db.pool.end();
  await pool?.end();
  await standin?.stop();
  extension?.close();
  lambdaApi?.close();
  await db?.drop();
});

test('admin starts a job by an async invoke of the runner; polls find it in the database; publish unlocks', {
  timeout: 300_000,
}, async () => {
  const version = await passingDraft();
  const started = await admin('POST', `templates/sql/versions/${version}/eval`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.deepEqual(Object.keys(started.body).sort(), ['jobId', 'total']);
  const jobId = started.body.jobId as string;

  const invoke = invocations.at(-1);
  assert.equal(invoke?.path, `/2015-03-31/functions/${RUNNER}/invocations`);
  assert.equal(invoke?.type, 'Event');
  assert.deepEqual(invoke?.body, { evalJobId: jobId });

  let job = {} as AdminBody;
  for (let i = 0; i < 600; i++) {
    const poll = await admin('GET', `eval/${jobId}`);
    assert.equal(poll.status, 200);
    job = poll.body;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  assert.equal(job.done, job.total);
  assert.equal(job.summary.passed, true);
  assert.deepEqual(Object.keys(job).sort(), [
    'cases',
    'done',
    'id',
    'name',
    'phase',
    'startedAt',
    'state',
    'summary',
    'total',
    'version',
  ]);
  const published = await admin('POST', `templates/sql/versions/${version}/publish`, { note: 'ship' });
  assert.equal(published.status, 200, JSON.stringify(published.body));
  await admin('POST', 'templates/sql/rollback', { version: 1 });
});

test('the runner runs a queued job to done once; a second delivery of the same event is skipped', {
  timeout: 300_000,
}, async () => {
  const { handler } = await import('../../src/handlers/eval-runner.ts');
  const { lambdaApp } = await import('../../src/runtime/lambda.ts');
  const version = await passingDraft();
  // Queue a job without running it (a starter that only records), as the admin function does.
  const queued: string[] = [];
  const jobs = new EvalJobs(
    { jobs: new PgEvalJobStore(pool), store: templates, ports: (await lambdaApp()).ports, cases: casesFromFile() },
    { starter: { start: async (id) => void queued.push(id) } },
  );
  const job = await jobs.start(await templates.get('sql', version), 'admin-sub-1');
  assert.deepEqual(queued, [job.id]);
  assert.equal((await jobs.get(job.id))?.state, 'running', 'a queued job reads as running');

  const out = await handler({ evalJobId: job.id }, context('evalRunner'));
  assert.deepEqual(out, { jobId: job.id, state: 'done' });
  const done = await jobs.get(job.id);
  assert.equal(done?.state, 'done');
  assert.equal(done?.cases.length, done?.total);
  assert.equal((await templates.get('sql', version)).evalResult?.passed, true);
  assert.equal((await templates.publish('sql', version, 'admin-sub-1')).status, 'published');

  assert.deepEqual(await handler({ evalJobId: job.id }, context('evalRunner')), { jobId: job.id, state: 'skipped' });
  assert.deepEqual(await handler({ nothing: 1 }, context('evalRunner')), { jobId: '', state: 'skipped' });
  await templates.rollback('sql', 1, 'test');
});
