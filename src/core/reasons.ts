import type { NotInData } from '../schema/benefit-words.ts';

/**
 * Stable reason codes. Integrators, logs, metrics and the eval harness key on these strings:
 * add new ones, never rename.
 */
export const Reason = {
  OK: 'OK',
  // question checks
  QUESTION_EMPTY: 'QUESTION_EMPTY',
  QUESTION_TOO_LONG: 'QUESTION_TOO_LONG',
  QUESTION_UNSAFE: 'QUESTION_UNSAFE',
  // generation
  CANNOT_ANSWER: 'CANNOT_ANSWER',
  /** Part of the question could not be expressed over the claims: said, never silently dropped. */
  PARTLY_UNDERSTOOD: 'PARTLY_UNDERSTOOD',
  /** A follow-up ("and last year?") with no earlier question in the conversation to complete it. */
  NEEDS_CONTEXT: 'NEEDS_CONTEXT',
  /** Needs data the product does not hold (prior authorization, finding a doctor, cost estimates, premiums). */
  NOT_IN_CLAIMS_DATA: 'NOT_IN_CLAIMS_DATA',
  LLM_NO_SQL: 'LLM_NO_SQL',
  LLM_ERROR: 'LLM_ERROR',
  // validator (one per rule)
  SQL_EMPTY: 'SQL_EMPTY',
  SQL_TOO_LONG: 'SQL_TOO_LONG',
  SQL_PARSE_ERROR: 'SQL_PARSE_ERROR',
  SQL_MULTIPLE_STATEMENTS: 'SQL_MULTIPLE_STATEMENTS',
  SQL_NOT_SELECT: 'SQL_NOT_SELECT',
  SQL_COMMENT: 'SQL_COMMENT',
  SQL_SELECT_INTO: 'SQL_SELECT_INTO',
  SQL_LOCKING_CLAUSE: 'SQL_LOCKING_CLAUSE',
  SQL_TABLE_NOT_ALLOWED: 'SQL_TABLE_NOT_ALLOWED',
  SQL_COLUMN_NOT_ALLOWED: 'SQL_COLUMN_NOT_ALLOWED',
  /** `*` over a member table: the SQL must name the catalog's columns (count(*) is fine). */
  SQL_SELECT_STAR: 'SQL_SELECT_STAR',
  SQL_FUNCTION_NOT_ALLOWED: 'SQL_FUNCTION_NOT_ALLOWED',
  SQL_CAST_NOT_ALLOWED: 'SQL_CAST_NOT_ALLOWED',
  SQL_MISSING_MEMBER_SCOPE: 'SQL_MISSING_MEMBER_SCOPE',
  SQL_WRONG_MEMBER: 'SQL_WRONG_MEMBER',
  SQL_SCOPE_ESCAPE: 'SQL_SCOPE_ESCAPE',
  SQL_CARTESIAN_PRODUCT: 'SQL_CARTESIAN_PRODUCT',
  /** Too deep or too large to check within a few milliseconds (nesting, tokens, expression size). */
  SQL_TOO_COMPLEX: 'SQL_TOO_COMPLEX',
  /** Would cost too much to run (joined relations, or the database's own plan estimate). */
  SQL_TOO_EXPENSIVE: 'SQL_TOO_EXPENSIVE',
  SQL_UNSUPPORTED: 'SQL_UNSUPPORTED',
  // retrieval
  NO_ROWS: 'NO_ROWS',
  TOO_MANY_ROWS: 'TOO_MANY_ROWS',
  WITHHELD: 'WITHHELD',
  DB_TIMEOUT: 'DB_TIMEOUT',
  DB_ERROR: 'DB_ERROR',
  /** The database could not be reached or dropped the connection: try again shortly (HTTP 503). */
  DB_UNAVAILABLE: 'DB_UNAVAILABLE',
  // summarization and the rest
  SUMMARY_ERROR: 'SUMMARY_ERROR',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;

export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/** Outcome families the API reports as `status`. */
export const AskStatus = {
  ANSWERED: 'answered',
  NEEDS_DETAIL: 'needs_detail',
  REFUSED: 'refused',
  WITHHELD: 'withheld',
  ERROR: 'error',
} as const;

export type AskStatus = (typeof AskStatus)[keyof typeof AskStatus];

const CUSTOMER_SERVICE = 'If you need more help, our customer service team is happy to assist.';

/** What the member reads for each outcome: plain, kind, never technical. */
export function friendlyMessage(code: ReasonCode): string {
  switch (code) {
    case Reason.QUESTION_EMPTY:
      return 'Please type a question about your claims, for example "How much did I spend on prescriptions this year?"';
    case Reason.QUESTION_TOO_LONG:
      return 'That question is a little long for me. Could you ask it in fewer words?';
    case Reason.QUESTION_UNSAFE:
      return `I can only answer questions about your own claims, in everyday words. ${CUSTOMER_SERVICE}`;
    case Reason.CANNOT_ANSWER:
    case Reason.LLM_NO_SQL:
      return 'I\'m not sure how to answer that from your claims. Could you ask in another way, for example "How many doctor visits did I have last year?"';
    case Reason.PARTLY_UNDERSTOOD:
      return 'I understood only part of that question, so I did not look anything up. Could you ask it again in other words?';
    case Reason.NEEDS_CONTEXT:
      return 'I\'m not sure what that refers to. Could you ask the whole question, for example "How many claims did my son have last year?"';
    case Reason.NOT_IN_CLAIMS_DATA:
      return notInDataMessage(undefined);
    case Reason.NO_ROWS:
      return "I didn't find any claims that match. Could you add a little more detail, like a date, a person or a provider?";
    case Reason.TOO_MANY_ROWS:
      return 'That matches a lot of claims. Could you narrow it down, for example to one person, one year or one provider?';
    case Reason.WITHHELD:
      return "I can't share that. Those claims belong to someone in your family whose information is private to them.";
    case Reason.RATE_LIMITED:
      return "You've asked a lot of questions in a short time. Please wait a minute and try again.";
    case Reason.SQL_TOO_COMPLEX:
    case Reason.SQL_TOO_EXPENSIVE:
      return 'That question needs a bigger search than I can do at once. Could you ask about one person, one year or one kind of claim?';
    case Reason.DB_UNAVAILABLE:
      return "I can't reach your claims right now. Please try again in a minute.";
    case Reason.DB_TIMEOUT:
      return 'That took longer than expected. Please try again in a moment, or ask about a shorter period or a single person.';
    default:
      if (code.startsWith('SQL_')) {
        return `I couldn't look that up safely. Could you ask it in another way? ${CUSTOMER_SERVICE}`;
      }
      return `Sorry, something went wrong on our side. Please try again in a moment. ${CUSTOMER_SERVICE}`;
  }
}

const NOT_IN_DATA_WORDS: Readonly<Record<NotInData, string>> = {
  prior_authorization: 'prior authorizations and referrals',
  provider_search: 'which doctors or providers are in your network',
  cost_estimate: 'cost estimates for care you have not had yet',
  premium: 'your premium',
  dental: 'dental claims or dental benefits (dental coverage is usually a separate plan)',
};

/**
 * The refusal for a question that needs data the product does not hold, with where to get help.
 *
 * @example
 * notInDataMessage('prior_authorization')
 */
export function notInDataMessage(topic: NotInData | undefined): string {
  const what = topic ? NOT_IN_DATA_WORDS[topic] : 'that';
  return `I can look up your claims, your plan's benefits, your deductible and out-of-pocket totals and the status of your claims, but I can't see ${what}. Please call customer service at the number on the back of your member ID card; they can help you with that.`;
}
