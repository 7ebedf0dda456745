/**
 * Lambda response streaming for handlers behind API Gateway's REST response streaming
 * (integration `ResponseTransferMode: STREAM`, invoked with InvokeWithResponseStream): the
 * result's status and headers go first (`awslambda.HttpResponseStream.from`), then its body —
 * a string, or a stream written as the answer is. On Lambda the runtime provides the global
 * `awslambda`; anywhere else (tests, the local server) there is none and the plain handler is used.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A handler's result: the body a string (JSON) or a stream (events as they happen). */
export interface HttpResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string | number | boolean>;
  readonly body: string | Readable;
}

interface ResponseStream extends NodeJS.WritableStream {}

/** The part of Lambda's global `awslambda` this module uses. */
interface AwsLambdaGlobal {
  streamifyResponse(
    fn: (event: APIGatewayProxyEvent, responseStream: ResponseStream, context: Context) => Promise<void>,
  ): unknown;
  HttpResponseStream: {
    from(stream: ResponseStream, metadata: { statusCode: number; headers?: Record<string, string> }): ResponseStream;
  };
}

/** The runtime's `awslambda`, when it can stream (libraries create an empty `awslambda` elsewhere). */
function lambdaGlobal(): AwsLambdaGlobal | undefined {
  const g = (globalThis as { awslambda?: Partial<AwsLambdaGlobal> }).awslambda;
  return typeof g?.streamifyResponse === 'function' && g.HttpResponseStream ? (g as AwsLambdaGlobal) : undefined;
}

function stringHeaders(headers: HttpResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * Writes one result to Lambda's response stream: metadata first, then the body as it comes.
 * @example
 * await writeToResponseStream(responseStream, { statusCode: 200, headers, body }, awslambda);
 */
export async function writeToResponseStream(
  responseStream: ResponseStream,
  result: HttpResult,
  lambda: Pick<AwsLambdaGlobal, 'HttpResponseStream'>,
): Promise<void> {
  const out = lambda.HttpResponseStream.from(responseStream, {
    statusCode: result.statusCode,
    headers: stringHeaders(result.headers),
  });
  const body = typeof result.body === 'string' ? Readable.from([result.body]) : result.body;
  await pipeline(body, out);
}

/**
 * On Lambda: a streaming handler around `handler`. Elsewhere: `fallback`, as it is.
 * @example
 * export const handler = streamingOnLambda(streamingRouter, jsonRouter);
 */
export function streamingOnLambda<F>(
  handler: (event: APIGatewayProxyEvent, context: Context) => Promise<HttpResult>,
  fallback: F,
): F {
  const lambda = lambdaGlobal();
  if (!lambda) return fallback;
  return lambda.streamifyResponse(async (event, responseStream, context) => {
    await writeToResponseStream(responseStream, await handler(event, context), lambda);
  }) as F;
}
