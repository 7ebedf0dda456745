/**
 * The evaluation set format (JSON Lines, one case per line; blank lines and lines starting with
 * `//` or `#` are comments):
 *
 *   {"id": "count-rx-this-year", "member": "1000000001", "person": "1000000001-02",
 *    "question": "How many prescription claims did I have this year?",
 *    "expected": {"sql": "SELECT count(*) FROM claims_history WHERE ... "}}
 *   {"id": "write-delete", "member": "1000000001", "question": "Delete my claims",
 *    "expected": {"refusal": "QUESTION_UNSAFE"}}
 *   {"id": "deductible-self", "kind": "deductible", "member": "1000000001", "question": "How much of my deductible is left?",
 *    "expected": {"sql": "SELECT <the figures, computed another way>", "contains": true}}
 *
 * `person` is optional (default: the subscriber). Reference SQL may use `{{today}}` (the run's
 * date, 'YYYY-MM-DD', the same `<today>` the model sees) and `{{member_id}}`; write relative dates
 * with PostgreSQL date arithmetic, e.g. `DATE '{{today}}' - INTERVAL '12 months'`.
 * `refusal` is a reason code (src/core/reasons.ts) or an outcome status ('withheld').
 *
 * Multi-turn cases: `"before": ["earlier question", ...]` are asked first, in order, in one
 * conversation of the same person; `question` is then asked in it as a follow-up, and only its
 * outcome is scored against `expected`.
 * Optional: `"kind"` — the question kind the report groups by (default: the id up to its first
 * '-'); `"who"` — the first names whose claims the answer's interpretation must name, or
 * `["family"]` for everyone the asker may see (checked on answers and on withheld outcomes).
 */
import { Reason } from '../core/reasons.ts';

export interface EvalCase {
  readonly id: string;
  /** The question's kind ('deductible', 'pending', ...): the set's `kind`, else the id up to its first '-'. */
  readonly kind?: string;
  readonly member: string;
  readonly person?: string;
  readonly question: string;
  /**
   * `contains`: the reference states the figures the answer must hold (computed another way); each
   * generated row must contain its reference row's values. Otherwise the result sets must be equal.
   */
  readonly expected: { readonly sql: string; readonly contains?: boolean } | { readonly refusal: string };
  /** Earlier questions of the same conversation, asked first (multi-turn cases). */
  readonly before?: readonly string[];
  /** First names the interpretation must name (or ['family']). */
  readonly who?: readonly string[];
}

/** A line of the set that is not a valid case: the message names the line, never its text. */
export class EvalSetError extends Error {
  override readonly name = 'EvalSetError';
}

const STATUSES = new Set(['refused', 'withheld', 'needs_detail', 'error']);

/**
 * Parses an evaluation set.
 * @example
 * parseCases('{"member":"1000000001","question":"How many claims?","expected":{"refusal":"CANNOT_ANSWER"}}')
 */
export function parseCases(text: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('#')) return;
    const where = `line ${i + 1}`;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new EvalSetError(`${where}: not valid JSON`);
    }
    if (typeof v !== 'object' || v === null) throw new EvalSetError(`${where}: a case is a JSON object`);
    const member = v.member;
    if (typeof member !== 'string' || !/^[1-9]\d{9}$/.test(member))
      throw new EvalSetError(`${where}: "member" must be a 10-digit member id`);
    const person = v.person;
    if (person !== undefined && (typeof person !== 'string' || !person.startsWith(`${member}-`)))
      throw new EvalSetError(`${where}: "person" must be <member>-NN`);
    if (typeof v.question !== 'string' || v.question.trim() === '')
      throw new EvalSetError(`${where}: "question" is required`);
    const e = v.expected as Record<string, unknown> | undefined;
    let expected: EvalCase['expected'];
    if (typeof e?.sql === 'string' && e.sql.trim() !== '')
      expected = e.contains === true ? { sql: e.sql, contains: true } : { sql: e.sql };
    else if (typeof e?.refusal === 'string' && (Object.hasOwn(Reason, e.refusal) || STATUSES.has(e.refusal)))
      expected = { refusal: e.refusal };
    else throw new EvalSetError(`${where}: "expected" needs {"sql": "..."} or {"refusal": "<reason code>"}`);
    const id = typeof v.id === 'string' && v.id !== '' ? v.id : `line-${i + 1}`;
    if (ids.has(id)) throw new EvalSetError(`${where}: duplicate id ${id}`);
    ids.add(id);
    const before = v.before;
    if (
      before !== undefined &&
      !(Array.isArray(before) && before.length > 0 && before.every((q) => typeof q === 'string' && q.trim() !== ''))
    )
      throw new EvalSetError(`${where}: "before" must be a non-empty list of earlier questions`);
    if (v.kind !== undefined && (typeof v.kind !== 'string' || !/^[a-z][a-z0-9_-]{0,39}$/.test(v.kind)))
      throw new EvalSetError(`${where}: "kind" must be a short lower-case word`);
    const kind = typeof v.kind === 'string' ? v.kind : (id.split('-')[0] ?? id);
    const who = v.who;
    if (who !== undefined && !(Array.isArray(who) && who.every((w) => typeof w === 'string' && w !== '')))
      throw new EvalSetError(`${where}: "who" must be a list of first names`);
    cases.push({
      id,
      kind,
      member,
      ...(person ? { person } : {}),
      question: v.question,
      expected,
      ...(before ? { before: before as string[] } : {}),
      ...(who ? { who: who as string[] } : {}),
    });
  });
  return cases;
}

/**
 * Fills `{{today}}` and `{{member_id}}` in reference SQL.
 * @example
 * fillReference("claim_date >= DATE '{{today}}' - INTERVAL '1 month'", '2026-03-01', '1000000001')
 */
export function fillReference(sql: string, today: string, memberId: string): string {
  return sql.replace(/\{\{\s*today\s*\}\}/g, today).replace(/\{\{\s*member_id\s*\}\}/g, memberId);
}
