/**
 * Feedback for admins: what members said about answers (stored without rows or names, migration
 * 071), and evaluation cases made from it in one click. A case runs for the demo family's person
 * with the asker's relationship, with that family's names put back into the question and SQL
 * (src/core/mask-names.ts): the evaluation set stays synthetic. Feedback that an answer helped
 * makes a regression case expecting the same outcome; feedback that it did not makes a "disputed"
 * case, listed for review and not scored until an admin sets what was expected.
 */
import type pg from 'pg';
import { fillNames } from '../core/mask-names.ts';
import type { FamilyMember } from '../core/ports.ts';
import { DEMO_MEMBER_IDS } from '../db/seed/lists.ts';
import type { EvalCase } from '../eval/cases.ts';
import type { RelationshipCode } from '../schema/catalog.ts';
import { AdminError, AdminErrorCode } from './errors.ts';

export interface FeedbackItem {
  readonly id: number;
  readonly requestId: string;
  readonly helpful: boolean;
  readonly comment: string | null;
  readonly question: string;
  readonly sql: string | null;
  readonly status: string;
  readonly code: string;
  readonly askerRelationship: RelationshipCode;
  readonly at: string;
  /** The evaluation case made from it, if one was. */
  readonly caseId: string | null;
}

export interface StoredCase extends EvalCase {
  readonly disputed: boolean;
  readonly feedbackId: number | null;
  readonly createdBy: string;
}

interface FeedbackRow {
  feedback_id: number;
  request_id: string;
  helpful: boolean;
  comment: string | null;
  question: string;
  validated_sql: string | null;
  status: string;
  reason_code: string;
  asker_relationship: RelationshipCode;
  updated_at: string;
  case_id: string | null;
}

/** The demo family whose people an evaluation case from feedback runs as. */
function demoFamilyFor(relationship: RelationshipCode): string {
  return relationship === 'other' ? DEMO_MEMBER_IDS.grandparent : DEMO_MEMBER_IDS.family;
}

/**
 * @example
 * const review = new FeedbackReview(pool);
 * const created = await review.toCase(12, 'admin-subject');
 */
export class FeedbackReview {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Newest first. */
  async list(limit = 100): Promise<FeedbackItem[]> {
    const res = await this.#pool.query<FeedbackRow>(
      `SELECT f.feedback_id, f.request_id, f.helpful, f.comment, f.question, f.validated_sql, f.status, f.reason_code,
              f.asker_relationship, f.updated_at, c.case_id
       FROM public.answer_feedback f LEFT JOIN public.eval_cases c ON c.feedback_id = f.feedback_id
       ORDER BY f.updated_at DESC, f.feedback_id DESC LIMIT $1`,
      [Math.min(Math.max(1, limit), 500)],
    );
    return res.rows.map((r) => ({
      id: Number(r.feedback_id),
      requestId: r.request_id,
      helpful: r.helpful,
      comment: r.comment,
      question: r.question,
      sql: r.validated_sql,
      status: r.status,
      code: r.reason_code,
      askerRelationship: r.asker_relationship,
      at: r.updated_at,
      caseId: r.case_id,
    }));
  }

  /** Makes the evaluation case of one piece of feedback (once; CONFLICT when it exists). */
  async toCase(feedbackId: number, actor: string): Promise<StoredCase> {
    const found = (await this.list(500)).find((f) => f.id === feedbackId);
    if (!found) throw new AdminError(AdminErrorCode.FEEDBACK_NOT_FOUND, 'No feedback with that id.');
    if (found.caseId)
      throw new AdminError(AdminErrorCode.CONFLICT, `Feedback ${feedbackId} is already ${found.caseId}.`);
    const member = demoFamilyFor(found.askerRelationship);
    const roster = await this.#roster(member);
    const person = roster.find((p) => p.relationship === found.askerRelationship) ?? roster[0];
    if (!person) throw new AdminError(AdminErrorCode.FEEDBACK_NOT_FOUND, 'The demo family is not seeded.');
    const people: FamilyMember[] = roster.map((p) => ({ ...p, self: p.personId === person.personId }));
    const question = fillNames(found.question, people);
    // What the product did: the SQL that ran (its result set is compared), or the refusal's code.
    const expected = found.sql ? { sql: fillNames(found.sql, people) } : { refusal: found.code };
    const id = `feedback-${feedbackId}`;
    try {
      await this.#pool.query(
        `INSERT INTO public.eval_cases (case_id, feedback_id, member, person, question, expected, kind, disputed, created_by)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'feedback', $7, $8)`,
        [id, feedbackId, member, person.personId, question, JSON.stringify(expected), !found.helpful, actor],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new AdminError(AdminErrorCode.CONFLICT, `Feedback ${feedbackId} is already a case.`, { cause: err });
      throw err;
    }
    return {
      id,
      member,
      person: person.personId,
      question,
      expected,
      disputed: !found.helpful,
      feedbackId,
      createdBy: actor,
    };
  }

  /** Every stored case (disputed ones too). */
  async cases(): Promise<StoredCase[]> {
    const res = await this.#pool.query<{
      case_id: string;
      feedback_id: number | null;
      member: string;
      person: string | null;
      question: string;
      expected: string;
      disputed: boolean;
      created_by: string;
    }>(
      'SELECT case_id, feedback_id, member, person, question, expected::text AS expected, disputed, created_by FROM public.eval_cases ORDER BY created_at',
    );
    return res.rows.map((r) => ({
      id: r.case_id,
      member: r.member,
      ...(r.person ? { person: r.person } : {}),
      question: r.question,
      expected: JSON.parse(r.expected) as EvalCase['expected'],
      disputed: r.disputed,
      feedbackId: r.feedback_id === null ? null : Number(r.feedback_id),
      createdBy: r.created_by,
    }));
  }

  async #roster(member: string): Promise<(FamilyMember & { personId: string })[]> {
    const res = await this.#pool.query<{ person_id: string; name: string; relationship_code: RelationshipCode }>(
      'SELECT person_id, name, relationship_code FROM app.family_roster($1::bigint, NULL) ORDER BY person_id',
      [member],
    );
    return res.rows.map((r) => ({
      personId: r.person_id,
      name: r.name,
      relationship: r.relationship_code,
      visible: true,
      self: false,
    }));
  }
}

/**
 * The evaluation set with the cases made from feedback: the file's cases, then the stored ones
 * that are not disputed (a disputed case has no agreed expectation yet).
 * @example
 * const cases = withFeedbackCases(casesFromFile(), new FeedbackReview(pool));
 */
export function withFeedbackCases(
  fileCases: () => Promise<readonly EvalCase[]>,
  review: Pick<FeedbackReview, 'cases'>,
): () => Promise<readonly EvalCase[]> {
  return async () => {
    const [fromFile, stored] = await Promise.all([fileCases(), review.cases().catch(() => [] as StoredCase[])]);
    const ids = new Set(fromFile.map((c) => c.id));
    const extra = stored
      .filter((c) => !c.disputed && !ids.has(c.id))
      .map(({ disputed: _d, feedbackId: _f, createdBy: _c, ...c }) => c);
    return [...fromFile, ...extra];
  };
}
