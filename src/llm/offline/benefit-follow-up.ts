/**
 * Follow-ups of benefit questions: after "How much of my deductible is left?", "and how much have
 * I met?", "what about out of network?", "and for the family?", "and my out-of-pocket max?",
 * "what about Lucas?", "¿y el año pasado?".
 *
 * The latest earlier turn whose SQL read the plan (deductibles, maximums, cost sharing, visit
 * limits) or claim status is rebuilt as a benefit intent (its question read on its own, or itself
 * completed from the turn before), and the new question changes only what it names: whose
 * figures, the network, the plan year, the service, the kind of figure. What it does not name
 * carries over. Whose figures are asked about goes into the SQL like any benefit question, so
 * family privacy decides from the SQL as always (a private person's figures are withheld).
 *
 * A question that stands on its own (a whole benefit or claims question, without "and" / "what
 * about") is not a follow-up; a fragment that names nothing the benefit question can change is
 * left to the claims follow-up reader (which asks for the whole question).
 */
import type { HistoryEntry } from '../../core/conversation.ts';
import {
  type BenefitContext,
  type BenefitFragment,
  type BenefitIntent,
  BenefitKind,
  isBenefitSql,
  parseBenefitQuestion,
  readBenefitFragment,
} from './benefits.ts';
import { FOLLOW_UP_LEAD } from './follow-up.ts';

export type BenefitResolution =
  /** The follow-up, completed from the earlier benefit question. */
  | { readonly kind: 'resolved'; readonly intent: BenefitIntent }
  /** It names someone it cannot tell apart ("and my dad?" with two parents on the plan). */
  | { readonly kind: 'unclear'; readonly words: readonly string[] }
  /** It follows a benefit question but does not say clearly what it changes. */
  | { readonly kind: 'needs_context' };

/** Asking for claims themselves, not a plan figure: left to the claims reader. */
const CLAIM_WORDS =
  /\b(claims?|bills?|visits?|appointments?|prescriptions?|spen[dt]|spending|cost|costs|charged|billed|pay|paid|pays|owe|owed|providers?|doctors?|pharmac(y|ies))\b/;

const PLAN_POSITION: ReadonlySet<BenefitKind> = new Set([BenefitKind.DEDUCTIBLE, BenefitKind.OUT_OF_POCKET_MAX]);
const SERVICE_TERMS: ReadonlySet<BenefitKind> = new Set([BenefitKind.COST_SHARING, BenefitKind.VISITS_LEFT]);

function names(f: BenefitFragment): boolean {
  return (
    f.kind !== undefined ||
    f.subject !== undefined ||
    f.network !== undefined ||
    f.year !== undefined ||
    f.categories !== undefined ||
    f.unclear !== undefined
  );
}

function merge(base: BenefitIntent, f: BenefitFragment): BenefitResolution {
  if (f.unclear) return { kind: 'unclear', words: [f.unclear] };
  const kind = f.kind ?? base.kind;
  // "and physical therapy?" after a deductible question: what about it (its cost? the claims?) is not said.
  if (!f.kind && f.categories && !SERVICE_TERMS.has(base.kind)) return { kind: 'needs_context' };
  const sameFamily =
    (PLAN_POSITION.has(kind) && PLAN_POSITION.has(base.kind)) ||
    (SERVICE_TERMS.has(kind) && SERVICE_TERMS.has(base.kind));
  const categories = f.categories ?? (sameFamily ? base.categories : []);
  // A service's terms need the service: "and my copay?" after a deductible question does not say which.
  if (kind === BenefitKind.COST_SHARING && categories.length === 0 && !/\b(copays?|coinsurance)\b/.test(f.words))
    return { kind: 'needs_context' };
  const claims = kind === base.kind && !PLAN_POSITION.has(kind) && !SERVICE_TERMS.has(kind);
  const intent: BenefitIntent = {
    kind,
    ...(f.lang === 'es' ? { lang: 'es' as const } : {}),
    subject: f.subject ?? base.subject,
    planYear: f.year ?? base.planYear,
    yearSaid: f.year !== undefined || base.yearSaid,
    network: f.network ?? base.network,
    categories,
    // Claim status follow-ups ("and Lucas's?") keep the earlier question's provider, day and count.
    ...(claims && base.provider ? { provider: base.provider } : {}),
    ...(claims && base.on && f.year === undefined ? { on: base.on } : {}),
    ...(claims && base.from && f.year === undefined ? { from: base.from } : {}),
    ...(claims && base.until && f.year === undefined ? { until: base.until } : {}),
    ...(claims && base.count ? { count: base.count } : {}),
    ...(claims && base.latest ? { latest: base.latest } : {}),
  };
  return { kind: 'resolved', intent };
}

function resolveWith(question: string, base: BenefitIntent, ctx: BenefitContext): BenefitResolution | undefined {
  const q = question.replace(/\s+/g, ' ').trim();
  const lead = FOLLOW_UP_LEAD.test(q);
  const alone = parseBenefitQuestion(q, ctx);
  if (alone && !alone.ok && !alone.notUnderstood) return undefined; // what the data does not hold: refused as it stands
  const f = readBenefitFragment(q, ctx);
  if (!lead) {
    // A whole question stands on its own; without "and" / "what about", only a short fragment
    // ("for Lucas?", "out of network?") or the standing words ("how much have I met so far?") follow.
    if (alone) return undefined;
    const short = q.split(/\s+/).length <= 4;
    if (!(short || f.standing)) return undefined;
  }
  // "and how many claims did he have?": claims, not the plan's figures.
  if (!alone && f.kind === undefined && f.categories === undefined && CLAIM_WORDS.test(f.words)) return undefined;
  if (!names(f) && !f.standing) return undefined;
  return merge(base, f);
}

/** The benefit intent of the latest earlier turn, when that turn answered a benefit question. */
function latestBenefitIntent(history: readonly HistoryEntry[], ctx: BenefitContext): BenefitIntent | undefined {
  let intent: BenefitIntent | undefined;
  for (const turn of history) {
    if (!isBenefitSql(turn.sql) || turn.question.trim() === '') {
      intent = undefined;
      continue;
    }
    const r = intent ? resolveWith(turn.question, intent, ctx) : undefined;
    if (r?.kind === 'resolved') intent = r.intent;
    else {
      const p = parseBenefitQuestion(turn.question, ctx);
      intent = p?.ok ? p.intent : undefined;
    }
  }
  return intent;
}

/**
 * A question read as a follow-up of the conversation's latest benefit question, or `undefined`
 * when it is not one (the question is read on its own, or by the claims follow-up reader).
 *
 * @example
 * resolveBenefitFollowUp('and for the family?', [{ question: 'How much of my deductible is left?', sql: 'SELECT … FROM accumulators …', outcome: 'OK' }], { today })
 * // { kind: 'resolved', intent: { kind: 'deductible', subject: { kind: 'family' }, ... } }
 */
export function resolveBenefitFollowUp(
  question: string,
  history: readonly HistoryEntry[],
  ctx: BenefitContext,
): BenefitResolution | undefined {
  const base = latestBenefitIntent(history, ctx);
  return base ? resolveWith(question, base, ctx) : undefined;
}
