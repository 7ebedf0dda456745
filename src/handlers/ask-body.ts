/**
 * What `POST /v1/ask` sends back, written once for the JSON answer and the streamed one.
 */
import type { AskResult } from '../core/ask-result.ts';
import { claimsTable } from '../core/claims-table.ts';
import { AskStatus, Reason } from '../core/reasons.ts';

/** The conversation fields an ask asked inside a conversation adds (src/pipeline/conversation.ts). */
export interface ConversationFields {
  readonly conversationId?: string;
  readonly conversationRestarted?: boolean;
}

/**
 * The member-facing body: never SQL, never the prompt. `table` holds the rows the answer was
 * built from (at most the row cap), with column labels in member words (src/core/claims-table.ts),
 * on answers only. `conversationId` is there when the ask was part of a conversation;
 * `conversationRestarted` only when the named one could not be continued.
 *
 * @example
 * askResponseBody(result) // { status: 'answered', code: 'OK', answer: '…', requestId, rowCount: 1, conversationId }
 */
export function askResponseBody(r: AskResult & ConversationFields, requestId: string): Record<string, unknown> {
  const table = r.status === AskStatus.ANSWERED ? claimsTable(r.rows) : undefined;
  return {
    status: r.status,
    code: r.code,
    answer: r.answer,
    requestId,
    rowCount: r.rowCount,
    // notIncluded (family privacy: whose claims the answer leaves out) only when someone was.
    ...(r.notIncluded ? { notIncluded: r.notIncluded } : {}),
    // What was looked up, read from the validated SQL: whenever SQL passed validation.
    ...(r.interpretation ? { interpretation: r.interpretation } : {}),
    ...(table ? { table } : {}),
    ...(r.conversationId ? { conversationId: r.conversationId } : {}),
    ...(r.conversationRestarted ? { conversationRestarted: true } : {}),
  };
}

/** Outcomes the pipeline handled are 200s; failures of our parts are 5xx with the same body. */
export function askStatusCode(r: AskResult): number {
  if (r.status !== AskStatus.ERROR) return 200;
  return r.code === Reason.INTERNAL ? 500 : 503;
}
