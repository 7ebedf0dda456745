/**
 * The offline engine: a deterministic `Llm` for local runs and tests. It reads the same
 * tagged prompt a real model reads and answers the same contract (`<sql>…</sql>`,
 * `<sql>NULL</sql>`, or plain text for summaries). No network.
 */
import { readHistory } from '../../core/conversation.ts';
import { isMemberId } from '../../core/ids.ts';
import { detectLanguage } from '../../core/language.ts';
import type { Asker, Llm, LlmPurpose, LlmRequest, LlmResponse, Row } from '../../core/ports.ts';
import { escapeTagContent, readTag } from '../../core/prompt-tags.ts';
import { parseRosterText } from '../../core/roster.ts';
import { RELATIONSHIP_CODES, type RelationshipCode } from '../../schema/catalog.ts';
import { resolveBenefitFollowUp } from './benefit-follow-up.ts';
import { benefitSummaryReply, summarizeBenefit } from './benefit-summary.ts';
import { type BenefitContext, benefitSqlReply, writeBenefitSql } from './benefits.ts';
import { type CalendarDate, parseIsoDate, todayUtc } from './dates.ts';
import { type Resolution, resolveQuestion } from './follow-up.ts';
import { type Intent, questionRefusal } from './question.ts';
import { writeSql } from './sql-writer.ts';
import { summarize } from './summary.ts';

export const OFFLINE_MODEL_ID = 'offline-engine-v1';

export const NULL_SQL_REPLY = '<sql>NULL</sql>';

/** ~4 characters per token, like the usual rule of thumb for English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * 'Maria Lopez (subscriber)' → { name, relationship }.
 *
 * @example
 * parseAsker('Liam Lopez (son)') // { name: 'Liam Lopez', relationship: 'son' }
 */
export function parseAsker(text: string | undefined): Asker | undefined {
  const m = /^(.+?)\s*\(([a-z]+)\)$/i.exec(text?.trim() ?? '');
  const relationship = m?.[2]?.toLowerCase();
  if (!m?.[1] || !relationship || !(RELATIONSHIP_CODES as readonly string[]).includes(relationship)) return undefined;
  return { name: m[1].trim(), relationship: relationship as RelationshipCode };
}

function todayOf(prompt: string): CalendarDate {
  return parseIsoDate(readTag(prompt, 'today') ?? '') ?? todayUtc();
}

/** What the benefit module needs from a prompt (benefits.ts). */
function benefitContext(prompt: string): BenefitContext {
  const asker = parseAsker(readTag(prompt, 'asker'));
  const roster = parseRosterText(readTag(prompt, 'roster'));
  return { today: todayOf(prompt), ...(asker ? { asker } : {}), ...(roster.length ? { roster } : {}) };
}

/** The question read in its conversation (`<history>`): on its own, or completed from the earlier turns. */
function resolutionOf(prompt: string, memberId: string): Resolution {
  return resolveQuestion(readTag(prompt, 'question') ?? '', readHistory(prompt), {
    memberId,
    today: todayOf(prompt),
    roster: parseRosterText(readTag(prompt, 'roster')),
  });
}

function intentOf(prompt: string, memberId: string): Intent | undefined {
  const r = resolutionOf(prompt, memberId);
  if (r.kind === 'resolved') return r.notUnderstood.length === 0 ? r.intent : undefined;
  return r.kind === 'standalone' && r.parsed.ok && r.parsed.notUnderstood.length === 0 ? r.parsed.intent : undefined;
}

export const NEEDS_CONTEXT_REPLY = '<sql>NEEDS_CONTEXT</sql>';

/** Words of the question the engine could not place, for the `<not_understood>` tag (escaped). */
function notUnderstoodTag(words: readonly string[] | undefined): string {
  if (!words?.length) return '';
  return `<not_understood>${escapeTagContent(words.slice(0, 6).join(', '))}</not_understood>`;
}

/**
 * The reply to a SQL prompt: `<sql>SELECT …</sql>`, or `<sql>NULL</sql>`; with
 * `<not_understood>…</not_understood>` naming the words it could not place (then the SQL, if
 * any, covers only the understood part and must not be run as the answer).
 *
 * @example
 * sqlReply('<member_id>1000000001</member_id><today>2026-11-25</today><question>How many claims this year?</question>')
 */
export function sqlReply(prompt: string): string {
  const memberId = readTag(prompt, 'member_id') ?? '';
  if (!isMemberId(memberId)) return NULL_SQL_REPLY;
  // Benefit and claim-status questions stand on their own (benefits.ts); the rest may follow up.
  // A question refused as it stands ("delete my pending claim") is refused whatever it mentions.
  const question = readTag(prompt, 'question') ?? '';
  const refused = questionRefusal(question, { memberId }) !== undefined;
  // A follow-up of a benefit question ("and for the family?") changes that question.
  const follow = refused ? undefined : resolveBenefitFollowUp(question, readHistory(prompt), benefitContext(prompt));
  if (follow?.kind === 'needs_context') return NEEDS_CONTEXT_REPLY;
  if (follow?.kind === 'unclear') return `${NULL_SQL_REPLY}${notUnderstoodTag(follow.words)}`;
  if (follow?.kind === 'resolved')
    return `<sql>${writeBenefitSql(follow.intent, memberId, parseAsker(readTag(prompt, 'asker')))}</sql>`;
  const benefit = refused ? undefined : benefitSqlReply(question, memberId, benefitContext(prompt));
  if (benefit !== undefined) return benefit;
  const r = resolutionOf(prompt, memberId);
  if (r.kind === 'needs_context') return NEEDS_CONTEXT_REPLY;
  if (r.kind === 'refused') return NULL_SQL_REPLY;
  if (r.kind === 'resolved')
    return `<sql>${writeSql(r.intent, memberId, parseAsker(readTag(prompt, 'asker')))}</sql>${notUnderstoodTag(r.notUnderstood)}`;
  const p = r.parsed;
  if (!p.ok) return `${NULL_SQL_REPLY}${notUnderstoodTag(p.notUnderstood)}`;
  return `<sql>${writeSql(p.intent, memberId, parseAsker(readTag(prompt, 'asker')))}</sql>${notUnderstoodTag(p.notUnderstood)}`;
}

function rowsOf(text: string | undefined): Row[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed)
      ? parsed.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r))
      : undefined;
  } catch {
    return undefined;
  }
}

/** The benefit answer for a summary prompt: its question read on its own, or as a benefit follow-up (`<history>`). */
function benefitSummaryOf(prompt: string, rows: readonly Row[], rowCount: number): string | undefined {
  const question = readTag(prompt, 'question') ?? '';
  const ctx = benefitContext(prompt);
  const follow = resolveBenefitFollowUp(question, readHistory(prompt), ctx);
  if (follow?.kind === 'resolved') return summarizeBenefit(follow.intent, rows, rowCount);
  return benefitSummaryReply(question, rows, rowCount, ctx);
}

/** The reply to a summary prompt: plain text built from `<question>`, `<rows>` and `<row_count>`. */
export function summaryReply(prompt: string): string {
  const rows = rowsOf(readTag(prompt, 'rows'));
  if (!rows) return "Sorry, I couldn't read the results of your question. Please try again.";
  const count = Number(readTag(prompt, 'row_count'));
  const rowCount = Number.isSafeInteger(count) && count >= 0 ? count : rows.length;
  const benefit = benefitSummaryOf(prompt, rows, rowCount);
  if (benefit !== undefined) return benefit;
  const intent = intentOf(prompt, readTag(prompt, 'member_id') ?? '');
  const lang = detectLanguage(readTag(prompt, 'question') ?? '');
  return summarize({ rows, rowCount, lang, ...(intent ? { intent } : {}) });
}

/** The purpose a prompt was rendered for: `<rows>` appears only in the summary template. */
export function purposeOf(prompt: string): LlmPurpose {
  return readTag(prompt, 'rows') !== undefined ? 'summary' : 'sql';
}

/**
 * The engine's reply to a prompt, for a purpose (decided from the prompt when not given).
 *
 * @example
 * offlineReply(prompt, 'sql') // '<sql>SELECT … FROM claims_history WHERE member_id = … </sql>'
 */
export function offlineReply(prompt: string, purpose: LlmPurpose = purposeOf(prompt)): string {
  return purpose === 'summary' ? summaryReply(prompt) : sqlReply(prompt);
}

/**
 * The `llm` port without a model: deterministic SQL and summaries.
 *
 * @example
 * const llm = new OfflineLlm();
 * const { text } = await llm.generate({ purpose: 'sql', system, prompt, maxTokens: 500 });
 */
export class OfflineLlm implements Llm {
  readonly modelId = OFFLINE_MODEL_ID;

  async generate(req: LlmRequest): Promise<LlmResponse> {
    const text = offlineReply(req.prompt, req.purpose);
    return {
      text,
      modelId: this.modelId,
      inputTokens: estimateTokens(req.system) + estimateTokens(req.prompt),
      outputTokens: estimateTokens(text),
    };
  }
}
