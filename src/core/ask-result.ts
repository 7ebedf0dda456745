import type { Row } from './ports.ts';
import type { AskStatus, ReasonCode } from './reasons.ts';

export type Stage = 'generate' | 'validate' | 'retrieve' | 'summarize';

/** Milliseconds per stage that ran, and in total. */
export type StageTimings = Partial<Record<Stage, number>> & { total: number };

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Prompt-cache reads and writes (Bedrock prompt caching), when the model call used the cache. */
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

/**
 * What one ask produced. `answer` and `rows` are for the member only; the PHI-free part
 * (`requestId`, `status`, `code`, `timings`, `rowCount`, `tokens`, `modelId`) is what logs and
 * metrics may carry — see {@link telemetryOf}.
 */
export interface AskResult {
  readonly requestId: string;
  readonly status: AskStatus;
  readonly code: ReasonCode;
  readonly answer: string;
  /**
   * Family privacy: names of the people the question is about whose claims this person may not
   * see, so they are not in the answer (status `withheld`: the question was only about them).
   * Absent when nobody was left out. For the member only: never logged.
   */
  readonly notIncluded?: readonly string[];
  /** The SQL that was validated and run (absent when none was produced or it was rejected). */
  readonly sql?: string;
  readonly rows?: Row[];
  readonly rowCount: number;
  readonly timings: StageTimings;
  readonly tokens: Partial<Record<'sql' | 'summary', TokenUsage>>;
  readonly modelId?: string;
  readonly templateVersions: Partial<Record<'sql' | 'summary', number>>;
  /** The conversation this ask belongs to (set when it was asked in one: src/pipeline/conversation.ts). */
  readonly conversationId?: string;
  /**
   * "What I looked up", derived from the validated SQL (never from the model's words): a
   * sentence and its structured parts. Member data (names): for the member only.
   */
  readonly interpretation?: { readonly text: string; readonly parts: unknown };
  /**
   * Set when the model's summary failed the number guard and the answer was built from the rows
   * instead. The reason is a code (no figures, no member data).
   */
  readonly summaryGuard?: { readonly replaced: true; readonly reason: string };
}

/** The fields of an ask that are safe to log: no question, SQL, names, rows or answer. */
export interface AskTelemetry {
  readonly requestId: string;
  readonly status: AskStatus;
  readonly code: ReasonCode;
  readonly timings: StageTimings;
  readonly rowCount: number;
  readonly tokens: AskResult['tokens'];
  readonly modelId?: string;
  readonly templateVersions: AskResult['templateVersions'];
  /** The number guard's reason code when it replaced the summary. */
  readonly summaryGuard?: string;
}

/** Projects an ask onto its PHI-free telemetry fields (an allowlist, so new fields stay out by default). */
export function telemetryOf(r: AskResult): AskTelemetry {
  return {
    requestId: r.requestId,
    status: r.status,
    code: r.code,
    timings: r.timings,
    rowCount: r.rowCount,
    tokens: r.tokens,
    modelId: r.modelId,
    templateVersions: r.templateVersions,
    ...(r.summaryGuard ? { summaryGuard: r.summaryGuard.reason } : {}),
  };
}
