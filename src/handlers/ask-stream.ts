/**
 * `POST /v1/ask` as a stream, for clients that ask for one with `Accept`:
 *
 *   text/event-stream      server-sent events: `event: <type>` + `data: <json>`
 *   application/x-ndjson   one JSON object per line, with its `type`
 *
 * Events, in order: `start` {requestId}; `stage` {stage} as each pipeline stage begins; `delta`
 * {text} as the summary is written (through the number guard: src/pipeline/summary-stream.ts);
 * `replace` {text} when what was shown must be replaced (the guard held a figure back); last,
 * `done` with the same body as the JSON answer (status, code, answer, rowCount, table,
 * conversationId) and `httpStatus`, the status the JSON answer would have had. `done.answer` is
 * the answer: a client shows it in place of whatever it has streamed. Errors before the pipeline
 * (401, 400, 429) stay plain JSON responses with their status; once streaming, the status is 200.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { AskResult, Stage } from '../core/ask-result.ts';
import { AskStatus, friendlyMessage, Reason } from '../core/reasons.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import type { SummarySink } from '../pipeline/summary-stream.ts';
import { askResponseBody, askStatusCode } from './ask-body.ts';

export type StreamFormat = 'sse' | 'ndjson';

/** What the client asked for in `Accept`, if it asked for a stream. */
export function streamFormatOf(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): StreamFormat | undefined {
  const accept = Object.entries(headers ?? {})
    .filter(([k]) => k.toLowerCase() === 'accept')
    .map(([, v]) => v ?? '')
    .join(',')
    .toLowerCase();
  if (/\btext\/event-stream\b/.test(accept)) return 'sse';
  if (/\bapplication\/(x-)?ndjson\b/.test(accept)) return 'ndjson';
  return undefined;
}

const CONTENT_TYPE: Readonly<Record<StreamFormat, string>> = {
  sse: 'text/event-stream; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** One event in the wire format. JSON never holds a raw line break, so it cannot end an event early. */
export function encodeEvent(format: StreamFormat, type: string, data: Readonly<Record<string, unknown>>): string {
  return format === 'sse'
    ? `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
    : `${JSON.stringify({ type, ...data })}\n`;
}

export interface StreamedAskOptions {
  readonly format: StreamFormat;
  readonly requestId: string;
  readonly ports: AskPorts;
  /** Runs the ask with the sink and the ports given (plain or in a conversation). */
  readonly run: (sink: SummarySink, ports: AskPorts) => Promise<AskResult>;
  /** After the ask (audit, logs, metrics), before `done` is sent; may return the outcome to send instead. */
  readonly after?: (result: AskResult) => Promise<AskResult | undefined>;
  /**
   * The outcome of an ask that threw (a deadline firing between awaits, a lost dependency), so it
   * still goes through `after` and leaves its audit row, as the JSON path does.
   */
  readonly failed?: (err: unknown) => AskResult;
}

export interface StreamedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/**
 * Starts the ask and returns at once with the stream its events go to.
 * @example
 * return streamedAsk({ format: 'sse', requestId, ports, run: (sink, p) => ask({ ...input, summarySink: sink }, p) });
 */
export function streamedAsk(opts: StreamedAskOptions): StreamedResponse {
  const body = new PassThrough();
  body.on('error', () => undefined); // a client that went away must not crash the process
  const send = (type: string, data: Readonly<Record<string, unknown>>) => {
    if (!body.destroyed && !body.writableEnded) body.write(encodeEvent(opts.format, type, data));
  };
  const trace = opts.ports.trace;
  const ports: AskPorts = {
    ...opts.ports,
    trace: (stage: Stage, fn) => {
      send('stage', { stage });
      return trace ? trace(stage, fn) : fn();
    },
  };
  const sink: SummarySink = {
    text: (text) => send('delta', { text }),
    replace: (text) => send('replace', { text }),
  };
  send('start', { requestId: opts.requestId });
  void (async () => {
    try {
      // Only the run may fail into `failed`: the audit step (`after`) runs once per ask, for the
      // answer or for the failure, never twice.
      let result: AskResult | undefined;
      try {
        result = await opts.run(sink, ports);
      } catch (err) {
        result = opts.failed?.(err);
      }
      const final = result && ((await opts.after?.(result).catch(() => undefined)) ?? result);
      send(
        'done',
        final
          ? { ...askResponseBody(final, opts.requestId), httpStatus: askStatusCode(final) }
          : {
              status: AskStatus.ERROR,
              code: Reason.INTERNAL,
              answer: friendlyMessage(Reason.INTERNAL),
              requestId: opts.requestId,
              rowCount: 0,
              httpStatus: 500,
            },
      );
    } finally {
      body.end();
    }
  })();
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPE[opts.format],
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies must pass each event on at once.
      'x-accel-buffering': 'no',
    },
    body,
  };
}
