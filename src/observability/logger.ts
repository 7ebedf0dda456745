/**
 * The only way service code logs. Callers pass an allowlisted event name and allowlisted,
 * typed fields; every string value must look like an identifier (a code, an id, a model id),
 * so a question, a name, SQL or an answer cannot reach the logs even by mistake.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { AskTelemetry, Stage } from '../core/ask-result.ts';

export const SERVICE_NAME = 'claims-assistant';

/** Identifier-like strings only: no spaces, quotes, parentheses, commas or semicolons. */
export const SAFE_STRING = /^[A-Za-z0-9_.:-]{0,64}$/;

/** What a rejected value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Events the service may log. Add names here; never log a free-text message. */
export const SAFE_EVENT_NAMES = [
  'ask_completed',
  'ask_rejected',
  'auth_claims_missing',
  'auth_forbidden',
  'admin_action',
  'health_checked',
  'migration_applied',
  'migration_failed',
  'pre_token_mapped',
  'pre_token_unmapped',
  'pre_token_denied',
  'template_loaded',
  'llm_call',
  'db_query',
  'rate_limited',
  'handler_error',
  'audit_failed',
  'answer_not_audited',
  'uncaught_error',
  'server_starting',
  'eval_job_started',
  'eval_job_finished',
  'eval_job_failed',
  'eval_job_skipped',
  'conversation_turn_not_saved',
] as const;
export type SafeEventName = (typeof SAFE_EVENT_NAMES)[number];

/** Field names the service may log, each a number, a boolean or an identifier-like string. */
export const SAFE_FIELD_NAMES = [
  'requestId',
  'stage',
  'pipelineStage',
  'status',
  'reasonCode',
  'statusCode',
  'route',
  'method',
  'durationMs',
  'rowCount',
  'inputTokens',
  'outputTokens',
  'modelId',
  'templateName',
  'templateVersion',
  'coldStart',
  'errorName',
  'errorCode',
  'role',
  'migration',
  'count',
  'attempt',
  'mapped',
  'triggerSource',
  'jobId',
] as const;
export type SafeFieldName = (typeof SAFE_FIELD_NAMES)[number];
export type SafeValue = string | number | boolean;
export type SafeFields = Partial<Record<SafeFieldName, SafeValue>>;

/** The keys {@link SafeLogger.logAsk} emits besides Powertools' own (level, message, timestamp, service...). */
export const ASK_LOG_KEYS = [
  'requestId',
  'status',
  'reasonCode',
  'rowCount',
  'totalMs',
  'generateMs',
  'validateMs',
  'retrieveMs',
  'summarizeMs',
  'sqlInputTokens',
  'sqlOutputTokens',
  'summaryInputTokens',
  'summaryOutputTokens',
  'sqlCacheReadTokens',
  'sqlCacheWriteTokens',
  'modelId',
  'sqlTemplateVersion',
  'summaryTemplateVersion',
  'redactedCount',
] as const;

const SAFE_EVENTS: ReadonlySet<string> = new Set(SAFE_EVENT_NAMES);
const SAFE_FIELDS: ReadonlySet<string> = new Set(SAFE_FIELD_NAMES);

/** A value kept as is, or {@link REDACTED} when it could carry free text. */
export function sanitizeValue(value: unknown): SafeValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : REDACTED;
  if (typeof value === 'string' && SAFE_STRING.test(value)) return value;
  return REDACTED;
}

/**
 * Keeps allowlisted keys with safe values; counts what it dropped or redacted.
 *
 * @example
 * sanitizeFields({ reasonCode: 'SQL_NOT_SELECT', errorName: 'DROP TABLE x' })
 * // → { fields: { reasonCode: 'SQL_NOT_SELECT', errorName: '[REDACTED]' }, redactedCount: 1 }
 */
export function sanitizeFields(input: Record<string, unknown>): {
  fields: Record<string, SafeValue>;
  redactedCount: number;
} {
  const fields: Record<string, SafeValue> = {};
  let redactedCount = 0;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!SAFE_FIELDS.has(key)) {
      redactedCount++;
      continue;
    }
    const safe = sanitizeValue(value);
    if (safe === REDACTED) redactedCount++;
    fields[key] = safe;
  }
  return { fields, redactedCount };
}

export interface SafeLogger {
  /** One line per ask, with only the PHI-free telemetry fields. */
  logAsk(t: AskTelemetry): void;
  logEvent(event: SafeEventName, fields?: SafeFields): void;
  /** Logs the error's name and code (e.g. a SQLSTATE) only: messages can quote member data. */
  logError(event: SafeEventName, error: unknown, fields?: SafeFields): void;
  /** Adds the Lambda context (request id, function name, cold start) to the following lines. */
  addContext(context: Context): void;
  /** The deployment stage logged on every following line (the wiring sets it once, at start). */
  setStage(stage: string): void;
  /** The wrapped Powertools logger, for the middleware only. */
  readonly powertools: Logger;
}

export interface SafeLoggerOptions {
  /** Defaults to a new Powertools Logger for {@link SERVICE_NAME}. */
  readonly logger?: Logger;
  /** Deployment stage, logged on every line (default 'local'; the wiring calls `setStage`). */
  readonly stage?: string;
}

function stageMs(t: AskTelemetry, stage: Stage): number | undefined {
  return t.timings[stage];
}

/** Error name and code (only when both look like identifiers). */
export function errorFields(error: unknown): SafeFields {
  if (typeof error !== 'object' || error === null) return { errorName: 'NonError' };
  const { name, code } = error as { name?: unknown; code?: unknown };
  const out: SafeFields = { errorName: typeof name === 'string' ? name : 'Error' };
  if (typeof code === 'string' || typeof code === 'number') out.errorCode = String(code);
  return out;
}

/**
 * Creates the safe logger. Prints JSON lines through Powertools (stdout; errors on stderr).
 *
 * @example
 * const log = createSafeLogger();
 * log.logEvent('pre_token_mapped', { role: 'member', durationMs: 12 });
 */
export function createSafeLogger(options: SafeLoggerOptions = {}): SafeLogger {
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const setStage = (stage: string): void => logger.appendPersistentKeys({ stage: String(sanitizeValue(stage)) });
  setStage(options.stage ?? 'local');

  const emit = (level: 'info' | 'warn' | 'error', event: SafeEventName, raw: Record<string, unknown>): void => {
    const message = SAFE_EVENTS.has(event) ? event : 'unknown_event';
    const { fields, redactedCount } = sanitizeFields(raw);
    logger[level](message, redactedCount > 0 ? { ...fields, redactedCount } : fields);
  };

  return {
    logAsk(t) {
      const raw: Record<string, unknown> = {
        requestId: t.requestId,
        status: t.status,
        reasonCode: t.code,
        rowCount: t.rowCount,
        totalMs: t.timings.total,
        generateMs: stageMs(t, 'generate'),
        validateMs: stageMs(t, 'validate'),
        retrieveMs: stageMs(t, 'retrieve'),
        summarizeMs: stageMs(t, 'summarize'),
        sqlInputTokens: t.tokens.sql?.inputTokens,
        sqlOutputTokens: t.tokens.sql?.outputTokens,
        summaryInputTokens: t.tokens.summary?.inputTokens,
        summaryOutputTokens: t.tokens.summary?.outputTokens,
        sqlCacheReadTokens: t.tokens.sql?.cacheReadInputTokens,
        sqlCacheWriteTokens: t.tokens.sql?.cacheWriteInputTokens,
        modelId: t.modelId,
        sqlTemplateVersion: t.templateVersions.sql,
        summaryTemplateVersion: t.templateVersions.summary,
      };
      // The ask line has its own fixed keys; values still pass the same check.
      const fields: Record<string, SafeValue> = {};
      let redactedCount = 0;
      for (const key of ASK_LOG_KEYS) {
        const value = raw[key];
        if (value === undefined) continue;
        const safe = sanitizeValue(value);
        if (safe === REDACTED) redactedCount++;
        fields[key] = safe;
      }
      if (redactedCount > 0) fields.redactedCount = redactedCount;
      logger.info('ask_completed', fields);
    },
    logEvent(event, fields = {}) {
      emit('info', event, fields);
    },
    logError(event, error, fields = {}) {
      emit('error', event, { ...fields, ...errorFields(error) });
    },
    addContext(context) {
      logger.addContext(context);
    },
    setStage,
    powertools: logger,
  };
}

/** The process-wide safe logger. */
export const safeLogger: SafeLogger = createSafeLogger();
