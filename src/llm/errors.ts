/**
 * Typed errors of the `llm` port. Messages carry the failure kind and HTTP status only,
 * never the prompt or the model's reply (both may hold member data).
 */

/** What went wrong, so the pipeline can decide to retry, back off or give up. */
export const LlmErrorKind = {
  THROTTLED: 'throttled',
  ACCESS_DENIED: 'access_denied',
  INVALID_REQUEST: 'invalid_request',
  MODEL_NOT_FOUND: 'model_not_found',
  TIMEOUT: 'timeout',
  UNAVAILABLE: 'unavailable',
  NETWORK: 'network',
  EMPTY_REPLY: 'empty_reply',
  UNKNOWN: 'unknown',
} as const;

export type LlmErrorKind = (typeof LlmErrorKind)[keyof typeof LlmErrorKind];

const RETRYABLE_KINDS: ReadonlySet<LlmErrorKind> = new Set([
  LlmErrorKind.THROTTLED,
  LlmErrorKind.TIMEOUT,
  LlmErrorKind.UNAVAILABLE,
  LlmErrorKind.NETWORK,
]);

/**
 * Any failure of a model call. `code` is always `'LLM_ERROR'` (the pipeline's reason code).
 *
 * @example
 * try { await llm.generate(req); } catch (e) { if (e instanceof LlmError && e.retryable) { ... } }
 */
export class LlmError extends Error {
  override readonly name: string = 'LlmError';
  readonly code = 'LLM_ERROR' as const;
  readonly kind: LlmErrorKind;
  /** HTTP status of the failed call, when there was a response. */
  readonly httpStatus: number | undefined;
  /** The underlying error (SDK exception, socket error...). */
  override readonly cause: unknown;

  constructor(message: string, opts: { kind?: LlmErrorKind; httpStatus?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.kind = opts.kind ?? LlmErrorKind.UNKNOWN;
    this.httpStatus = opts.httpStatus;
    this.cause = opts.cause;
  }

  /** True when trying again later may succeed. */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}
