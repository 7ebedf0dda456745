/**
 * A local Bedrock Runtime stand-in: an HTTP/1.1 server that speaks the Converse wire format
 * (`/model/{modelId}/converse` and `/converse-stream`), so `BedrockLlm` and the real AWS SDK run
 * unchanged in tests and `claims serve`. Replies come from the offline engine unless a test
 * scripts them. Prompts stay in memory (`requests`) and are never logged.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { LlmPurpose } from '../core/ports.ts';
import { estimateTokens, offlineReply, purposeOf } from './offline/engine.ts';

export interface StandinRequest {
  readonly modelId: string;
  readonly system: string;
  readonly prompt: string;
  readonly purpose?: LlmPurpose;
  /** The prompt's part before a `cachePoint` block (prompt caching), if the request had one. */
  readonly cachedPrefix?: string;
}

export type StandinResponder = (req: StandinRequest) => string | Promise<string>;

/**
 * How the stand-in behaves, switchable while it runs (`setMode`, or `PUT /_standin/mode` with the
 * mode as JSON): the faults a real model endpoint shows. `purpose` limits a mode to SQL-writing or
 * summary calls (the other kind is answered normally).
 * - `ok`: answer (the default)
 * - `hang`: accept the request and never answer
 * - `drip`: send the headers, then one byte of the reply every `intervalMs`
 * - `reset`: drop the connection without a reply (ECONNRESET)
 * - `error`: answer `status` (default 503) with a Bedrock error type
 * - `slow`: answer after `delayMs`
 */
export type StandinMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'hang'; readonly purpose?: LlmPurpose }
  | { readonly kind: 'drip'; readonly intervalMs?: number; readonly purpose?: LlmPurpose }
  | { readonly kind: 'reset'; readonly purpose?: LlmPurpose }
  | { readonly kind: 'error'; readonly status?: number; readonly purpose?: LlmPurpose }
  | { readonly kind: 'slow'; readonly delayMs: number; readonly purpose?: LlmPurpose };

const MODE_KINDS = new Set(['ok', 'hang', 'drip', 'reset', 'error', 'slow']);

/**
 * How fast the stand-in "model" writes (a latency-modelled stand-in, for benchmarks): it waits
 * `firstTokenMs` before the first token, then sends one token (~4 characters) every
 * 1/`tokensPerSecond` seconds. Absent: replies come at once, in bigger pieces.
 */
export interface StandinLatency {
  readonly firstTokenMs: number;
  readonly tokensPerSecond: number;
}

/** When a streamed reply's first and last pieces left the stand-in (performance.now(), this process). */
export interface StreamTiming {
  readonly requestIndex: number;
  readonly startedAt: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
}

export interface StandinOptions {
  /** 0 or absent: any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Default: the offline engine. */
  readonly respond?: StandinResponder;
  /** Default `{ kind: 'ok' }`. */
  readonly mode?: StandinMode;
  /** Model timing (default: none). */
  readonly latency?: StandinLatency;
  /**
   * Prompt caching as Bedrock does it for Claude: a checkpoint caches everything before it (system
   * text and the message's start) when that is at least this many tokens (default 1024, Claude
   * Sonnet's minimum); the cache lives `cacheTtlMs` after its last use (default 5 minutes).
   */
  readonly minCacheTokens?: number;
  readonly cacheTtlMs?: number;
}

export interface BedrockStandin {
  /** 'http://127.0.0.1:PORT', for `BedrockLlm({ endpoint })` / `BEDROCK_ENDPOINT`. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Queues the next replies (first in, first out); they win over `respond`. */
  script(replies: readonly string[]): void;
  /** Requests received, oldest first (in memory only, for tests). */
  readonly requests: readonly StandinRequest[];
  /** Timings of the streamed replies, oldest first (benchmarks: the model's own first token). */
  readonly streams: readonly StreamTiming[];
  /** Switches the behaviour for the requests that arrive from now on. */
  setMode(mode: StandinMode): void;
  readonly mode: StandinMode;
  /** Requests still waiting for their reply (hung or dripping ones included). */
  readonly inFlight: number;
}

const MAX_BODY_BYTES = 1_000_000;
const STREAM_CHUNK_CHARS = 24;
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const ERROR_TYPES: Readonly<Record<number, string>> = {
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** A mode from JSON (the control endpoint), or an HttpError saying what is wrong. */
export function parseStandinMode(raw: unknown): StandinMode {
  const m = raw as { kind?: unknown; intervalMs?: unknown; delayMs?: unknown; status?: unknown; purpose?: unknown };
  if (typeof m !== 'object' || m === null || typeof m.kind !== 'string' || !MODE_KINDS.has(m.kind)) {
    throw new HttpError(400, 'ValidationException', `mode.kind must be one of ${[...MODE_KINDS].join(', ')}`);
  }
  for (const key of ['intervalMs', 'delayMs', 'status'] as const) {
    const v = m[key];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0)) {
      throw new HttpError(400, 'ValidationException', `mode.${key} must be a whole number`);
    }
  }
  if (m.purpose !== undefined && m.purpose !== 'sql' && m.purpose !== 'summary') {
    throw new HttpError(400, 'ValidationException', 'mode.purpose must be sql or summary');
  }
  if (m.kind === 'slow' && m.delayMs === undefined)
    throw new HttpError(400, 'ValidationException', 'slow needs delayMs');
  return m as StandinMode;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SigV4 shape: algorithm, credential scope, signed headers and a hex signature. Not verified. */
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[^/\s]+\/[^/\s]+\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'ValidationException', 'Request body is too large.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of a message's content blocks up to the first `cachePoint` block (undefined: none). */
function beforeCachePoint(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return undefined;
  const at = blocks.findIndex((b) => typeof b === 'object' && b !== null && 'cachePoint' in b);
  return at < 0 ? undefined : textBlocks(blocks.slice(0, at)).join('');
}

function textBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b) =>
    typeof b === 'object' && b !== null && typeof (b as { text?: unknown }).text === 'string'
      ? [(b as { text: string }).text]
      : [],
  );
}

/**
 * The Converse request body → system text, the user prompt (a message's text blocks joined as
 * the model reads them, messages by a new line) and the cached prefix: what precedes a
 * `cachePoint` (the system text, and the first user message's start when the point is there).
 */
function parseConverse(raw: string): { system: string; prompt: string; cachedPrefix?: string } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'ValidationException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null)
    throw new HttpError(400, 'ValidationException', 'The request body must be a JSON object.');
  const { messages, system } = body as { messages?: unknown; system?: unknown };
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HttpError(400, 'ValidationException', 'A conversation must start with a user message.');
  }
  const userMessages = messages.filter(
    (m): m is { role: string; content: unknown } =>
      typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user',
  );
  const userTexts = userMessages.map((m) => textBlocks(m.content).join('')).filter((t) => t !== '');
  if (userTexts.length === 0) throw new HttpError(400, 'ValidationException', 'The user message has no text content.');
  const systemText = textBlocks(system).join('\n');
  const messagePrefix = beforeCachePoint(userMessages[0]?.content);
  const systemPoint = beforeCachePoint(system) !== undefined;
  const cachedPrefix = messagePrefix ?? (systemPoint ? '' : undefined);
  return {
    system: systemText,
    prompt: userTexts.join('\n'),
    ...(cachedPrefix === undefined ? {} : { cachedPrefix }),
  };
}

function event(type: string, body: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':event-type': { type: 'string', value: type },
    ':content-type': { type: 'string', value: 'application/json' },
    ':message-type': { type: 'string', value: 'event' },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(body)) });
}

/** CHARS_PER_TOKEN-character pieces: about one token each (the estimateTokens rule). */
const CHARS_PER_TOKEN = 4;

function chunks(text: string, size = STREAM_CHUNK_CHARS): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** Token usage as Bedrock reports it: cache reads and writes apart from the full-price input. */
function usageOf(system: string, prompt: string, text: string, cache?: { tokens: number; hit: boolean }) {
  const allInput = estimateTokens(system) + estimateTokens(prompt);
  const outputTokens = estimateTokens(text);
  if (!cache) return { inputTokens: allInput, outputTokens, totalTokens: allInput + outputTokens };
  const cacheReadInputTokens = cache.hit ? cache.tokens : 0;
  const cacheWriteInputTokens = cache.hit ? 0 : cache.tokens;
  const inputTokens = Math.max(0, allInput - cache.tokens);
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens,
    cacheReadInputTokens,
    cacheWriteInputTokens,
  };
}

/**
 * Starts the stand-in. Stop it with `stop()`.
 *
 * @example
 * const standin = await startBedrockStandin();
 * const llm = new BedrockLlm({ modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', region: 'us-east-1', endpoint: standin.url });
 * standin.script(['<sql>DELETE FROM claims_history</sql>']); // the next reply, for a test
 * await standin.stop();
 */
export async function startBedrockStandin(opts: StandinOptions = {}): Promise<BedrockStandin> {
  const host = opts.host ?? '127.0.0.1';
  const respond: StandinResponder = opts.respond ?? ((r) => offlineReply(r.prompt, r.purpose));
  const scripted: string[] = [];
  const requests: StandinRequest[] = [];
  const streams: StreamTiming[] = [];
  const latency = opts.latency;
  if (latency && !(latency.firstTokenMs >= 0 && latency.tokensPerSecond > 0))
    throw new RangeError('latency needs firstTokenMs >= 0 and tokensPerSecond > 0');
  let mode: StandinMode = opts.mode ?? { kind: 'ok' };
  let inFlight = 0;

  /** Applies the fault of the current mode; true when the request was handled (no normal reply). */
  async function fault(req: IncomingMessage, res: ServerResponse, purpose: LlmPurpose | undefined): Promise<boolean> {
    const m = mode;
    if (m.kind === 'ok' || (m.purpose !== undefined && m.purpose !== purpose)) return false;
    switch (m.kind) {
      case 'slow':
        await sleep(m.delayMs);
        return false;
      case 'hang':
        // Never answer; the socket stays open until the client gives up (or stop()).
        await new Promise<void>((resolve) => res.once('close', resolve));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'error': {
        const status = m.status ?? 503;
        sendJson(
          res,
          status,
          { message: 'The model is not available.' },
          ERROR_TYPES[status] ?? 'InternalServerException',
        );
        return true;
      }
      case 'drip': {
        const payload = Buffer.from(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text: '<sql>NULL</sql>' }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          }),
        );
        let closed = false;
        res.once('close', () => {
          closed = true;
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
        for (let i = 0; i < payload.length && !closed; i++) {
          res.write(payload.subarray(i, i + 1));
          await sleep(m.intervalMs ?? 1000);
        }
        res.end();
        return true;
      }
    }
  }

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return sendJson(res, 200, { mode, inFlight });
    if (req.method !== 'PUT') throw new HttpError(405, 'UnknownOperationException', 'Use GET or PUT.');
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, 'ValidationException', 'Send the mode as JSON, e.g. {"kind":"hang"}.');
    }
    mode = parseStandinMode(raw);
    sendJson(res, 200, { mode });
  }
  const minCacheTokens = opts.minCacheTokens ?? 1024;
  const cacheTtlMs = opts.cacheTtlMs ?? 5 * 60_000;
  /** Cached prefixes (a hash of model, system text and prefix) → when they expire. */
  const cache = new Map<string, number>();

  /** A checkpoint's effect: nothing below the minimum, else a write, or a read within the TTL. */
  function useCache(modelId: string, system: string, prefix: string | undefined) {
    if (prefix === undefined) return undefined;
    const tokens = estimateTokens(system) + estimateTokens(prefix);
    if (tokens < minCacheTokens) return { tokens: 0, hit: false };
    const key = createHash('sha256').update(`${modelId}\0${system}\0${prefix}`).digest('hex');
    const now = Date.now();
    const hit = (cache.get(key) ?? 0) > now;
    cache.set(key, now + cacheTtlMs);
    return { tokens, hit };
  }

  async function reply(modelId: string, raw: string) {
    const { system, prompt, cachedPrefix } = parseConverse(raw);
    const request: StandinRequest = {
      modelId,
      system,
      prompt,
      purpose: purposeOf(prompt),
      ...(cachedPrefix === undefined ? {} : { cachedPrefix }),
    };
    requests.push(request);
    const next = scripted.shift();
    const text = next !== undefined ? next : await respond(request);
    return { system, prompt, text, cache: useCache(modelId, system, cachedPrefix) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname === '/_standin/mode') return control(req, res);
    const route = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(url.pathname);
    if (!route?.[1]) throw new HttpError(404, 'UnknownOperationException', 'Not found.');
    if (req.method !== 'POST') throw new HttpError(405, 'UnknownOperationException', 'Method not allowed.');
    if (!SIGV4.test(req.headers.authorization ?? '')) {
      throw new HttpError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    let modelId: string;
    try {
      modelId = decodeURIComponent(route[1]);
    } catch {
      throw new HttpError(400, 'ValidationException', 'The model id is not correctly encoded.');
    }
    const started = Date.now();
    const startedAt = performance.now();
    const raw = await readBody(req);
    if (await fault(req, res, purposeOf(parseConverse(raw).prompt))) return;
    const { system, prompt, text, cache: cached } = await reply(modelId, raw);
    const usage = usageOf(system, prompt, text, cached);

    if (route[2] === 'converse') {
      // Without streaming the caller waits for the first token and then every other one.
      if (latency) await sleep(latency.firstTokenMs + (usage.outputTokens / latency.tokensPerSecond) * 1000);
      sendJson(res, 200, {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        usage,
        metrics: { latencyMs: Date.now() - started },
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': crypto.randomUUID(),
    });
    res.write(event('messageStart', { role: 'assistant' }));
    const timing: StreamTiming = { requestIndex: requests.length - 1, startedAt };
    streams.push(timing);
    const pieces = latency ? chunks(text, CHARS_PER_TOKEN) : chunks(text);
    for (const [i, piece] of pieces.entries()) {
      if (latency) {
        // Paced from the request's arrival, so slow writes do not add up.
        const due = startedAt + latency.firstTokenMs + (i * 1000) / latency.tokensPerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      res.write(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }));
      timing.firstTokenAt ??= performance.now();
      timing.lastTokenAt = performance.now();
    }
    res.write(event('contentBlockStop', { contentBlockIndex: 0 }));
    res.write(event('messageStop', { stopReason: 'end_turn' }));
    res.end(event('metadata', { usage, metrics: { latencyMs: Date.now() - started } }));
  }

  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
    });
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Error bodies carry fixed messages only, never the prompt.
      if (error instanceof HttpError) sendJson(res, error.status, { message: error.message }, error.errorType);
      else sendJson(res, 500, { message: 'The stand-in failed to produce a reply.' }, 'InternalServerException');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    streams,
    script(replies) {
      scripted.push(...replies);
    },
    setMode(next) {
      mode = parseStandinMode(next);
    },
    get mode() {
      return mode;
    },
    get inFlight() {
      return inFlight;
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
