/**
 * Authentication and authorization errors. Messages are fixed per code so nothing about the
 * token, the claims or the member leaks to the caller; the underlying reason stays in `cause`
 * (for debugging, never for the response body or logs of member data).
 */

/** Stable error codes: integrators key on these strings, add new ones, never rename. */
export const AuthErrorCode = {
  TOKEN_MISSING: 'TOKEN_MISSING',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  CLAIMS_INVALID: 'CLAIMS_INVALID',
  FORBIDDEN: 'FORBIDDEN',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** What the caller reads for each code: plain and non-leaky. */
const MESSAGES: Readonly<Record<AuthErrorCode, string>> = {
  TOKEN_MISSING: 'Please sign in to continue.',
  TOKEN_INVALID: 'Your sign-in could not be verified. Please sign in again.',
  TOKEN_EXPIRED: 'Your session has expired. Please sign in again.',
  CLAIMS_INVALID: 'Your account is not set up for this service yet. Please contact customer service.',
  FORBIDDEN: 'You do not have access to this.',
};

/** The JSON body of an auth failure. */
export interface AuthErrorBody {
  readonly error: { readonly code: AuthErrorCode; readonly message: string };
}

/**
 * The request is not authenticated (401). Base class of every auth failure.
 *
 * @example
 * ```ts
 * try { await verify(header) } catch (e) {
 *   if (e instanceof AuthError) return { statusCode: e.statusCode, body: JSON.stringify(e.toJSON()) };
 *   throw e;
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name: string = 'AuthError';
  readonly code: AuthErrorCode;
  /** 401 for every code but FORBIDDEN (403), so the status can never disagree with the code. */
  readonly statusCode: 401 | 403;

  constructor(code: AuthErrorCode, options?: { cause?: unknown }) {
    super(MESSAGES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = code === AuthErrorCode.FORBIDDEN ? 403 : 401;
  }

  /** The response body: `{ error: { code, message } }`, never the cause. */
  toJSON(): AuthErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * The caller is authenticated but may not do this (403), e.g. a member on an admin route.
 *
 * @example
 * ```ts
 * if (identity.role !== 'admin') throw new ForbiddenError();
 * ```
 */
export class ForbiddenError extends AuthError {
  override readonly name: string = 'ForbiddenError';

  constructor(options?: { cause?: unknown }) {
    super(AuthErrorCode.FORBIDDEN, options);
  }
}
