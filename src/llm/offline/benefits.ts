/**
 * Benefit and claim-status questions for the offline engine: how much of a deductible or
 * out-of-pocket maximum is left, what a service costs under the plan and how many visits are
 * left, whether a claim was paid, which claims are pending, why a claim was denied.
 *
 * The engine asks this module first (engine.ts: `benefitSqlReply`, `benefitSummaryReply`); a
 * question it does not claim goes to the claims parser as before. Every query reads the catalog's
 * member tables, each reference pinned to the family; figures the member reads (what is left,
 * visits left) are computed in the SQL, so the summary only repeats values from the rows.
 */

import { detectLanguage, type Lang } from '../../core/language.ts';
import type { Asker } from '../../core/ports.ts';
import { escapeTagContent } from '../../core/prompt-tags.ts';
import { kinOfNamed, type ParsedRosterEntry, readParentWord } from '../../core/roster.ts';
import { notInDataTopic, serviceCategoriesIn } from '../../schema/benefit-words.ts';
import type { Network, RelationshipCode, ServiceCategory } from '../../schema/catalog.ts';
import { addMonths, type CalendarDate, MONTH_NAMES, makeDate, toIso } from './dates.ts';
import { editDistance, isKnown } from './words.ts';

export const BenefitKind = {
  DEDUCTIBLE: 'deductible',
  OUT_OF_POCKET_MAX: 'out_of_pocket_max',
  COST_SHARING: 'cost_sharing',
  VISITS_LEFT: 'visits_left',
  CLAIM_STATUS: 'claim_status',
  PENDING: 'pending_claims',
  DENIED: 'denied_claims',
} as const;
export type BenefitKind = (typeof BenefitKind)[keyof typeof BenefitKind];

/** Whose figures: the asker, the whole family, people by relationship, or by name. */
export type Subject =
  | { readonly kind: 'self' }
  | { readonly kind: 'family' }
  | { readonly kind: 'relationship'; readonly codes: readonly RelationshipCode[]; readonly label: string }
  | { readonly kind: 'name'; readonly name: string };

export interface BenefitIntent {
  readonly kind: BenefitKind;
  /** The member's language: a Spanish question is answered in Spanish. */
  readonly lang?: Lang;
  readonly subject: Subject;
  readonly planYear: number;
  /** The plan year was said ("last year", "in 2025"), not assumed. */
  readonly yearSaid: boolean;
  readonly network: Network;
  /** Service categories named (empty: all). */
  readonly categories: readonly ServiceCategory[];
  readonly provider?: string;
  /** Claims on this day, or in [from, until). */
  readonly on?: string;
  readonly from?: string;
  readonly until?: string;
  /** "How many of my claims were denied?": the number of claims, not the list. */
  readonly count?: boolean;
  /** "my most recent claim", "my last claim": only the newest claim. */
  readonly latest?: boolean;
}

export interface BenefitContext {
  readonly today: CalendarDate;
  readonly asker?: Asker;
  /** The family as the asker sees it (the prompt's `<roster>`): resolves "mom" / "dad" without guessing. */
  readonly roster?: readonly ParsedRosterEntry[];
}

// ---------------------------------------------------------------- words

const DENIED = /\b(denied|denials?|deny|rejected|declined|turned down|refused)\b/;
const PENDING =
  /\bpending\b|\bstill (being )?process(ed|ing)\b|(\bnot|n't) (yet )?(been )?processed( yet)?\b|\bin process(ing)?\b|\b(waiting|still waiting) (on|for)\b|\bopen claims?\b|\bnot (yet )?(been )?paid yet\b/;
const STATUS_WORD =
  /\bstatus\b|\bwhere is my claim\b|\bwhat happened (to|with)\b|\bwhy (didn't|did not|wasn't|was not|hasn't|has not|won't)\b[^?]*\b(pay|paid|cover|covered)\b/;
const PAID_WORD =
  /\b(paid|pay|processed|approved|accepted|covered|cover|go through|gone through|went through|settled)\b/;
const PAST_AUX = /\b(was|were|has|have|had|did|got|get|is|been)\b/;
const CLAIM_REF =
  /\b(claims?|bills?|visits?|appointments?|prescriptions?|refills?|scans?|x-?rays?|mri|surgery|procedure|checkups?|tests?)\b|\b(from|at)\s+[a-z]/;
const AMOUNT_ASKED =
  /\bwhat (did|does)\b[^?]*\b(pay|paid|cost|owe)\b|\bhow much\b|\bhow many\b|\btotal\b|\bsum\b|\bspen[dt]\b|\baverage\b|\bmost\b(?! recent)|\blargest\b|\bbiggest\b|\bhighest\b|\bsmallest\b|\blowest\b/;
const DEDUCTIBLE = /\bdeductibles?\b/;
const DEDUCTIBLE_STATE =
  /\b(left|remaining|remain|met|meet|reached|satisfied|how much|how close|so far|what'?s|what is|how far|toward|towards|balance)\b/;
const OOP_MAX =
  /\bout[- ]of[- ]pocket (max(imum)?|limit|cap)\b|\bmax(imum)? out[- ]of[- ]pocket\b|\boop max\b|\bmoop\b|\bpays? (for )?everything\b|\bpays? (100|a hundred) ?(%|percent)|\bpays? (it )?all\b|\bpays? in full\b|\bcovers? everything\b|\bcovered (100 ?%|in full|fully)\b|\bstarts? paying everything\b/;
const COST_WORD =
  /\b(do|will|would) (i|we) (have to |need to )?pay\b|\bhow much (is|are) (a|an|the|one)\b|\b(copays?|co-pays?|coinsurance|co-insurance|cost[- ]shar\w*|covered|covers?|coverage|benefits?|deductible appl\w*)\b|\b(what|how much)\b[^?]*\b(would|will|do|does|should|'d|'ll)\b[^?]*\b(pay|cost|owe|charge)\b|\b(have|need) to pay\b|\bcost me\b|\bwhat do i pay\b|\bhow much (is|are)\b[^?]*\b(on|under|with) (my|our|the) (plan|insurance)\b/;
const PAST_TENSE = /\b(did|was|were|paid|last (month|week|time|visit))\b/;
const VISITS = /\b(visits?|sessions?|appointments?)\b/;
const VISITS_LEFT = /\b(left|remaining|remain|how many|allowed|limit|max(imum)?|used|get)\b/;
const FAMILY = /\b(we|us|our|ours|family|family's|everyone|everybody|all of us|household)\b/;
/** Pointing back at an earlier answer ("of those", "these claims"): left to the follow-up reader. */
const POINTS_BACK = /\b(of|among|from|between) (those|these|them)\b|\b(those|these) (claims|ones|visits|bills)\b/;
const OUT_OF_NETWORK = /\bout[- ]of[- ]network\b|\bnon-?network\b|\boon\b/;

// ---------------------------------------------------------------- whose

/** Relationship words, resolved relative to the asker (codes are relative to the subscriber). */
function relationshipSubject(q: string, asker: Asker | undefined): Subject | undefined {
  const rel = asker?.relationship ?? 'subscriber';
  const parent = rel === 'subscriber' || rel === 'spouse';
  if (/\b(husband|wife|spouse|partner)\b/.test(q)) {
    return rel === 'spouse'
      ? { kind: 'relationship', codes: ['subscriber'], label: 'spouse' }
      : { kind: 'relationship', codes: ['spouse'], label: 'spouse' };
  }
  if (/\b(grandson|granddaughter|grandchild|grandkids?|grandchildren)\b/.test(q))
    return { kind: 'relationship', codes: ['other'], label: 'grandchild' };
  if (parent && /\b(kids?|children|child)\b/.test(q))
    return { kind: 'relationship', codes: ['son', 'daughter', 'other'], label: 'children' };
  if (parent && /\bsons?\b/.test(q)) return { kind: 'relationship', codes: ['son'], label: 'son' };
  if (parent && /\bdaughters?\b/.test(q)) return { kind: 'relationship', codes: ['daughter'], label: 'daughter' };
  if (/\b(mom|mother|dad|father|parents?)\b/.test(q))
    return { kind: 'relationship', codes: ['subscriber', 'spouse'], label: 'parents' };
  return undefined;
}

/**
 * "my dad's deductible": with the roster, the parents the word may mean (relationship codes), or
 * the word itself when it could mean either of two people (the data holds no one's sex).
 */
function parentSubject(
  q: string,
  roster: readonly ParsedRosterEntry[] | undefined,
): Subject | { readonly unclear: string } | undefined {
  const m = /\b(mom|mum|mommy|mother|dad|daddy|father|parents?|folks)(?:'s)?\b/.exec(q);
  if (!m?.[1] || !roster?.length) return undefined;
  const read = readParentWord(
    roster,
    m[1],
    (p) => p.kinship,
    (p) => p.visible,
  );
  if (read.kind === 'none') return { unclear: m[0] };
  if (read.kind === 'unclear') return { unclear: m[0] };
  const codes = [...new Set(read.people.map((p) => p.relationship))];
  return { kind: 'relationship', codes, label: codes.length === 1 ? 'parent' : 'parents' };
}

/** Capitalized words that are not names (sentence words, plan words, providers' words, months). */
const NOT_NAMES = new Set(
  `i i'm i've i'd my me we us our you your the a an and or but is are was were be been am can could would will should do does
  did have has had how what which when where why who whose whom much many any all every each this that these those there here
  if so to of in on at from for by with about into it its it's what's whats how's hows is there am please thanks hi hello hey
  deductible deductibles copay copays coinsurance out pocket maximum max plan plans insurance network claim claims pending denied
  paid status visit visits physical therapy pt er mri ct emergency urgent care specialist primary generic brand prescription
  prescriptions drug drugs lab labs imaging hospital mental health preventive checkup doctor doctors pharmacy provider left
  remaining met family dr mr mrs ms yes no ok okay also still just yet already chiropractic chiropractor chiro
  occupational speech language`
    .split(/\s+/)
    .concat(MONTH_NAMES),
);

function nameSubject(question: string, provider: string | undefined): Subject | undefined {
  const masked = provider ? question.replace(provider, ' ') : question;
  for (const m of masked.matchAll(/\b([A-Z][a-z]+)(?:'s)?\b/g)) {
    const name = m[1] ?? '';
    if (!NOT_NAMES.has(name.toLowerCase())) return { kind: 'name', name };
  }
  return undefined;
}

/**
 * "Sophie's dad" asked by Sophie is "my dad"; "Daniel's son" asked by anyone else is not resolved
 * (core/roster.ts kinOfNamed): said as not understood, never answered about Daniel. Without the
 * roster, any capitalized word that is not a plan or sentence word may be a name.
 */
function kinOfNamedIn(question: string, ctx: BenefitContext): ReturnType<typeof kinOfNamed> {
  const firstNames = ctx.roster?.length
    ? ctx.roster.map((p) => p.firstName)
    : [...question.matchAll(/\b[A-Z][a-z]+\b/g)].map((m) => m[0]).filter((w) => !NOT_NAMES.has(w.toLowerCase()));
  return kinOfNamed(question, firstNames, ctx.asker?.name.split(/\s+/)[0]);
}

function subjectOf(
  question: string,
  q: string,
  ctx: BenefitContext,
  provider: string | undefined,
): Subject | { readonly unclear: string } {
  const kin = kinOfNamedIn(question, ctx);
  if (kin.unclear) return { unclear: kin.unclear };
  if (kin.text !== question) {
    const mine = kin.text.toLowerCase();
    const parent = parentSubject(mine, ctx.roster);
    if (parent) return parent;
    const rel = relationshipSubject(mine, ctx.asker);
    if (rel) return rel;
    return { unclear: kin.phrase ?? question };
  }
  const named = nameSubject(question, provider);
  if (named) {
    // "my claim" by the asker named by their own first name is still the asker.
    const first = ctx.asker?.name.split(/\s+/)[0]?.toLowerCase();
    return named.kind === 'name' && named.name.toLowerCase() === first ? { kind: 'self' } : named;
  }
  const parent = parentSubject(q, ctx.roster);
  if (parent) return parent;
  const rel = relationshipSubject(q, ctx.asker);
  if (rel) return rel;
  if (FAMILY.test(q) && !/\b(i|me|my|mine|myself)\b/.test(q)) return { kind: 'family' };
  return { kind: 'self' };
}

// ---------------------------------------------------------------- provider and dates

const PROVIDER_STOP = new Set(
  'in on during since this last past for before after between over and or i me my we our was were is are paid denied pending get got been processed still yet the a an when on'.split(
    ' ',
  ),
);

/** Words a provider's name ends with ("Greenleaf Pharmacy", "Valley General Hospital"). */
const PROVIDER_NOUN =
  /^(pharmacy|clinic|hospital|center|centre|medicine|associates|pediatrics|dermatology|cardiology|imaging|therapy|services|health|drug|apothecary|gynecology|orthopedics|lab|labs|laboratory|urgent|care)$/i;

/** "from Riverside Family Medicine", "at CareWell Pharmacy", "my Greenleaf Pharmacy claim", "Dr. Patel". */
function providerOf(question: string): string | undefined {
  const dr = /\bDr\.?\s+([A-Z][A-Za-z'-]+)/.exec(question);
  if (dr?.[1]) return dr[1];
  // A capitalized phrase ending in a provider word, wherever it is.
  for (const m of question.matchAll(/\b[A-Z][A-Za-z0-9'&.#-]*(?:\s+(?:[A-Z][A-Za-z0-9'&.#-]*|&|of))*/g)) {
    const words = m[0].split(/\s+/);
    while (words.length > 0 && /^(was|is|did|has|why|which|what|my|the|our|i)$/i.test(words[0] ?? '')) words.shift();
    if (words.length >= 2 && PROVIDER_NOUN.test(words.at(-1) ?? '')) return safeText(words.join(' '));
  }
  const prep = /\b(?:from|at|with|to)\s+(?:the\s+)?/gi;
  for (let m = prep.exec(question); m; m = prep.exec(question)) {
    const words: string[] = [];
    const wordRe = /\s*([A-Za-z0-9][A-Za-z0-9&.'#-]*|&)/y;
    wordRe.lastIndex = m.index + m[0].length;
    for (let w = wordRe.exec(question); w?.[1]; w = wordRe.exec(question)) {
      const lower = w[1].toLowerCase().replace(/[.,']+$/, '');
      if (PROVIDER_STOP.has(lower) || monthOf(lower) || /^\d/.test(lower) || words.length >= 5) break;
      words.push(w[1].replace(/[?,.!]+$/, ''));
    }
    // A provider is named with a capital, or is at least two words ("riverside family medicine").
    const text = words.join(' ').trim();
    if (!text || /^(see|a|an|my|our|doctor|doctors|pharmacy|hospital|specialist|the)$/i.test(text)) continue;
    if (/^[A-Z]/.test(text) || words.length >= 2) return safeText(text);
  }
  return undefined;
}

/** Keeps a provider or person name to characters that are safe in a SQL string literal. */
export function safeText(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 &.'#-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
}

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTH_NAMES.findIndex((m) => m === w || (m.startsWith(w) && (w.length === 3 || w === 'sept')));
  return i >= 0 ? i + 1 : undefined;
}

const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

/** A month without a year is this year's, unless it has not started yet: then last year's. */
function yearOfMonth(month: number, today: CalendarDate): number {
  return month > today.month ? today.year - 1 : today.year;
}

interface When {
  readonly on?: string;
  readonly from?: string;
  readonly until?: string;
  readonly year?: number;
}

function whenOf(q: string, today: CalendarDate): When {
  let m = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?\b/.exec(q);
  if (m) {
    const y = m[3] ? (m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3])) : undefined;
    const d = makeDate(y ?? yearOfMonth(Number(m[1]), today), Number(m[1]), Number(m[2]));
    if (d) return { on: toIso(d) };
  }
  m = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(q);
  if (m) {
    const d = makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d) return { on: toIso(d) };
  }
  m = new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4}))?`).exec(q);
  if (m?.[1]) {
    const month = monthOf(m[1]);
    const d = month ? makeDate(m[3] ? Number(m[3]) : yearOfMonth(month, today), month, Number(m[2])) : undefined;
    if (d) return { on: toIso(d) };
  }
  if (/\b(last|previous|prior) year\b/.test(q)) return { year: today.year - 1 };
  if (/\bthis year\b|\bthis plan year\b|\bso far\b|\byear to date\b|\bytd\b/.test(q)) return { year: today.year };
  if (/\b(last|previous) month\b/.test(q)) {
    const first = addMonths({ ...today, day: 1 }, -1);
    return { from: toIso(first), until: toIso(addMonths(first, 1)) };
  }
  if (/\bthis month\b/.test(q)) {
    const first = { ...today, day: 1 };
    return { from: toIso(first), until: toIso(addMonths(first, 1)) };
  }
  for (const mm of q.matchAll(new RegExp(`\\b(in|during|from|of)?\\s*${MONTH_RE}(?:\\s+(\\d{4}))?\\b`, 'g'))) {
    if (mm[2] === 'may' && !mm[1] && !mm[3]) continue;
    const month = monthOf(mm[2] ?? '');
    if (!month) continue;
    const first = { year: mm[3] ? Number(mm[3]) : yearOfMonth(month, today), month, day: 1 };
    return { from: toIso(first), until: toIso(addMonths(first, 1)) };
  }
  m = /\b(?:in|for|during)?\s*((?:19|20)\d{2})\b/.exec(q);
  if (m?.[1]) return { year: Number(m[1]) };
  return {};
}

// ---------------------------------------------------------------- Spanish

/**
 * Spanish benefit and claim-status phrasings, read as the English words the rules below know
 * (accents already stripped; longest phrases first). Only the words, never the figures: the answer
 * is written in Spanish (benefit-summary.ts).
 */
const SPANISH_BENEFIT_WORDS: readonly (readonly [RegExp, string])[] = [
  [
    /\b(?:el )?maximo (?:anual )?de (?:gastos? )?(?:de )?bolsillo\b|\bgastos? maximos? de bolsillo\b|\bdesembolso maximo\b|\blimite de (?:gastos? de )?bolsillo\b/g,
    'out-of-pocket maximum',
  ],
  [/\bfuera de (?:la )?red\b/g, 'out-of-network'],
  [/\bdentro de (?:la )?red\b/g, 'in-network'],
  [/\bdeducibles?\b/g, 'deductible'],
  [/\bcopagos?\b/g, 'copay'],
  [/\bco-?a?seguros?\b/g, 'coinsurance'],
  [/\b(?:terapia fisica|fisioterapia|rehabilitacion)\b/g, 'physical therapy'],
  [/\bsalud mental\b|\bpsicologos?\b|\bterapeutas?\b/g, 'mental health'],
  [/\batencion de urgencia\b|\bcentros? de urgencias?\b|\bclinica de urgencias\b/g, 'urgent care'],
  [/\bsala de (?:emergencias?|urgencias)\b|\bemergencias?\b|\burgencias\b/g, 'emergency room'],
  [/\bespecialistas?\b/g, 'specialist'],
  [/\b(?:medico de cabecera|atencion primaria|medico general|pediatra)\b/g, 'primary care'],
  [/\b(?:chequeos?|examen(?:es)? anual(?:es)?|vacunas?|cuidado preventivo|atencion preventiva)\b/g, 'checkup'],
  [/\bhospitalizacion(?:es)?\b|\b(?:estadias?|estancias?) (?:en el |de )?hospital\b/g, 'hospital stay'],
  [/\b(?:analisis|laboratorios?|pruebas de laboratorio|examenes de sangre)\b/g, 'lab tests'],
  [/\b(?:radiografias?|resonancias?(?: magneticas?)?|tomografias?|imagenes)\b/g, 'imaging'],
  [/\bmedicamentos? genericos?\b|\bgenericos?\b/g, 'generic drugs'],
  [/\bde marca\b/g, 'brand'],
  [/\b(?:recetas?|medicamentos?|medicinas?)\b/g, 'prescriptions'],
  [/\bpendientes?\b|\ben proceso\b|\bsin procesar\b|\btodavia no (?:se )?(?:han|ha) procesado\b/g, 'pending'],
  [/\b(?:denegad[ao]s?|rechazad[ao]s?|negad[ao]s?|denegaron|denego|rechazaron|rechazo|negaron|nego)\b/g, 'denied'],
  [/\bestado\b/g, 'status'],
  [/\b(?:cuanto|cuanta) (?:me |nos |le )?(?:falta|queda|faltan|quedan)\b/g, 'how much is left'],
  [/\b(?:cuantas|cuantos) (?:visitas|sesiones|citas) (?:me |nos |le )?(?:quedan|faltan)\b/g, 'how many visits left'],
  [/\b(?:cuantas|cuantos)\b/g, 'how many'],
  [/\b(?:cuanto|cuanta)\b/g, 'how much'],
  [/\b(?:me |nos )?(?:quedan?|restantes?|falta)\b/g, 'left'],
  [/\b(?:he|hemos|ha|han) (?:alcanzado|cumplido|llegado a|completado)\b|\balcanzado\b|\bcumplido\b/g, 'met'],
  [/\bvisitas?\b|\bsesiones?\b|\bcitas?\b/g, 'visits'],
  [/\b(?:esta|estan|es) cubiert[ao]s?\b|\bcubiert[ao]s?\b|\bcubre\b/g, 'covered'],
  [/\b(?:se )?(?:pago|pagaron|ha pagado|han pagado)\b/g, 'paid'],
  [/\b(?:por que|porque)\b/g, 'why'],
  [/\b(?:cual es|cuales son)\b/g, 'what is'],
  [/\b(?:tengo|tenemos)\b/g, 'do i have'],
  [/\b(?:mis|mi)\b/g, 'my'],
  [/\b(?:nuestr[oa]s?|familia|familiar)\b/g, 'our family'],
  [/\b(?:esposo|esposa|marido|conyuge)\b/g, 'spouse'],
  [/\bhijos\b/g, 'children'],
  [/\bhijo\b/g, 'son'],
  [/\bhija\b/g, 'daughter'],
  [/\bniet[oa]s?\b/g, 'grandchild'],
  [/\bpadres\b/g, 'parents'],
  [/\b(?:papa|padre)\b/g, 'dad'],
  [/\b(?:mama|madre)\b/g, 'mom'],
  [/\b(?:este ano|en lo que va del ano)\b/g, 'this year'],
  [/\b(?:el )?ano pasado\b/g, 'last year'],
  [/\breclamaciones\b|\breclamos\b/g, 'claims'],
  [/\breclamacion\b|\breclamo\b/g, 'claim'],
  [/\bpara (?:un|una|el|la)\b|\bpara\b/g, 'for a'],
];

const SPANISH_NOT_NAMES =
  /\b(Cuanto|Cuanta|Cuantos|Cuantas|Cual|Cuales|Que|Tengo|Tenemos|Por|Porque|Mi|Mis|Estoy|Esta|Es|Hay|Cuando|Donde|Me|Se|El|La|Los|Las|Como|Ya|Sigue|Fue|Fueron|Mi|Nuestro|Nuestra)\b/g;

function spanishNameText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[¿¡]/g, ' ')
    .replace(SPANISH_NOT_NAMES, (w) => w.toLowerCase());
}

/** A Spanish question in the English words the benefit rules read (lower case, no accents). */
function englishBenefitWords(q: string): string {
  let out = q
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[¿¡]/g, ' ');
  for (const [re, en] of SPANISH_BENEFIT_WORDS) out = out.replace(re, en);
  return out.replace(/\s+/g, ' ').trim();
}

/** The words benefit rules look for, the ones a typo most often hides ("deductable", "coinsurence"). */
const BENEFIT_WORDS = `deductible deductibles coinsurance copay copays maximum covered coverage pending denied denial
  therapy physical specialist chiropractor chiropractic acupuncture occupational speech prescription prescriptions
  preventive emergency urgent remaining generic network processed appeal`.split(/\s+/);

/**
 * "whats my deductable" reads as "deductible": an unknown word one edit (two from eight letters)
 * from a benefit word, and nearer to it than to any other, is that word. Known words and short words are left alone, so a
 * name or a plain word is never turned into a benefit word.
 */
function correctBenefitTypos(q: string): string {
  return q.replace(/[a-z]{5,}/g, (word) => {
    if (isKnown(word) || BENEFIT_WORDS.includes(word)) return word;
    const max = word.length >= 8 ? 2 : 1;
    const dist = BENEFIT_WORDS.map((w) => editDistance(word, w, max));
    const best = Math.min(...dist);
    const near = BENEFIT_WORDS.filter((_, i) => dist[i] === best);
    return best <= max && near.length === 1 ? (near[0] as string) : word;
  });
}

// ---------------------------------------------------------------- the parse

export type BenefitParse =
  | { readonly ok: true; readonly intent: BenefitIntent }
  /**
   * A question about what the data does not hold: the engine answers NULL; or one naming someone
   * it cannot tell apart ("my dad" with two parents on the plan): those words are `notUnderstood`.
   */
  | { readonly ok: false; readonly notUnderstood?: readonly string[] };

/**
 * Reads a benefit or claim-status question; `undefined` when it is not one (the claims parser
 * takes it).
 *
 * @example
 * parseBenefitQuestion('How much of my deductible is left this year?', { today })
 * // { ok: true, intent: { kind: 'deductible', subject: { kind: 'self' }, planYear: 2026, ... } }
 */
export function parseBenefitQuestion(question: string, ctx: BenefitContext): BenefitParse | undefined {
  const text = question
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const lang = detectLanguage(text);
  const q = correctBenefitTypos(lang === 'es' ? englishBenefitWords(text.toLowerCase()) : text.toLowerCase());
  if (notInDataTopic(q)) return { ok: false };
  // "Which of those were denied?" narrows an earlier answer: a follow-up, not a question of its own.
  if (POINTS_BACK.test(q)) return undefined;
  const kind = kindOf(q);
  if (!kind) return undefined;
  if (kind === BenefitKind.VISITS_LEFT && serviceCategoriesIn(q).length === 0 && unknownService(q))
    return { ok: false };
  const provider = kind === BenefitKind.CLAIM_STATUS || kind === BenefitKind.DENIED ? providerOf(text) : undefined;
  const when = whenOf(q, ctx.today);
  const categories = serviceCategoriesIn(provider ? q.replace(provider.toLowerCase(), ' ') : q);
  // Spanish: names are read on the text without accents, and its opening words are not names.
  const subject = subjectOf(lang === 'es' ? spanishNameText(text) : text, q, ctx, provider);
  if ('unclear' in subject) return { ok: false, notUnderstood: [spanishParentWord(text, subject.unclear)] };
  const yearSaid = when.year !== undefined;
  const planYear =
    when.year ?? (when.on ? Number(when.on.slice(0, 4)) : when.from ? Number(when.from.slice(0, 4)) : ctx.today.year);
  const count =
    (kind === BenefitKind.DENIED || kind === BenefitKind.PENDING) &&
    /\bhow many\b|\bnumber of\b|\bcuant[ao]s\b/.test(q);
  const latest =
    kind === BenefitKind.CLAIM_STATUS &&
    !when.on &&
    /\b(most recent|latest|newest|last)\b(?! (year|month|week|time|visit|(\d+ )?(days?|weeks?|months?|years?)))/.test(
      q,
    );
  return {
    ok: true,
    intent: {
      kind,
      ...(lang === 'es' ? { lang } : {}),
      subject,
      ...(count ? { count } : {}),
      ...(latest ? { latest } : {}),
      planYear,
      yearSaid,
      network: OUT_OF_NETWORK.test(q) ? 'out_of_network' : 'in_network',
      categories,
      ...(provider ? { provider } : {}),
      ...(when.on ? { on: when.on } : {}),
      ...(when.from ? { from: when.from } : {}),
      ...(when.until ? { until: when.until } : {}),
    },
  };
}

// ---------------------------------------------------------------- follow-up fragments

/** SQL that read the plan or claim status: the benefit reader wrote it, or a model did. */
const BENEFIT_SQL =
  /\b(plan_benefits|plan_cost_sharing|accumulators|family_accumulators|visit_counts|denial_reasons|claim_status)\b/i;

/** True when an earlier turn's SQL answered a benefit or claim-status question (not a claims one). */
export function isBenefitSql(sql: string | undefined): boolean {
  return sql !== undefined && BENEFIT_SQL.test(sql);
}

/** What a follow-up ("and for the family?", "what about out of network?") says about a benefit question. */
export interface BenefitFragment {
  readonly lang: Lang;
  /** Its words in English, lower case (Spanish read as the English words the rules know). */
  readonly words: string;
  /** A kind of its own ("and my out-of-pocket max?"). */
  readonly kind?: BenefitKind;
  /** Whose figures, only when it names someone (the asker included: "and me?", "have I met"). */
  readonly subject?: Subject;
  /** Words it could not resolve to a person ("my dad" with two parents on the plan). */
  readonly unclear?: string;
  readonly network?: Network;
  readonly year?: number;
  readonly categories?: readonly ServiceCategory[];
  /** It asks where the member stands ("how much have I met", "what's left"): the same figures. */
  readonly standing: boolean;
}

const SELF_WORDS = /\b(i|me|my|mine|myself|i've|i'm)\b/;
const STANDING = /\b(met|meet|left|remaining|remain|reached|used|so far|balance|how close|how far|how much)\b/;

/**
 * Reads what a follow-up fragment names, field by field (undefined: it does not say).
 *
 * @example
 * readBenefitFragment('and for the family?', { today }) // { subject: { kind: 'family' }, standing: false, ... }
 * readBenefitFragment('what about out of network?', { today }) // { network: 'out_of_network', ... }
 */
export function readBenefitFragment(question: string, ctx: BenefitContext): BenefitFragment {
  // A relative named through someone, as in a whole question ("and for Elena's husband?").
  const kin = kinOfNamedIn(
    question
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/\s+/g, ' ')
      .trim(),
    ctx,
  );
  const text = kin.text;
  const lang = detectLanguage(text);
  // "¿Y Lucas?" is Spanish by its opening mark, "y Lucas" by its first word.
  const es = lang === 'es' || /^[¿¡]?\s*y\b/i.test(text);
  const q = correctBenefitTypos(es ? englishBenefitWords(text.toLowerCase()) : text.toLowerCase());
  const kind = kindOf(q);
  const categories = serviceCategoriesIn(q);
  const named = nameSubject(es ? spanishNameText(text) : text, undefined);
  const first = ctx.asker?.name.split(/\s+/)[0]?.toLowerCase();
  let subject: Subject | undefined;
  let unclear: string | undefined = kin.unclear;
  if (unclear) subject = undefined;
  else if (named) subject = named.kind === 'name' && named.name.toLowerCase() === first ? { kind: 'self' } : named;
  else {
    const parent = parentSubject(q, ctx.roster);
    if (parent && 'unclear' in parent) unclear = spanishParentWord(text, parent.unclear);
    else
      subject =
        parent ??
        relationshipSubject(q, ctx.asker) ??
        (FAMILY.test(q) && !SELF_WORDS.test(q)
          ? { kind: 'family' }
          : SELF_WORDS.test(q)
            ? { kind: 'self' }
            : undefined);
  }
  const when = whenOf(q, ctx.today);
  const network: Network | undefined = OUT_OF_NETWORK.test(q)
    ? 'out_of_network'
    : /\bin[- ]network\b/.test(q)
      ? 'in_network'
      : undefined;
  return {
    lang: es ? 'es' : 'en',
    words: q,
    ...(kind ? { kind } : {}),
    ...(subject ? { subject } : {}),
    ...(unclear ? { unclear } : {}),
    ...(network ? { network } : {}),
    ...(when.year !== undefined ? { year: when.year } : {}),
    ...(categories.length ? { categories } : {}),
    standing: STANDING.test(q),
  };
}

/** Words that may stand before "visits" without naming a service. */
const VISIT_QUALIFIERS = new Set(
  'many my the of any more all remaining covered allowed our his her their your these those those free other'.split(
    ' ',
  ),
);

/** "acupuncture visits": a service the plan data does not name; answering about another would mislead. */
function unknownService(q: string): boolean {
  const m = /\b([a-z-]+)\s+(visits?|sessions?|appointments?)\b/.exec(q);
  return m?.[1] !== undefined && !VISIT_QUALIFIERS.has(m[1]);
}

function kindOf(q: string): BenefitKind | undefined {
  if (DENIED.test(q)) return BenefitKind.DENIED;
  if (PENDING.test(q)) return BenefitKind.PENDING;
  const categories = serviceCategoriesIn(q);
  if (OOP_MAX.test(q)) return BenefitKind.OUT_OF_POCKET_MAX;
  if (DEDUCTIBLE.test(q) && (DEDUCTIBLE_STATE.test(q) || categories.length === 0)) {
    if (!(categories.length > 0 && /\bappl(y|ies)\b|\bcount\b/.test(q))) return BenefitKind.DEDUCTIBLE;
  }
  if (VISITS.test(q) && VISITS_LEFT.test(q) && /\b(left|remaining|remain|allowed|limit|max(imum)?|get)\b/.test(q)) {
    if (!PAST_TENSE.test(q) || /\b(left|remaining)\b/.test(q)) return BenefitKind.VISITS_LEFT;
  }
  if (STATUS_WORD.test(q)) return BenefitKind.CLAIM_STATUS;
  if (PAST_AUX.test(q) && PAID_WORD.test(q) && CLAIM_REF.test(q) && !AMOUNT_ASKED.test(q)) {
    // "Is physical therapy covered?" asks about the plan; "was my claim covered" about a claim.
    const aboutPlan = /^\s*(is|are|does|do)\b/.test(q) && !/\b(my|our|the|his|her)\s+(claims?|bills?)\b/.test(q);
    if (!aboutPlan) return BenefitKind.CLAIM_STATUS;
  }
  const measured =
    /\b(average|on average|typically|usually|in total|total|so far|per (visit|claim))\b/.test(q) ||
    // "my hospital visit in February": a past claim, not the plan's terms.
    /\bmy ([a-z-]+ ){0,2}(visit|stay|bill|claim|appointment|surgery)s?\b/.test(q) ||
    new RegExp(`\\b${MONTH_RE}\\b(?! (?:of )?\\d{4})|\\b\\d{1,2}/\\d{1,2}\\b`).test(q.replace(/\bmay (i|we)\b/g, ''));
  if (
    COST_WORD.test(q) &&
    !PAST_TENSE.test(q) &&
    !measured &&
    (categories.length > 0 || /\bcopays?|co-pays?|coinsurance\b/.test(q))
  ) {
    return BenefitKind.COST_SHARING;
  }
  if (DEDUCTIBLE.test(q)) return categories.length > 0 ? BenefitKind.COST_SHARING : BenefitKind.DEDUCTIBLE;
  return undefined;
}

// ---------------------------------------------------------------- SQL

const str = (text: string) => `'${safeText(text).replace(/'/g, "''")}'`;
const list = (items: readonly string[]) => items.map((i) => `'${i}'`).join(', ');

/** The person condition on a table alias, relative to the asker. */
function personCondition(alias: string, subject: Subject, asker: Asker | undefined): string | undefined {
  switch (subject.kind) {
    case 'family':
      return undefined;
    case 'self':
      return !asker || asker.relationship === 'subscriber'
        ? `${alias}.relationship_code = 'subscriber'`
        : `${alias}.member_name = ${str(asker.name)}`;
    case 'relationship':
      return subject.codes.length === 1
        ? `${alias}.relationship_code = '${subject.codes[0]}'`
        : `${alias}.relationship_code IN (${list(subject.codes)})`;
    case 'name':
      return `${alias}.member_name ILIKE '%${safeText(subject.name).replace(/'/g, "''")}%'`;
  }
}

function where(conditions: readonly (string | undefined)[]): string {
  return `WHERE ${conditions.filter((c): c is string => c !== undefined).join(' AND ')}`;
}

/**
 * The SQL for a benefit intent. `memberId` must be digits.
 *
 * @example
 * writeBenefitSql(intent, '1000000001', { name: 'Daniel Whitfield', relationship: 'subscriber' })
 */
export function writeBenefitSql(intent: BenefitIntent, memberId: string, asker?: Asker): string {
  if (!/^\d{1,19}$/.test(memberId)) throw new Error('member id must be digits');
  const year = intent.planYear;
  const net = `'${intent.network}'`;
  switch (intent.kind) {
    case BenefitKind.DEDUCTIBLE:
    case BenefitKind.OUT_OF_POCKET_MAX: {
      const ded = intent.kind === BenefitKind.DEDUCTIBLE;
      const [ind, fam, met] = ded
        ? ['deductible_individual', 'deductible_family', 'deductible_met']
        : ['oop_max_individual', 'oop_max_family', 'oop_met'];
      const word = ded ? 'deductible' : 'oop';
      if (intent.subject.kind === 'family') {
        return `SELECT b.coverage_level, b.family_deductible_kind, b.${ind}, f.${met}, greatest(b.${ind} - f.${met}, 0) AS ${word}_left, b.${fam}, f.${met} AS family_${met}, greatest(b.${fam} - f.${met}, 0) AS family_${word}_left, f.people_included, f.includes_everyone, f.as_of_date FROM family_accumulators f JOIN plan_benefits b USING (member_id, plan_year, network) ${where(
          [`f.member_id = ${memberId}`, `f.plan_year = ${year}`, `f.network = ${net}`],
        )}`;
      }
      return `SELECT a.member_name, b.coverage_level, b.family_deductible_kind, b.${ind}, a.${met}, greatest(b.${ind} - a.${met}, 0) AS ${word}_left, b.${fam}, f.${met} AS family_${met}, greatest(b.${fam} - f.${met}, 0) AS family_${word}_left, f.includes_everyone, a.as_of_date FROM accumulators a JOIN plan_benefits b USING (member_id, plan_year, network) JOIN family_accumulators f USING (member_id, plan_year, network) ${where(
        [
          `a.member_id = ${memberId}`,
          `a.plan_year = ${year}`,
          `a.network = ${net}`,
          personCondition('a', intent.subject, asker),
        ],
      )} ORDER BY a.member_name`;
    }
    case BenefitKind.COST_SHARING:
      return `SELECT service_category, network, covered, copay, coinsurance_percent, deductible_applies, visit_limit FROM plan_cost_sharing ${where(
        [
          `member_id = ${memberId}`,
          `plan_year = ${year}`,
          `network = ${net}`,
          intent.categories.length === 1
            ? `service_category = '${intent.categories[0]}'`
            : intent.categories.length > 1
              ? `service_category IN (${list(intent.categories)})`
              : undefined,
        ],
      )} ORDER BY service_category`;
    case BenefitKind.VISITS_LEFT:
      return `SELECT v.member_name, v.service_category, p.covered, p.copay, p.coinsurance_percent, p.deductible_applies, p.visit_limit, v.visits_used, greatest(p.visit_limit - v.visits_used, 0) AS visits_left, v.as_of_date FROM visit_counts v JOIN plan_cost_sharing p USING (member_id, plan_year, service_category) ${where(
        [
          `v.member_id = ${memberId}`,
          `v.plan_year = ${year}`,
          `p.network = 'in_network'`,
          intent.categories.length > 0
            ? `v.service_category IN (${list(intent.categories)})`
            : 'p.visit_limit IS NOT NULL',
          personCondition('v', intent.subject, asker),
        ],
      )} ORDER BY v.member_name, v.service_category`;
    case BenefitKind.CLAIM_STATUS:
    case BenefitKind.PENDING:
    case BenefitKind.DENIED: {
      const conditions = [
        `c.member_id = ${memberId}`,
        personCondition('c', intent.subject, asker),
        intent.kind === BenefitKind.PENDING
          ? "c.claim_status = 'pending'"
          : intent.kind === BenefitKind.DENIED
            ? "c.claim_status = 'denied'"
            : undefined,
        intent.provider ? `c.provider_name ILIKE '%${safeText(intent.provider).replace(/'/g, "''")}%'` : undefined,
        intent.categories.length > 0 && !intent.provider
          ? `c.service_category IN (${list(intent.categories)})`
          : undefined,
        intent.on ? `c.claim_date = DATE '${intent.on}'` : undefined,
        intent.from ? `c.claim_date >= DATE '${intent.from}'` : undefined,
        intent.until ? `c.claim_date < DATE '${intent.until}'` : undefined,
        intent.yearSaid
          ? `c.claim_date >= DATE '${year}-01-01' AND c.claim_date < DATE '${year + 1}-01-01'`
          : undefined,
      ];
      if (intent.count) return `SELECT count(*) AS claim_count FROM claims_history c ${where(conditions)}`;
      if (intent.kind === BenefitKind.PENDING) {
        return `SELECT c.claim_date, c.member_name, c.claim_type, c.provider_name, c.charged_amount FROM claims_history c ${where(conditions)} ORDER BY c.claim_date DESC, c.claim_id`;
      }
      if (intent.kind === BenefitKind.DENIED) {
        // A Spanish question reads the reason in Spanish (the same row, its _es columns).
        const reason =
          intent.lang === 'es'
            ? 'd.title_es, d.explanation_es, d.next_steps_es'
            : 'd.title, d.explanation, d.next_steps';
        return `SELECT c.claim_date, c.member_name, c.provider_name, c.charged_amount, c.processed_date, c.denial_code, ${reason} FROM claims_history c JOIN denial_reasons d ON d.reason_code = c.denial_code ${where(conditions)} ORDER BY c.claim_date DESC, c.claim_id LIMIT 5`;
      }
      return `SELECT c.claim_date, c.member_name, c.provider_name, c.claim_status, c.processed_date, c.charged_amount, c.plan_paid_amount, c.patient_responsibility, d.title AS denial_reason FROM claims_history c LEFT JOIN denial_reasons d ON d.reason_code = c.denial_code ${where(conditions)} ORDER BY c.claim_date DESC, c.claim_id LIMIT ${intent.latest ? 1 : 3}`;
    }
  }
}

/** The member's own word for a parent ("mi papá" read as "dad"), so the answer can quote it. */
function spanishParentWord(text: string, english: string): string {
  const m = /(?<![\p{L}])(pap[aá]|mam[aá]|padres?|madre)(?![\p{L}])/iu.exec(text);
  return m?.[1] ?? english.replace(/'s$/, '');
}

/** The `<not_understood>` tag for words of the question, when there are any (escaped). */
export function notUnderstoodTag(words: readonly string[] | undefined): string {
  if (!words?.length) return '';
  return `<not_understood>${escapeTagContent(words.slice(0, 6).join(', '))}</not_understood>`;
}

/** The NULL reply: the question needs data the product does not hold. */
const NULL_SQL = '<sql>NULL</sql>';

/**
 * The engine's SQL reply for a benefit or claim-status question, or `undefined` when the question
 * is not one (the claims parser answers it).
 *
 * @example
 * benefitSqlReply('Which of my claims are still pending?', '1000000001', { today })
 */
export function benefitSqlReply(question: string, memberId: string, ctx: BenefitContext): string | undefined {
  const parsed = parseBenefitQuestion(question, ctx);
  if (!parsed) return undefined;
  if (!parsed.ok) return `${NULL_SQL}${notUnderstoodTag(parsed.notUnderstood)}`;
  return `<sql>${writeBenefitSql(parsed.intent, memberId, ctx.asker)}</sql>`;
}
