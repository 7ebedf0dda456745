/**
 * Follow-up questions for the offline engine: "and last year?", "what about my son?", "only the
 * ones from the pharmacy", "which of those were at Valley General?", "how much did they cost?".
 *
 * The prompt's `<history>` holds the conversation's earlier turns (question, SQL, outcome). The
 * latest turn's intent is rebuilt by reading the earlier questions in order — each one either
 * stands alone or is itself a follow-up of the one before — and the new question then changes
 * only what it names: the period, the person, the claim type, the provider or kind of care, the
 * diagnosis, an amount, the measure. What it does not name carries over. A follow-up with nothing
 * to follow (no earlier turn, an earlier turn that ran no SQL, a fragment that names nothing) asks
 * for the whole question (`NEEDS_CONTEXT`); a whole question stands on its own, history or not.
 * Words of a follow-up the engine does not understand are named, as for any question.
 */
import type { HistoryEntry } from '../../core/conversation.ts';
import { isBenefitSql } from './benefits.ts';
import {
  type Amount,
  type Intent,
  Measure,
  type ParseContext,
  type ParseResult,
  type People,
  parseQuestion,
  RefusalReason,
} from './question.ts';

export type Resolution =
  /** Not a follow-up: the question read on its own. */
  | { readonly kind: 'standalone'; readonly parsed: ParseResult }
  /** A follow-up, completed from the earlier turns (with the words of it not understood). */
  | { readonly kind: 'resolved'; readonly intent: Intent; readonly notUnderstood: readonly string[] }
  /** A follow-up with nothing to complete it. */
  | { readonly kind: 'needs_context' }
  /** Refused whatever came before (SQL in it, another member, a claim status the data lacks...). */
  | { readonly kind: 'refused'; readonly reason: RefusalReason };

const normal = (q: string) =>
  q
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

/** Words that open a follow-up. */
export const FOLLOW_UP_LEAD =
  /^[¿¡"']?\s*(and|also|plus|but|now|then|ok(ay)?,?|so|what about|how about|what of|same for|same thing for|only|just|except|y|y que tal|que tal|qué tal|solo|sólo)\b/i;
/** Pointing back at the earlier answer, unmistakably. */
const STRONG_ANAPHORA =
  /\b(of|among|from|between|in) (those|these|them|that)\b|\b(those|these) (claims|ones|visits|prescriptions|bills|charges)\b|\bthe same (one|ones|thing|period|people)\b|\bthe ones?\b|\b(de|entre) (esas|esos|ellas|ellos)\b/i;
/** Pointing back, weakly: enough with an earlier turn to point at. */
const WEAK_ANAPHORA = /\b(those|these|them|they|that|it|one|ones)\b/i;
/** Words asking for a measure or a list. */
const MEASURE_WORDS =
  /\b(how (much|many|often)|show|list|which|when|where|what (did|was|were|is|are)|total|spend|spent|cost|costs|paid|pay|owe|billed|charged|count|number|share|largest|biggest|most|latest|recent|first|last one|cu[aá]nt[oa]s?|muestra)\b/i;
/** Claim status (denied, pending...) is read by the benefit module on its own, not as a follow-up: refused, never dropped. */
const STATUS_WORDS = /\b(denied|denial|rejected|declined|pending|approved|in process|processing|appeal(ed)?)\b/i;
/** The whole family named again ("and the whole family?"): a person change to everyone. */
const FAMILY_AGAIN =
  /\b(whole family|the family|our family|everyone|everybody|all of us|household|both of us|us all|toda la familia)\b/i;
/** The asker named again ("and me?"), not "my share" / "did I pay". */
const SELF_AGAIN = /\b(me|myself|mine)\b|^(and|what about|how about|just|only|y)\s+(i|me|yo)\b/i;
/** Asking for the claims themselves, not a figure ("show them", "which of those"). */
const LIST_WORDS = /\b(show|list|which (of|ones?)|what were they|see them|the claims)\b/i;
const PROVIDER_QUESTION = /\bwhich (providers?|doctors?|pharmac(y|ies)|hospitals?|clinics?|places)\b|\bwhere\b/i;

/**
 * True when the question reads as a follow-up of an earlier answer.
 * @example
 * isFollowUp('And last year?', ctx) // true
 * isFollowUp('How many claims did I have this year?', ctx) // false
 */
export function isFollowUp(question: string, ctx: ParseContext): boolean {
  const q = normal(question);
  if (FOLLOW_UP_LEAD.test(q) || STRONG_ANAPHORA.test(q) || WEAK_ANAPHORA.test(q)) return true;
  // A short fragment that asks for nothing by itself ("last year?", "for my wife?").
  const words = q.split(/\s+/).filter(Boolean);
  if (words.length <= 4 && !MEASURE_WORDS.test(q) && !/\bclaims?\b/i.test(q)) return true;
  const alone = parseQuestion(q, ctx);
  return !alone.ok && alone.reason === RefusalReason.OFF_TOPIC;
}

/** What a fragment names, field by field (undefined: it does not say, the earlier turn stands). */
interface Changes {
  readonly people?: People;
  readonly claimType?: Intent['claimType'];
  readonly period?: Intent['period'];
  readonly provider?: string;
  readonly service?: string;
  readonly diagnosis?: readonly string[];
  readonly amounts?: readonly Amount[];
  readonly measure?: Measure;
  readonly columns?: Intent['columns'];
}

function peopleChange(people: People, fragment: string): People | undefined {
  const selfAgain = SELF_AGAIN.test(fragment);
  switch (people.kind) {
    case 'people': {
      const named = people.people.filter((p) => p.kinship !== 'self');
      if (named.length > 0) return selfAgain ? people : { kind: 'people', people: named };
      return selfAgain ? people : undefined;
    }
    case 'codes':
    case 'names':
      return people;
    case 'self':
      return selfAgain ? people : undefined;
    case 'family':
      return FAMILY_AGAIN.test(fragment) ? people : undefined;
  }
}

function changesOf(
  fragment: string,
  ctx: ParseContext,
): { changes: Changes; notUnderstood: readonly string[] } | RefusalReason {
  const parsed = parseQuestion(fragment, { ...ctx, fragment: true });
  if (!parsed.ok) return parsed.reason;
  const i = parsed.intent;
  const people = peopleChange(i.people, fragment);
  let measure: Measure | undefined = i.measure === Measure.LIST ? undefined : i.measure;
  // "Which of those were at the pharmacy?" asks for those claims, not for a list of providers.
  if (
    measure === Measure.PROVIDERS &&
    !PROVIDER_QUESTION.test(fragment) &&
    (STRONG_ANAPHORA.test(fragment) || WEAK_ANAPHORA.test(fragment))
  )
    measure = Measure.LIST;
  if (measure === undefined && LIST_WORDS.test(fragment)) measure = Measure.LIST;
  const changes: Changes = {
    ...(people !== undefined ? { people } : {}),
    ...(i.claimType ? { claimType: i.claimType } : {}),
    ...(i.period ? { period: i.period } : {}),
    ...(i.provider ? { provider: i.provider } : {}),
    ...(i.service ? { service: i.service } : {}),
    ...(i.diagnosis ? { diagnosis: i.diagnosis } : {}),
    ...(i.amounts.length ? { amounts: i.amounts } : {}),
    ...(measure ? { measure, columns: i.columns } : {}),
  };
  return { changes, notUnderstood: parsed.notUnderstood };
}

function isEmpty(c: Changes): boolean {
  return Object.keys(c).length === 0;
}

function merge(base: Intent, c: Changes): Intent {
  return {
    ...base,
    ...(c.people ? { people: c.people } : {}),
    ...(c.claimType ? { claimType: c.claimType } : {}),
    ...(c.period ? { period: c.period } : {}),
    ...(c.provider ? { provider: c.provider } : {}),
    ...(c.service ? { service: c.service } : {}),
    ...(c.diagnosis ? { diagnosis: c.diagnosis } : {}),
    amounts: [...base.amounts, ...(c.amounts ?? [])],
    ...(c.measure ? { measure: c.measure, columns: c.columns ?? [] } : {}),
  };
}

/**
 * The intent of the latest earlier turn: its question read on its own, or completed from the
 * turns before it. Undefined when that turn ran no SQL or cannot be read.
 */
function latestIntent(history: readonly HistoryEntry[], ctx: ParseContext): Intent | undefined {
  let intent: Intent | undefined;
  for (const turn of history) {
    // A refused turn, or one about the plan's figures or claim status (benefit-follow-up.ts
    // follows those): nothing for a claims follow-up to build on.
    if (!turn.sql || turn.question.trim() === '' || isBenefitSql(turn.sql)) {
      intent = undefined;
      continue;
    }
    const r = resolveWith(turn.question, intent, ctx);
    intent = r.kind === 'resolved' ? r.intent : r.kind === 'standalone' && r.parsed.ok ? r.parsed.intent : undefined;
  }
  return intent;
}

function resolveWith(question: string, base: Intent | undefined, ctx: ParseContext): Resolution {
  const q = normal(question);
  if (STATUS_WORDS.test(q)) return { kind: 'refused', reason: RefusalReason.OFF_TOPIC };
  const alone = parseQuestion(q, ctx);
  // SQL, overrides, other members: refused whatever came before.
  if (!alone.ok && alone.reason !== RefusalReason.OFF_TOPIC) return { kind: 'refused', reason: alone.reason };
  if (!isFollowUp(q, ctx)) return { kind: 'standalone', parsed: alone };
  if (!base) {
    // Nothing to follow: a whole question still stands; a pointer back ("and ...", "those")
    // or a fragment naming a period, person, type or provider asks for the whole question;
    // anything else ("tell me a joke") is refused as it would be alone.
    if (alone.ok)
      return STRONG_ANAPHORA.test(q) || (FOLLOW_UP_LEAD.test(q) && !MEASURE_WORDS.test(q.replace(FOLLOW_UP_LEAD, '')))
        ? { kind: 'needs_context' }
        : { kind: 'standalone', parsed: alone };
    const fragment = changesOf(q, ctx);
    const pointsBack = FOLLOW_UP_LEAD.test(q) || STRONG_ANAPHORA.test(q) || WEAK_ANAPHORA.test(q);
    return typeof fragment !== 'string' && (!isEmpty(fragment.changes) || pointsBack)
      ? { kind: 'needs_context' }
      : { kind: 'standalone', parsed: alone };
  }
  const read = changesOf(q, ctx);
  if (typeof read === 'string') return { kind: 'refused', reason: read };
  if (isEmpty(read.changes) && read.notUnderstood.length === 0) return { kind: 'needs_context' };
  return { kind: 'resolved', intent: merge(base, read.changes), notUnderstood: read.notUnderstood };
}

/**
 * Reads a question in its conversation.
 *
 * @example
 * resolveQuestion('And last year?', [{ question: 'How many claims did I have this year?', sql: 'SELECT …', outcome: 'OK' }], ctx)
 * // { kind: 'resolved', intent: { ..., measure: 'count', period: { from: '2025-01-01', until: '2026-01-01' } }, notUnderstood: [] }
 */
export function resolveQuestion(question: string, history: readonly HistoryEntry[], ctx: ParseContext): Resolution {
  return resolveWith(question, latestIntent(history, ctx), ctx);
}
