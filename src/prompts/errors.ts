/**
 * Errors of the template read side (the `prompts` port). They carry a domain code, never an HTTP
 * status: whoever answers a caller (a handler, the admin routes) decides what a code means there.
 */

/** Stable codes: add new ones, never rename. */
export const PromptsErrorCode = {
  /** No published version of the template, and no fallback to serve instead. */
  NOT_PUBLISHED: 'NOT_PUBLISHED',
  /** A shipped `.prompt` file does not have its `[system]` and `[body]` sections. */
  BAD_PROMPT_FILE: 'BAD_PROMPT_FILE',
} as const;

export type PromptsErrorCode = (typeof PromptsErrorCode)[keyof typeof PromptsErrorCode];

/**
 * Base of every error src/prompts throws; the underlying error, if any, stays in `cause`.
 * @example
 * try { await prompts.load('sql') } catch (e) { if (e instanceof PromptsError && e.code === PromptsErrorCode.NOT_PUBLISHED) ... }
 */
export class PromptsError extends Error {
  override readonly name: string = 'PromptsError';
  readonly code: PromptsErrorCode;

  constructor(code: PromptsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
