/**
 * `PgFeedbackStore`: the `feedback` port over the claims_app pool, through app.feedback_record
 * (migration 071), which checks the answer is in a conversation of this very person.
 */
import type pg from 'pg';
import type { FeedbackEntry, FeedbackStore } from '../core/feedback.ts';
import { isMemberId, isPersonId } from '../core/ids.ts';
import type { MemberScope } from '../core/ports.ts';
import { DbScopeError, toDbError } from './errors.ts';

export class PgFeedbackStore implements FeedbackStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async record(scope: MemberScope, e: FeedbackEntry): Promise<boolean> {
    if (!isMemberId(scope.memberId) || !isPersonId(scope.personId, scope.memberId))
      throw new DbScopeError('feedback needs the signed-in person');
    try {
      const res = await this.#pool.query<{ ok: boolean }>(
        'SELECT app.feedback_record($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10) AS ok',
        [
          e.requestId,
          scope.memberId,
          scope.personId,
          e.helpful,
          e.comment ?? null,
          e.question,
          e.sql ?? null,
          e.status,
          e.code,
          e.askerRelationship,
        ],
      );
      return res.rows[0]?.ok === true;
    } catch (err) {
      throw toDbError(err);
    }
  }
}
