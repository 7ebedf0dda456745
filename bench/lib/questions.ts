/**
 * The common question kinds, one phrasing each, that the offline engine answers with SQL:
 * the stand-in for the eval set when eval/cases.jsonl is absent. Questions are fixed bench
 * text (no member data); the member ids they run for are synthetic.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const COMMON_QUESTIONS: readonly string[] = [
  'How many claims did I have this year?',
  'How many claims did our family have last year?',
  'How much did I spend on prescriptions this year?',
  'What is our total spend over the last 12 months?',
  'How much did the plan pay for my wife last year?',
  'What was my out of pocket cost this year?',
  'What was my most expensive claim?',
  'When was my last doctor visit?',
  'Which doctor did I see the most?',
  'Which providers did I visit?',
  'How many different doctors did my kids see?',
  'How many pharmacy claims did I have?',
  'How many claims in the last 3 months?',
  'What did we spend?',
];

/**
 * Benefit and claim-status question kinds (issue 14), one phrasing each: the offline engine's SQL
 * for them reads the accumulators, plan views, visit counts and claim status. The bench reports
 * latency and the EXPLAINed indexes per kind.
 */
export const BENEFIT_KINDS: readonly { readonly kind: string; readonly question: string }[] = [
  { kind: 'deductible left', question: 'How much of my deductible is left this year?' },
  { kind: 'family out-of-pocket maximum', question: 'Have we met our family out-of-pocket maximum?' },
  { kind: 'copay', question: "What's my copay to see a specialist?" },
  {
    kind: 'visits left (physical therapy)',
    question: 'Is physical therapy covered, and how many visits do I have left?',
  },
  { kind: 'visits left (chiropractic)', question: 'How many chiropractic visits do I have left this year?' },
  { kind: 'visits left (all limited services)', question: 'How many visits do I have left?' },
  { kind: 'claim status', question: 'Was my claim from Riverside Clinic paid?' },
  { kind: 'pending', question: 'Which of my claims are still pending?' },
  { kind: 'denial reason', question: 'Why was my claim denied and what can I do?' },
];
export const BENEFIT_QUESTIONS: readonly string[] = BENEFIT_KINDS.map((k) => k.question);

/** A question that lists every claim of the family: more rows than the row cap at scale. */
export const LIST_EVERYTHING = 'Show all our claims';

export const EVAL_CASES = fileURLToPath(new URL('../../eval/cases.jsonl', import.meta.url));

/**
 * The eval set's reference SQL (eval/cases.jsonl: `//` comment lines, then one JSON case a line;
 * SQL cases carry `expected.sql` with `{{today}}`/`{{member_id}}` placeholders and the demo
 * `member` they were written for), or undefined when the file is absent or holds no SQL cases.
 * @example const evalSql = loadEvalSql(); // [{ sql, memberId }] | undefined
 */
export function loadEvalSql(file = EVAL_CASES): { sql: string; memberId: string }[] | undefined {
  if (!existsSync(file)) return undefined;
  const out: { sql: string; memberId: string }[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.trim();
    if (!text || text.startsWith('//')) continue;
    const c = JSON.parse(text) as { member?: unknown; expected?: { sql?: unknown } };
    if (typeof c.expected?.sql === 'string' && typeof c.member === 'string')
      out.push({ sql: c.expected.sql, memberId: c.member });
  }
  return out.length ? out : undefined;
}
