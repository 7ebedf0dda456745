/**
 * The one HTTP error type. Anything thrown in a handler ends up as one of these, mapped to a
 * response in exactly one place (`httpErrorMiddleware`).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  /** Headers the response must carry (`Allow` on 405, `Retry-After` on 429/503). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Errors from other modules that already know their HTTP status (AuthError, ForbiddenError). */
export interface StatusError {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  /** Response headers the error implies (lower-case names). */
  readonly headers?: Readonly<Record<string, string>>;
}

export function isStatusError(err: unknown): err is StatusError {
  const e = err as Partial<StatusError> | null;
  return typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 && typeof e.code === 'string';
}
