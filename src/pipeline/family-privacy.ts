/**
 * Family privacy without an oracle. What a person is told depends only on claims they may see,
 * the family roster and the plan's policy, never on the claims of someone they may not see:
 * whether an answer is "I can't share that" is decided from WHO the SQL is about (its person
 * predicates evaluated on the roster), before and regardless of what the query returns.
 */
import type { FamilyMember } from '../core/ports.ts';
import { mayBeAbout, type Subjects, subjectsOf } from '../validate/subjects.ts';

export interface PrivacyDecision {
  /**
   * `visible`: about people this person may see only (or about nobody in the family): a normal
   * answer, "none" when there is none. `mixed`: about visible and hidden people: answer over the
   * visible ones and say whose claims are not included. `hidden`: about hidden people only:
   * "I can't share that", whatever their claims are.
   */
  readonly about: 'visible' | 'mixed' | 'hidden';
  /** Names of the people the question is about whose claims are not included (roster order). */
  readonly notIncluded: readonly string[];
}

/**
 * @example
 * decidePrivacy("SELECT count(*) FROM claims_history WHERE member_id = 1000000001 AND relationship_code = 'daughter'", roster)
 * // { about: 'hidden', notIncluded: ['Sophie Whitfield'] }
 */
export function decidePrivacy(sql: string, roster: readonly FamilyMember[]): PrivacyDecision {
  return decideFor(subjectsOf(sql), roster);
}

export function decideFor(subjects: Subjects, roster: readonly FamilyMember[]): PrivacyDecision {
  const about = roster.filter((person) => mayBeAbout(subjects, person));
  const hidden = about.filter((person) => !person.visible);
  const notIncluded = hidden.map((person) => person.name);
  if (hidden.length === 0) return { about: 'visible', notIncluded };
  return { about: hidden.length === about.length ? 'hidden' : 'mixed', notIncluded };
}

/**
 * The sentence added to an answer that leaves people out.
 * @example notIncludedNote(['Sophie Whitfield']) // 'Claims of Sophie Whitfield are not included: their information is private to them.'
 */
export function notIncludedNote(names: readonly string[]): string {
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `Claims of ${list} are not included: their information is private to them.`;
}
