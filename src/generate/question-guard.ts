import { charCount } from '../core/chars.ts';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { LIMITS } from '../schema/catalog.ts';

/**
 * Refusals decided before any model sees the question: the model is told the same rules, but a
 * rule the code enforces does not depend on the model obeying it.
 */
const UNSAFE_PATTERNS: readonly RegExp[] = [
  // SQL carried in the question
  /\bselect\s+(\*|distinct\b|[\w.]+\s*,|\w+\s*\(|[a-z]+_[a-z_]+)[\s\S]*?\bfrom\b/i,
  /\b(insert\s+into|update\s+\w+\s+set|delete\s+from|(drop|alter|truncate|create)\s+(table|database|schema|role|user|function|view)|grant\s+\w+|revoke\s+\w+|copy\s+\w+\s+(from|to))\b/i,
  /--|\/\*|\*\/|\bunion\s+(all\s+)?select\b|\bpg_\w+|\binformation_schema\b/i,
  // attempts to change or reveal the instructions
  /\b(ignore|disregard|forget|override|bypass)\b[\s\S]{0,40}\b(instructions?|rules?|prompts?|above|previous|guardrails?)\b/i,
  /\b(system|hidden|original)\s+(prompt|instructions?|message)\b/i,
  /\b(reveal|print|show|repeat)\b[\s\S]{0,30}\b(prompt|instructions?|schema|sql)\b/i,
  /\byou are now\b|\bact as\b|\bdeveloper mode\b|\bjailbreak/i,
  // other people's data
  /\b(every|all|other)\s+(members?|families|patients|people's|users?)\b/i,
];

export type QuestionCheck =
  | { readonly ok: true; readonly question: string }
  | { readonly ok: false; readonly code: ReasonCode };

/**
 * Trims and checks a member's question.
 * @example
 * checkQuestion('  How many claims did I have?  ') // { ok: true, question: 'How many claims did I have?' }
 * checkQuestion('DROP TABLE claims_history;')     // { ok: false, code: 'QUESTION_UNSAFE' }
 */
export function checkQuestion(raw: unknown): QuestionCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, code: Reason.QUESTION_EMPTY };
  // Control characters are never part of a question typed in a chat box.
  const question = stripControlChars(raw).trim();
  if (charCount(question) > LIMITS.questionMaxChars) return { ok: false, code: Reason.QUESTION_TOO_LONG };
  if (UNSAFE_PATTERNS.some((p) => p.test(question))) return { ok: false, code: Reason.QUESTION_UNSAFE };
  return { ok: true, question };
}

/** Drops control characters except tab and newline (no regex: the linter rightly distrusts them there). */
function stripControlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c === 9 || c === 10 || (c >= 32 && c !== 127)) out += ch;
  }
  return out;
}
