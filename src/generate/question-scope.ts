/**
 * Two deterministic checks before any model call, whatever model writes the SQL:
 * - questions that need data the product does not hold (prior authorization, finding a doctor,
 *   cost estimates, premiums: src/generate/beyond-data.ts, plus the same topics in Spanish) are
 *   refused clearly (NOT_IN_CLAIMS_DATA) instead of getting an unrelated sum or list;
 * - a follow-up with nothing to follow ("And last year?", "What about my son?") asks for the
 *   whole question (NEEDS_CONTEXT) when the conversation has no earlier turn.
 */
import { Reason, type ReasonCode } from '../core/reasons.ts';
import type { NotInData } from '../schema/benefit-words.ts';
import { beyondData } from './beyond-data.ts';

const fold = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/-/g, ' ')
    .replace(/\s+/g, ' ');

/** The same topics as beyond-data.ts, asked in Spanish. */
const SPANISH_TOPICS: readonly [NotInData, RegExp][] = [
  [
    'prior_authorization',
    /\b(autorizacion previa|pre ?autorizacion|referencia medica|necesito (una )?(autorizacion|referencia))\b/,
  ],
  [
    'provider_search',
    /\b(busca(r|me)?|encuentra(me)?|recomienda(me)?) (un|una|otro|otra) (medico|doctor|doctora|especialista|dentista|proveedor|clinica|hospital|pediatra|cardiologo|dermatologo)\b|\bcerca de mi\b|\ben (la|mi) red\b/,
  ],
  [
    'cost_estimate',
    /\bcuanto (costara|me costaria|pagare|va a costar|me va a costar)\b|\b(estimado|presupuesto|cotizacion)\b/,
  ],
  ['premium', /\bprimas? (mensual(es)?|del seguro|de mi seguro|del plan|de mi plan)\b|\bde prima\b/],
  ['dental', /\b(dentistas?|dental(es)?|odontolog\w*|ortodonci\w*|ortodoncistas?|dientes?|muelas?)\b/],
];

/**
 * The topic the data cannot answer, if the question asks about one.
 *
 * @example
 * notInClaimsData('What is my monthly premium?')        // 'premium'
 * notInClaimsData('¿Cuánto es mi prima mensual?')        // 'premium'
 * notInClaimsData('How much did I pay out of pocket?')  // undefined
 */
export function notInClaimsData(question: string): NotInData | undefined {
  const topic = beyondData(question);
  if (topic) return topic;
  const q = fold(question);
  return SPANISH_TOPICS.find(([, re]) => re.test(q))?.[0];
}

const FOLLOW_UP_LEAD =
  /^\s*[¿¡]?\s*(and|also|plus|same|what about|how about|what of|and what about|and how about|and for|now for|same for|same thing for|y|e|tambien|que tal|y que tal|y para|y en|y de|y el|y la|y los|y mi|lo mismo)\b/;
const MEASURE_WORDS =
  /\b(how (much|many|often)|show|list|which|when|where|what (did|was|were|is|are)|total|spend|spent|cost|paid|pay|owe|billed|charged|cuant[oa]s?|cuando|muestra|gast|pag)/;
const ANAPHORA =
  /\b(of|among|from|between) (those|these|them)\b|\b(those|these) (claims|ones|visits|prescriptions)\b|\bthe same (one|ones|thing)\b|\b(de|entre) (esas|esos|ellas|ellos)\b/;

/**
 * True for a follow-up that needs an earlier question to make sense.
 *
 * @example
 * needsContext('And last year?')                                        // true
 * needsContext('And how many prescriptions did my son fill last year?') // false
 */
export function needsContext(question: string): boolean {
  const q = fold(question).replace(/[?.!]+$/, '');
  if (ANAPHORA.test(q)) return true;
  if (!FOLLOW_UP_LEAD.test(q)) return false;
  const rest = q.replace(FOLLOW_UP_LEAD, '');
  return !MEASURE_WORDS.test(rest);
}

/**
 * The refusal for a question outside what the claims can answer alone, or undefined.
 *
 * @example
 * questionScope('Do I need a referral for physical therapy?') // { code: 'NOT_IN_CLAIMS_DATA', topic: 'prior_authorization' }
 */
export function questionScope(question: string): { code: ReasonCode; topic?: NotInData } | undefined {
  const topic = notInClaimsData(question);
  if (topic) return { code: Reason.NOT_IN_CLAIMS_DATA, topic };
  if (needsContext(question)) return { code: Reason.NEEDS_CONTEXT };
  return undefined;
}
