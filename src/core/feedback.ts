/**
 * Feedback on an answer ("was this helpful?"), as stored: without rows or names (the question,
 * SQL and comment are masked: src/core/mask-names.ts) and without member or person ids.
 */

import type { RelationshipCode } from '../schema/catalog.ts';
import type { MemberScope } from './ports.ts';
import type { AskStatus, ReasonCode } from './reasons.ts';

/** Comment length, in characters. */
export const FEEDBACK_COMMENT_MAX = 500;

export interface FeedbackEntry {
  readonly requestId: string;
  readonly helpful: boolean;
  /** Masked; absent when the member wrote none. */
  readonly comment?: string;
  /** Masked question ({{first_name:spouse}}, {{member_id}}). */
  readonly question: string;
  /** The validated SQL, masked; absent when none ran. */
  readonly sql?: string;
  readonly status: AskStatus;
  readonly code: ReasonCode;
  /** How the asker relates to the subscriber (an evaluation case picks a demo person by it). */
  readonly askerRelationship: RelationshipCode;
}

/** `feedback`: keeps feedback, only on an answer of the signed-in person's own conversation. */
export interface FeedbackStore {
  /** False when the answer is not in one of this person's conversations (or it expired). */
  record(scope: MemberScope, entry: FeedbackEntry): Promise<boolean>;
}
