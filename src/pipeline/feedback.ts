/**
 * Feedback on one answer: found by its request id in the signed-in person's own conversation
 * (the client sends only the id, a yes/no and an optional comment), stored without rows or names.
 */
import type { ConversationStore } from '../core/conversation.ts';
import { FEEDBACK_COMMENT_MAX, type FeedbackStore } from '../core/feedback.ts';
import { maskNames } from '../core/mask-names.ts';
import type { MemberDb, MemberScope } from '../core/ports.ts';

export interface FeedbackInput {
  readonly requestId: string;
  /** From verified identity only. */
  readonly scope: MemberScope;
  readonly helpful: boolean;
  readonly comment?: string;
}

export interface FeedbackPorts {
  readonly conversations: ConversationStore;
  readonly feedback: FeedbackStore;
  readonly db: Pick<MemberDb, 'roster'>;
}

/**
 * 'recorded', or 'not_found' when the answer is not one of this person's (or its conversation
 * has ended): someone else's answer reads the same as no answer.
 * @example
 * await recordFeedback({ requestId, scope, helpful: false, comment: 'That is not my pharmacy.' }, ports)
 */
export async function recordFeedback(input: FeedbackInput, ports: FeedbackPorts): Promise<'recorded' | 'not_found'> {
  // Side by side: the turn (writer) and the family's names to mask (reader) do not depend on each other.
  const [turn, roster] = await Promise.all([
    ports.conversations.turnOf(input.requestId, input.scope),
    ports.db.roster(input.scope),
  ]);
  if (!turn) return 'not_found';
  const self = roster.find((p) => p.self);
  const mask = (text: string) => maskNames(text, roster, input.scope.memberId);
  const comment = input.comment?.trim().slice(0, FEEDBACK_COMMENT_MAX);
  const recorded = await ports.feedback.record(input.scope, {
    requestId: input.requestId,
    helpful: input.helpful,
    ...(comment ? { comment: mask(comment).slice(0, FEEDBACK_COMMENT_MAX) } : {}),
    question: mask(turn.question),
    ...(turn.sql ? { sql: mask(turn.sql) } : {}),
    status: turn.status,
    code: turn.code,
    askerRelationship: self?.relationship ?? 'subscriber',
  });
  return recorded ? 'recorded' : 'not_found';
}
