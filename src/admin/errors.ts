/**
 * Errors of the admin services (template repository, evaluation jobs). They carry a domain code,
 * never an HTTP status: the admin routes (src/handlers/admin-routes.ts) map each code to a
 * status in one table, and the CLI to a one-line message.
 */

/** Stable codes (the admin API answers with them): add new ones, never rename. */
export const AdminErrorCode = {
  /** No such template name or version. */
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  /** The template has no published version. */
  NOT_PUBLISHED: 'NOT_PUBLISHED',
  /** Only a draft may be edited, evaluated or published. */
  NOT_A_DRAFT: 'NOT_A_DRAFT',
  /** Rollback goes to an archived (previously published) version only. */
  NOT_A_PREVIOUS_VERSION: 'NOT_A_PREVIOUS_VERSION',
  /** The draft's placeholders do not check out (missing required or unknown ones). */
  PLACEHOLDERS: 'PLACEHOLDERS',
  /** No passing evaluation of exactly this text is stored on the draft. */
  NOT_EVALUATED: 'NOT_EVALUATED',
  /** The draft's evaluation did not pass. */
  EVAL_FAILED: 'EVAL_FAILED',
  /** Someone else changed the template at the same time. */
  CONFLICT: 'CONFLICT',
  /** The evaluation job could not be handed to its runner. */
  EVAL_NOT_STARTED: 'EVAL_NOT_STARTED',
  /** No feedback with that id. */
  FEEDBACK_NOT_FOUND: 'FEEDBACK_NOT_FOUND',
} as const;

export type AdminErrorCode = (typeof AdminErrorCode)[keyof typeof AdminErrorCode];

/**
 * Base of every error the admin services throw: a code, a message an admin may read, optional
 * `details` (facts such as the placeholder problems; never member data) and the `cause`.
 * @example
 * try { await templates.publish('sql', 3, actor) } catch (e) { if (e instanceof AdminError) console.log(e.code) }
 */
export class AdminError extends Error {
  override readonly name: string = 'AdminError';
  readonly code: AdminErrorCode;
  readonly details: unknown;

  constructor(code: AdminErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** The template repository refused an operation (unknown version, not a draft, not evaluated...). */
export class TemplateError extends AdminError {
  override readonly name: string = 'TemplateError';
}

/** An evaluation job could not be started. */
export class EvalJobError extends AdminError {
  override readonly name: string = 'EvalJobError';
}

/** The eval runner function answered something other than "queued" (202) to an async invoke. */
export class EvalStartError extends EvalJobError {
  override readonly name: string = 'EvalStartError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(AdminErrorCode.EVAL_NOT_STARTED, message, options);
  }
}
