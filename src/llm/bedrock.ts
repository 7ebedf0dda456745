/**
 * The `llm` port on Amazon Bedrock, through the Converse API of the AWS SDK. Pointed at a
 * local `http://` endpoint (the stand-in) it uses HTTP/1.1 and dummy credentials, so the same
 * SDK code path runs in tests and in production.
 */
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Llm, LlmRequest, LlmResponse } from '../core/ports.ts';
import { LlmError, LlmErrorKind } from './errors.ts';

export interface BedrockLlmOptions {
  /** A model id or inference profile id/ARN, e.g. 'anthropic.claude-3-sonnet-20240229-v1:0'. */
  readonly modelId: string;
  readonly region: string;
  /** Override the endpoint (a local stand-in, a VPC endpoint). */
  readonly endpoint?: string;
  /** SDK attempts per call, including the first (default 3). */
  readonly maxAttempts?: number;
  /** Per-attempt socket timeout in ms (default 30000). */
  readonly requestTimeoutMs?: number;
  /** Environment for credentials of local endpoints (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Wraps the SDK client once, e.g. X-Ray capture in Lambda (`traceAwsClient`). */
  readonly instrument?: (client: BedrockRuntimeClient) => BedrockRuntimeClient;
}

/** Dummy keys for a local stand-in: it accepts any SigV4 signature but requires one. */
const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALSTANDIN', secretAccessKey: 'local-standin-secret' } as const;

function isLocalHttp(endpoint: string | undefined): boolean {
  return endpoint?.startsWith('http://') === true;
}

function clientConfig(opts: BedrockLlmOptions): BedrockRuntimeClientConfig {
  const env = opts.env ?? process.env;
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const config: BedrockRuntimeClientConfig = {
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? 3,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
  };
  if (isLocalHttp(opts.endpoint)) {
    // The SDK defaults to HTTP/2 (needed by bidirectional streams); a plain local server speaks HTTP/1.1.
    config.requestHandler = new NodeHttpHandler({ requestTimeout, connectionTimeout: 5_000 });
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) config.credentials = LOCAL_CREDENTIALS;
  } else {
    config.requestHandler = { requestTimeout } as BedrockRuntimeClientConfig['requestHandler'];
  }
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
  ModelTimeoutException: LlmErrorKind.TIMEOUT,
  TimeoutError: LlmErrorKind.TIMEOUT,
  RequestTimeout: LlmErrorKind.TIMEOUT,
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
  readonly #client: BedrockRuntimeClient;

  constructor(opts: BedrockLlmOptions) {
    if (!opts.modelId) throw new LlmError('Bedrock model id is required', { kind: LlmErrorKind.INVALID_REQUEST });
    if (!opts.region) throw new LlmError('AWS region is required', { kind: LlmErrorKind.INVALID_REQUEST });
    this.modelId = opts.modelId;
    const client = new BedrockRuntimeClient(clientConfig(opts));
    this.#client = opts.instrument ? opts.instrument(client) : client;
  }

  async generate(req: LlmRequest): Promise<LlmResponse> {
    let out: ConverseCommandOutput;
    try {
      out = await this.#client.send(
        new ConverseCommand({
          modelId: this.modelId,
          system: [{ text: req.system }],
          messages: [{ role: 'user', content: [{ text: req.prompt }] }],
          inferenceConfig: { maxTokens: req.maxTokens, temperature: 0 },
        }),
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
      modelId: this.modelId,
      inputTokens: out.usage?.inputTokens ?? 0,
      outputTokens: out.usage?.outputTokens ?? 0,
    };
  }

  /** Closes the SDK's sockets (tests, CLI exit). */
  destroy(): void {
    this.#client.destroy();
  }
}

/**
 * A `BedrockLlm` from `BEDROCK_MODEL_ID`, `AWS_REGION` (or `AWS_DEFAULT_REGION`) and optional
 * `BEDROCK_ENDPOINT`; throws an {@link LlmError} when the model id or region is missing.
 *
 * @example
 * const llm = bedrockLlmFromEnv(process.env);
 */
export function bedrockLlmFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  instrument?: BedrockLlmOptions['instrument'],
): BedrockLlm {
  const modelId = env.BEDROCK_MODEL_ID?.trim();
  const region = (env.AWS_REGION ?? env.AWS_DEFAULT_REGION)?.trim();
  if (!modelId) throw new LlmError('BEDROCK_MODEL_ID is not set', { kind: LlmErrorKind.INVALID_REQUEST });
  if (!region) throw new LlmError('AWS_REGION is not set', { kind: LlmErrorKind.INVALID_REQUEST });
  const endpoint = env.BEDROCK_ENDPOINT?.trim();
  const attempts = Number(env.BEDROCK_MAX_ATTEMPTS);
  return new BedrockLlm({
    modelId,
    region,
    env,
    instrument,
    ...(endpoint ? { endpoint } : {}),
    ...(Number.isInteger(attempts) && attempts > 0 ? { maxAttempts: attempts } : {}),
  });
}
