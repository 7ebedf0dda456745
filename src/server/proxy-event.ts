import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** Refuse to buffer more than this from a local request (the API's own limit is far lower). */
const MAX_LOCAL_BODY = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOCAL_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Turns a local HTTP request into the API Gateway REST event the Lambda handlers receive in
 * production, so `claims serve` runs the very same handlers (no second code path).
 */
export function toProxyEvent(
  req: IncomingMessage,
  body: string | undefined,
  resource: string,
  requestId: string = randomUUID(),
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    resource,
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      resourcePath: resource,
      stage: 'local',
      accountId: 'local',
      apiId: 'local',
      resourceId: 'local',
      protocol: 'HTTP/1.1',
      requestTimeEpoch: Date.now(),
      authorizer: undefined,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
    },
  };
}

/**
 * A Lambda context good enough for local invocations; its remaining time counts down from
 * `budgetMs` (the local server's ask budget, ASK_BUDGET_MS) as Lambda's does from its timeout.
 */
export function localContext(requestId: string, functionName: string, budgetMs = 28_000): Context {
  const endsAt = Date.now() + budgetMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Writes a handler's result. A stream body (an answer being written) goes out piece by piece,
 * as Lambda response streaming sends it behind API Gateway.
 */
export function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResult | { statusCode: number; headers?: Record<string, unknown>; body: string | Readable },
): void {
  res.writeHead(result.statusCode, result.headers as Record<string, string>);
  if (typeof result.body === 'string') {
    res.end(result.body);
    return;
  }
  const body = result.body;
  res.flushHeaders();
  body.on('data', (chunk: Buffer | string) => res.write(chunk));
  body.on('end', () => res.end());
  body.on('error', () => res.destroy());
  res.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
}
