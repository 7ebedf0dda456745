/**
 * The `llm` port on Amazon Bedrock, through the Converse API of the AWS SDK. Pointed at a
 * local `http://` endpoint (the stand-in) it uses HTTP/1.1 and dummy credentials, so the same
 * SDK code path runs in tests and in production.
 */
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CallOptions, Llm, LlmPurpose, LlmRequest, LlmResponse } from '../core/ports.ts';
import { LlmError, LlmErrorKind } from './errors.ts';
import { supportsPromptCaching } from './prompt-cache.ts';

export interface BedrockLlmOptions {
  /** A model id or inference profile id/ARN, e.g. 'anthropic.claude-3-sonnet-20240229-v1:0'. */
  readonly modelId: string;
  /** Another model for one step (e.g. a smaller one for the summary); the others use `modelId`. */
  readonly modelIds?: Readonly<Partial<Record<LlmPurpose, string>>>;
  readonly region: string;
  /** Override the endpoint (a local stand-in, a VPC endpoint). */
  readonly endpoint?: string;
  /** SDK attempts per call, including the first (default 3). */
  readonly maxAttempts?: number;
  /**
   * Per attempt: the reply must start within this many ms, or the attempt fails with a
   * TimeoutError and its socket is destroyed (default 20000). The ask's deadline, passed to
   * `generate` as a signal, bounds the whole call, retries included.
   */
  readonly requestTimeoutMs?: number;
  /** Per attempt: connecting may take this many ms (default 3000). */
  readonly connectionTimeoutMs?: number;
  /** Sockets kept per endpoint (default 50). A call waiting for one is bounded by the same signal. */
  readonly maxSockets?: number;
  /** Wraps the SDK client once, e.g. X-Ray capture in Lambda (`traceAwsClient`). */
  readonly instrument?: (client: BedrockRuntimeClient) => BedrockRuntimeClient;
  /**
   * Prompt caching: mark a request's static prompt start (`cacheablePrefixChars`) with a Converse
   * `cachePoint`. `auto` (default): for the models known to support it (src/llm/prompt-cache.ts).
   */
  readonly promptCache?: 'auto' | 'on' | 'off';
}

/**
 * Dummy keys for a plain-http endpoint (a local stand-in: it accepts any SigV4 signature but
 * requires one). Real keys are never sent to an unencrypted endpoint.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALSTANDIN', secretAccessKey: 'local-standin-secret' } as const;

function isLocalHttp(endpoint: string | undefined): boolean {
  return endpoint?.startsWith('http://') === true;
}

function clientConfig(opts: BedrockLlmOptions): BedrockRuntimeClientConfig {
  const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 50 };
  const config: BedrockRuntimeClientConfig = {
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? 3,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    // HTTP/1.1 everywhere (the SDK's HTTP/2 default exists for bidirectional streams, which
    // Converse does not use; a local stand-in speaks HTTP/1.1), so tests run the production path.
    // throwOnRequestTimeout: without it the SDK only warns and waits on a silent model forever.
    requestHandler: new NodeHttpHandler({
      requestTimeout: opts.requestTimeoutMs ?? 20_000,
      connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
    }),
  };
  // A local stand-in accepts any signature but requires one: dummy keys, never the machine's.
  if (isLocalHttp(opts.endpoint)) config.credentials = LOCAL_CREDENTIALS;
  return config;
}

const KIND_BY_EXCEPTION: Readonly<Record<string, LlmErrorKind>> = {
  ThrottlingException: LlmErrorKind.THROTTLED,
  ServiceQuotaExceededException: LlmErrorKind.THROTTLED,
  TooManyRequestsException: LlmErrorKind.THROTTLED,
  AccessDeniedException: LlmErrorKind.ACCESS_DENIED,
  UnrecognizedClientException: LlmErrorKind.ACCESS_DENIED,
  MissingAuthenticationTokenException: LlmErrorKind.ACCESS_DENIED,
  InvalidSignatureException: LlmErrorKind.ACCESS_DENIED,
  ExpiredTokenException: LlmErrorKind.ACCESS_DENIED,
  CredentialsProviderError: LlmErrorKind.ACCESS_DENIED,
  ValidationException: LlmErrorKind.INVALID_REQUEST,
  ResourceNotFoundException: LlmErrorKind.MODEL_NOT_FOUND,
  ModelNotReadyException: LlmErrorKind.UNAVAILABLE,
  ServiceUnavailableException: LlmErrorKind.UNAVAILABLE,
  InternalServerException: LlmErrorKind.UNAVAILABLE,
  ModelErrorException: LlmErrorKind.UNAVAILABLE,
  ModelStreamErrorException: LlmErrorKind.UNAVAILABLE,
  ModelTimeoutException: LlmErrorKind.TIMEOUT,
  TimeoutError: LlmErrorKind.TIMEOUT,
  RequestTimeout: LlmErrorKind.TIMEOUT,
  // The call's signal aborted: the ask's deadline (or this call's share of it) passed.
  AbortError: LlmErrorKind.TIMEOUT,
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * An SDK or socket failure as an {@link LlmError}. The message names the exception and
 * status only: a service message could echo input, so it stays in `cause`.
 *
 * @example
 * toLlmError(new ThrottlingException({ message: 'slow down', $metadata: {} })).kind // 'throttled'
 */
export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const httpStatus = e.$metadata?.httpStatusCode;
  let kind: LlmErrorKind = KIND_BY_EXCEPTION[name] ?? LlmErrorKind.UNKNOWN;
  if (kind === LlmErrorKind.UNKNOWN && code && NETWORK_CODES.has(code)) kind = LlmErrorKind.NETWORK;
  if (kind === LlmErrorKind.UNKNOWN && httpStatus !== undefined) {
    if (httpStatus === 429) kind = LlmErrorKind.THROTTLED;
    else if (httpStatus === 401 || httpStatus === 403) kind = LlmErrorKind.ACCESS_DENIED;
    else if (httpStatus >= 500) kind = LlmErrorKind.UNAVAILABLE;
    else if (httpStatus >= 400) kind = LlmErrorKind.INVALID_REQUEST;
  }
  const detail = [name, code, httpStatus].filter((x) => x !== undefined).join(' ');
  return new LlmError(`Bedrock call failed (${kind}): ${detail}`, {
    kind,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    cause: error,
  });
}

function replyText(out: ConverseCommandOutput): string {
  const content = out.output && 'message' in out.output ? out.output.message?.content : undefined;
  return (content ?? []).map((block) => ('text' in block && typeof block.text === 'string' ? block.text : '')).join('');
}

/**
 * `Llm` on Bedrock's Converse API: the system text as `system`, the rendered prompt as one
 * user message, temperature 0.
 *
 * @example
 * const llm = new BedrockLlm({ modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', region: 'us-east-1' });
 * const { text, inputTokens } = await llm.generate({ purpose: 'sql', system, prompt, maxTokens: 600 });
 */
export class BedrockLlm implements Llm {
  readonly modelId: string;
  readonly #modelIds: Readonly<Partial<Record<LlmPurpose, string>>>;
  readonly #client: BedrockRuntimeClient;
  readonly #promptCache: 'auto' | 'on' | 'off';

  constructor(opts: BedrockLlmOptions) {
    if (!opts.modelId) throw new LlmError('Bedrock model id is required', { kind: LlmErrorKind.INVALID_REQUEST });
    if (!opts.region) throw new LlmError('AWS region is required', { kind: LlmErrorKind.INVALID_REQUEST });
    this.modelId = opts.modelId;
    this.#modelIds = opts.modelIds ?? {};
    this.#promptCache = opts.promptCache ?? 'auto';
    const client = new BedrockRuntimeClient(clientConfig(opts));
    this.#client = opts.instrument ? opts.instrument(client) : client;
  }

  /** The model a step runs on. */
  modelFor(purpose: LlmPurpose): string {
    return this.#modelIds[purpose] || this.modelId;
  }

  /** True when a request's static start is sent with a cache checkpoint to this model. */
  cachesPromptsFor(modelId: string): boolean {
    return this.#promptCache === 'on' || (this.#promptCache === 'auto' && supportsPromptCaching(modelId));
  }

  /**
   * The user message: one text block, or (prompt caching) the static start, a `cachePoint`, and
   * the rest. Bedrock caches everything before the checkpoint: the system text and the static start.
   */
  #content(req: LlmRequest, modelId: string): ContentBlock[] {
    const cut = req.cacheablePrefixChars ?? 0;
    if (cut <= 0 || cut >= req.prompt.length || !this.cachesPromptsFor(modelId)) return [{ text: req.prompt }];
    return [{ text: req.prompt.slice(0, cut) }, { cachePoint: { type: 'default' } }, { text: req.prompt.slice(cut) }];
  }

  /** `opts.signal` aborts the call, retries included, and destroys its socket (so a hung model frees it). */
  async generate(req: LlmRequest, opts: CallOptions = {}): Promise<LlmResponse> {
    const modelId = this.modelFor(req.purpose);
    let out: ConverseCommandOutput;
    try {
      out = await this.#client.send(
        new ConverseCommand({
          modelId,
          system: [{ text: req.system }],
          messages: [{ role: 'user', content: this.#content(req, modelId) }],
          inferenceConfig: { maxTokens: req.maxTokens, temperature: 0 },
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
    } catch (error) {
      throw toLlmError(error);
    }
    const text = replyText(out);
    if (text.trim() === '') {
      throw new LlmError(`Bedrock returned no text (stopReason ${out.stopReason ?? 'none'})`, {
        kind: LlmErrorKind.EMPTY_REPLY,
      });
    }
    return {
      text,
      modelId,
      inputTokens: out.usage?.inputTokens ?? 0,
      outputTokens: out.usage?.outputTokens ?? 0,
      ...(out.usage?.cacheReadInputTokens ? { cacheReadInputTokens: out.usage.cacheReadInputTokens } : {}),
      ...(out.usage?.cacheWriteInputTokens ? { cacheWriteInputTokens: out.usage.cacheWriteInputTokens } : {}),
    };
  }

  /**
   * The reply through ConverseStream: each text delta goes to `onText` as it arrives (the member
   * sees the first words while the model is still writing); resolves to the whole reply.
   */
  async stream(req: LlmRequest, onText: (delta: string) => void, opts: CallOptions = {}): Promise<LlmResponse> {
    const modelId = this.modelFor(req.purpose);
    let text = '';
    let inputTokens = 0;
    let outputTokens = 0;
    let stopReason: string | undefined;
    try {
      const out = await this.#client.send(
        new ConverseStreamCommand({
          modelId,
          system: [{ text: req.system }],
          messages: [{ role: 'user', content: [{ text: req.prompt }] }],
          inferenceConfig: { maxTokens: req.maxTokens, temperature: 0 },
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
      for await (const event of out.stream ?? []) {
        const delta = event.contentBlockDelta?.delta;
        if (delta && 'text' in delta && typeof delta.text === 'string' && delta.text !== '') {
          text += delta.text;
          onText(delta.text);
        }
        if (event.messageStop) stopReason = event.messageStop.stopReason;
        if (event.metadata?.usage) {
          inputTokens = event.metadata.usage.inputTokens ?? 0;
          outputTokens = event.metadata.usage.outputTokens ?? 0;
        }
        // An error inside the stream arrives as an event; it ends the reply like a thrown one.
        const failure =
          event.internalServerException ??
          event.modelStreamErrorException ??
          event.serviceUnavailableException ??
          event.throttlingException ??
          event.validationException;
        if (failure) throw failure;
      }
    } catch (error) {
      throw toLlmError(error);
    }
    if (text.trim() === '') {
      throw new LlmError(`Bedrock returned no text (stopReason ${stopReason ?? 'none'})`, {
        kind: LlmErrorKind.EMPTY_REPLY,
      });
    }
    return { text, modelId, inputTokens, outputTokens };
  }

  /** Closes the SDK's sockets (tests, CLI exit). */
  destroy(): void {
    this.#client.destroy();
  }
}
