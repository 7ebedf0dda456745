/**
 * Lambda response streaming without Lambda: a stand-in for the runtime's `awslambda` global that
 * frames the response as the runtime does for API Gateway (metadata JSON, eight NUL bytes, body).
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { type HttpResult, streamingOnLambda, writeToResponseStream } from './lambda-stream.ts';

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  readonly times: number[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.chunks.push(Buffer.from(chunk));
    this.times.push(performance.now());
    done();
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const fakeRuntime = {
  HttpResponseStream: {
    from(stream: NodeJS.WritableStream, metadata: { statusCode: number; headers?: Record<string, string> }) {
      stream.write(`${JSON.stringify(metadata)}\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000`);
      return stream;
    },
  },
};

afterEach(() => {
  delete (globalThis as { awslambda?: unknown }).awslambda;
});

describe('writeToResponseStream', () => {
  test('status and headers first, then a JSON body', async () => {
    const out = new Collect();
    await writeToResponseStream(
      out,
      { statusCode: 503, headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      fakeRuntime,
    );
    assert.equal(
      out.text(),
      `{"statusCode":503,"headers":{"content-type":"application/json"}}${'\u0000'.repeat(8)}{"a":1}`,
    );
  });

  test('a stream body is passed on piece by piece as it is written', async () => {
    const out = new Collect();
    const body = new PassThrough();
    const done = writeToResponseStream(out, { statusCode: 200, body }, fakeRuntime);
    body.write('event: delta\n\n');
    await new Promise((r) => setTimeout(r, 30));
    assert.match(out.text(), /event: delta/, 'the first piece is out before the body ends');
    body.end('event: done\n\n');
    await done;
    assert.match(out.text(), /event: delta\n\nevent: done\n\n$/);
  });
});

describe('streamingOnLambda', () => {
  const event = {} as APIGatewayProxyEvent;
  const context = {} as Context;
  const handler = async (): Promise<HttpResult> => ({ statusCode: 200, body: Readable.from(['x']) });
  const fallback = async () => ({ statusCode: 200, body: 'plain' });

  test('without the runtime (or with the empty `awslambda` libraries create) the plain handler is used', () => {
    assert.equal(streamingOnLambda(handler, fallback), fallback);
    (globalThis as { awslambda?: unknown }).awslambda = {};
    assert.equal(streamingOnLambda(handler, fallback), fallback);
  });

  test('on Lambda the handler is wrapped by streamifyResponse and writes through HttpResponseStream', async () => {
    let wrapped: ((e: APIGatewayProxyEvent, s: NodeJS.WritableStream, c: Context) => Promise<void>) | undefined;
    (globalThis as { awslambda?: unknown }).awslambda = {
      ...fakeRuntime,
      streamifyResponse: (fn: typeof wrapped) => {
        wrapped = fn;
        return 'streaming handler';
      },
    };
    assert.equal(streamingOnLambda(handler, fallback), 'streaming handler');
    const out = new Collect();
    await wrapped?.(event, out, context);
    assert.equal(out.text(), `{"statusCode":200,"headers":{}}${'\u0000'.repeat(8)}x`);
  });
});
