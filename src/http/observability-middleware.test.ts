import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { captureJsonLines } from '../observability/capture.ts';
import { createSafeLogger } from '../observability/logger.ts';
import { createAskMetrics, METRICS_NAMESPACE } from '../observability/metrics.ts';
import { HttpError } from './errors.ts';
import { observabilityMiddleware } from './observability-middleware.ts';

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'claims-assistant-test-ask',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:claims-assistant-test-ask',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/claims-assistant-test-ask',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 28_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function metricNames(line: Record<string, unknown>): string[] {
  const aws = line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } | undefined;
  return aws ? aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)) : [];
}

function setup(fail: boolean) {
  delete process.env.POWERTOOLS_DEV;
  // What Lambda sets for on-demand containers; Powertools only reports cold starts then.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  const logger = createSafeLogger({ logger: new Logger({ serviceName: 'claims-assistant' }), stage: 'test' });
  const metrics = createAskMetrics({ metrics: new Metrics({ namespace: METRICS_NAMESPACE }) });
  const handler = middy(async (_event: unknown) => {
    logger.logEvent('health_checked', { statusCode: 200 });
    metrics.recordError('Probe'); // any metric, to see the flush
    if (fail) throw new SyntaxError("Unexpected token J in 'Jane'");
    return { statusCode: 200 };
  }).use(observabilityMiddleware({ logger, metrics }));
  return handler;
}

describe('observabilityMiddleware', () => {
  it('adds the Lambda context to log lines and flags the cold start once', async () => {
    const handler = setup(false);
    const first = await captureJsonLines(() => handler({}, lambdaContext('req-a')));
    const log1 = first.find((l) => l.message === 'health_checked');
    assert.ok(log1, JSON.stringify(first));
    assert.equal(log1.function_request_id, 'req-a');
    assert.equal(log1.function_name, 'claims-assistant-test-ask');
    assert.equal(log1.cold_start, true);
    assert.ok(
      first.some((l) => metricNames(l).includes('ColdStart')),
      'cold start metric on first call',
    );

    const second = await captureJsonLines(() => handler({}, lambdaContext('req-b')));
    const log2 = second.find((l) => l.message === 'health_checked');
    assert.equal(log2?.function_request_id, 'req-b');
    assert.equal(log2?.cold_start, false);
    assert.equal(
      second.some((l) => metricNames(l).includes('ColdStart')),
      false,
    );
  });

  it('on error logs the error name only, counts it, flushes, and rethrows', async () => {
    const handler = setup(true);
    let thrown: unknown;
    const lines = await captureJsonLines(async () => {
      try {
        await handler({}, lambdaContext('req-c'));
      } catch (error) {
        thrown = error;
      }
    });
    assert.ok(thrown instanceof SyntaxError, 'the handler error is rethrown');
    const errorLine = lines.find((l) => l.message === 'handler_error');
    assert.ok(errorLine, JSON.stringify(lines));
    assert.equal(errorLine.errorName, 'SyntaxError');
    assert.ok(!JSON.stringify(lines).includes('Jane'));
    const errorsMetric = lines.find((l) => l.ErrorName === 'SyntaxError');
    assert.ok(errorsMetric, 'Errors metric by error name');
    assert.ok(lines.some((l) => metricNames(l).includes('Errors') && l.ErrorName === 'Probe'));
  });

  it("a caller's 4xx is an info line, not an error or an Errors metric", async () => {
    delete process.env.POWERTOOLS_DEV;
    const logger = createSafeLogger({ logger: new Logger({ serviceName: 'claims-assistant' }), stage: 'test' });
    const metrics = createAskMetrics({ metrics: new Metrics({ namespace: METRICS_NAMESPACE }) });
    const handler = middy(async (_event: unknown) => {
      throw new HttpError(400, 'BAD_JSON', 'The request body must be JSON about Jane.');
    }).use(observabilityMiddleware({ logger, metrics }));
    const lines = await captureJsonLines(() => handler({}, lambdaContext('req-d')).catch(() => undefined));
    const line = lines.find((l) => l.message === 'ask_rejected');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.level, 'INFO');
    assert.equal(line.errorCode, 'BAD_JSON');
    assert.equal(line.statusCode, 400);
    assert.ok(!lines.some((l) => l.message === 'handler_error'));
    assert.ok(!lines.some((l) => metricNames(l).includes('Errors')));
    assert.ok(!JSON.stringify(lines).includes('Jane'));
  });
});
