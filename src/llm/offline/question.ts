/**
 * Reads a member's question into an intent the SQL writer and the summarizer share:
 * whose claims, what type, what measure, which period, which provider — or a refusal.
 * Deterministic word rules, no network: the local stand-in for a real model.
 */
import type { ClaimType, RelationshipCode } from '../../schema/catalog.ts';
import {
  addDays,
  addMonths,
  type CalendarDate,
  formatLongDate,
  MONTH_NAMES,
  makeDate,
  monthName,
  toIso,
} from './dates.ts';

export const Measure = {
  LIST: 'list',
  COUNT: 'count',
  PROVIDER_COUNT: 'provider_count',
  TOTAL_SPENT: 'total_spent',
  PLAN_PAID: 'plan_paid',
  OUT_OF_POCKET: 'out_of_pocket',
  LARGEST: 'largest',
  LATEST: 'latest',
  TOP_PROVIDER: 'top_provider',
  PROVIDERS: 'providers',
} as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

/** One person (or group) whose claims are asked about. */
export type PersonRef =
  | { readonly kind: 'self' }
  | { readonly kind: 'relationship'; readonly codes: readonly RelationshipCode[]; readonly label: string }
  | { readonly kind: 'name'; readonly name: string };

/** A date range: `from` inclusive, `until` exclusive; either may be open. `on` = one day. */
export interface Period {
  readonly from?: string;
  readonly until?: string;
  readonly on?: string;
  /** How the summary says it: 'this year', 'in March 2026', 'on January 19, 2026'. */
  readonly phrase: string;
}

export interface Intent {
  /** Empty = the whole family (no person filter). */
  readonly people: readonly PersonRef[];
  readonly claimType?: ClaimType;
  readonly measure: Measure;
  readonly period?: Period;
  readonly provider?: string;
}

export const RefusalReason = {
  CARRIES_SQL: 'carries_sql',
  OVERRIDE: 'override',
  REVEAL: 'reveal',
  OTHER_MEMBER: 'other_member',
  OFF_TOPIC: 'off_topic',
  EMPTY: 'empty',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

export type ParseResult =
  | { readonly ok: true; readonly intent: Intent }
  | { readonly ok: false; readonly reason: RefusalReason };

export interface ParseContext {
  readonly memberId: string;
  readonly today: CalendarDate;
  /**
   * Read as a follow-up's fragment ("and last year?"): the earlier turn says what it is about,
   * so it need not name claims itself (src/llm/offline/follow-up.ts). The refusals still apply.
   */
  readonly fragment?: boolean;
}

// ---------------------------------------------------------------- refusals

const SQL_WORDS =
  /\b(select|insert|update|delete|drop|alter|union|truncate|grant|revoke|exec|execute|create\s+(table|role|function|user))\b|;|--|\/\*|\*\/|\bpg_[a-z_]+/i;
const OVERRIDE =
  /\b(ignore|disregard|forget|override|bypass|skip)\b[^.?!]*\b(instructions?|rules?|prompts?|previous|above|earlier|guidelines|restrictions?|system)\b|\byou are now\b|\bact as\b|\bpretend\b|\bjailbreak|\bdeveloper mode\b|\bnew (rules|instructions)\b|\bfrom now on\b/i;
const REVEAL =
  /\b(system (prompt|message)|prompts?|instructions|schema|ddl|database|tables?|columns?|sql|queries|query|source code)\b/i;
const OTHER_PEOPLE =
  /\b(neighbou?rs?|friends?|co-?workers?|colleagues?|boss|strangers?|other (members?|families|family|people|patients|users|customers|subscribers)|all (members|patients|users|customers|subscribers)|someone else|somebody else|another (member|family|person|patient|subscriber))\b/i;
const OFF_TOPIC = /\b(poems?|jokes?|story|song|weather|recipe|python|javascript|translate|capital of|stock|bitcoin)\b/i;
const CLAIMS_WORDS =
  /\b(claims?|totals?|amounts?|spen[dt]|spending|paid|pay|payments?|costs?|cost|owe[sd]?|bills?|billed|charge[sd]?|visits?|visited|doctors?|hospitals?|clinics?|prescriptions?|pharmac(y|ies)|rx|medical|providers?|drugs?|medications?|medicines?|copays?|deductibles?|out[- ]of[- ]pocket|shares?|expensive|care|appointments?|physicians?|insurance|covered|refills?|filled|dentists?|specialists?|labs?|er|urgent|check-?ups?|exams?|physicals?|surgery|surgeries|therapy|x-?rays?|scans?|vaccines?|shots?|tests?)\b/i;

function refusal(question: string, ctx: ParseContext): RefusalReason | undefined {
  if (question.trim() === '') return RefusalReason.EMPTY;
  if (SQL_WORDS.test(question)) return RefusalReason.CARRIES_SQL;
  if (OVERRIDE.test(question)) return RefusalReason.OVERRIDE;
  if (REVEAL.test(question)) return RefusalReason.REVEAL;
  for (const n of question.match(/\d{6,}/g) ?? []) if (n !== ctx.memberId) return RefusalReason.OTHER_MEMBER;
  if (/\b(member|subscriber|account)\s*(id|number|#)/i.test(question) && !question.includes(ctx.memberId)) {
    return RefusalReason.OTHER_MEMBER;
  }
  if (OTHER_PEOPLE.test(question)) return RefusalReason.OTHER_MEMBER;
  if (OFF_TOPIC.test(question)) return RefusalReason.OFF_TOPIC;
  return undefined;
}

// ---------------------------------------------------------------- providers

/** Words that make a capitalized phrase a provider ("Riverside Clinic"). */
const PROVIDER_NOUNS = new Set(
  'clinic pharmacy hospital center centre labs lab laboratory urgent dental pediatrics associates group physicians practice imaging radiology therapy orthopedics dermatology cardiology drugstore vision wellness medicine'.split(
    ' ',
  ),
);
/** Lower-case words that end a provider phrase after "at"/"from". */
const PROVIDER_STOP = new Set(
  'in on during since this last past for before after between over next when and or i me my we our us did do does was were is are have had spend spent pay paid owe year years month months week weeks today yesterday so ytd claims claim visits visit how what which'.split(
    ' ',
  ),
);
/** First words after "at"/"from" that show it is not a provider. */
const NOT_A_PROVIDER_START = new Set(
  'my our your his her their a an all least most once home work night this last that any what which times some first the'.split(
    ' ',
  ),
);
const GENERIC_PLACES = new Set(
  'pharmacy pharmacies doctor doctors hospital hospitals clinic clinics drugstore'.split(' '),
);

/** Keeps a provider or person name to characters that are safe in a SQL string literal. */
export function safeLiteralText(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 &.'-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
}

interface Extracted {
  readonly value: string;
  readonly masked: string;
}

function mask(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function extractProvider(question: string): Extracted | undefined {
  // "Dr. Patel" / "Dr Patel": match on the surname, whatever the stored title.
  const dr = /\bDr\.?\s+([A-Z][A-Za-z'-]+)/.exec(question);
  if (dr?.[1]) return { value: dr[1], masked: mask(question, dr.index, dr.index + dr[0].length) };

  // "at Riverside Clinic", "from CVS"
  const prep = /\b(at|from)\s+/gi;
  for (let m = prep.exec(question); m; m = prep.exec(question)) {
    const start = m.index + m[0].length;
    const words: string[] = [];
    const wordRe = /\s*([A-Za-z0-9][A-Za-z0-9&.'-]*|&)/y;
    wordRe.lastIndex = start;
    let end = start;
    for (let w = wordRe.exec(question); w?.[1]; w = wordRe.exec(question)) {
      const lower = w[1].toLowerCase().replace(/[.']+$/, '');
      if (words.length === 0 && lower === 'the') {
        end = wordRe.lastIndex;
        continue;
      }
      if (PROVIDER_STOP.has(lower) || isMonthWord(lower) || /^\d/.test(lower) || words.length >= 6) break;
      words.push(w[1]);
      end = wordRe.lastIndex;
    }
    const first = words[0]?.toLowerCase();
    if (!first || NOT_A_PROVIDER_START.has(first) || words.every((w) => GENERIC_PLACES.has(w.toLowerCase()))) continue;
    const value = safeLiteralText(words.join(' ').replace(/[.,]+$/, ''));
    if (value) return { value, masked: mask(question, m.index, end) };
  }

  // "Riverside Clinic" anywhere: a capitalized phrase ending in a provider noun.
  const phrase = /\b(?:[A-Z][A-Za-z'&.-]*\s+)+([A-Z][a-z]+)\b/g;
  for (let m = phrase.exec(question); m; m = phrase.exec(question)) {
    const words = m[0].split(/\s+/);
    while (words.length > 0 && NAME_STOP.has((words[0] ?? '').toLowerCase().replace(/'s$/, ''))) words.shift();
    if (words.length >= 2 && words.some((w) => PROVIDER_NOUNS.has(w.toLowerCase()))) {
      const value = safeLiteralText(words.join(' '));
      if (value) return { value, masked: mask(question, m.index, m.index + m[0].length) };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- people

const NAME_STOP = new Set(
  `i i'm i've i'd my me mine myself we us our ours you your the a an and or but so then now just only also any all every each both
  which what who whom whose when where why how did do does done have has had is are was were be been am can could would will should
  may might must show list give tell find get let lets display sum count number in on at from for of since during last this that
  these those past previous next most largest biggest highest out pocket owe paid pay much many spent spend spending medicine
  medication medications drug drugs rx dr mr mrs ms miss claims claim prescriptions prescription pharmacy pharmacies doctor doctors
  hospital hospitals medical dental vision visit visits visited provider providers total insurance plan copay copays deductible family
  kids kid children child son sons daughter daughters wife husband spouse partner mom dad mother father year years month months week
  weeks today yesterday er please thanks thank hi hello hey okay ok ytd summary summarize explain break down breakdown over between
  before after again yes no not expensive costly cost costs bill bills charges charged allowed covered coverage member members
  subscriber urgent care clinic lab labs emergency room checkup physical appointment appointments specialist see saw go went
  anyone everyone everybody someone whole entire other same new old first second recent recently latest ever overall average per
  by to with about into up off far here there their they them his her he she him it its monday tuesday wednesday thursday friday
  saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec was`
    .split(/\s+/)
    .concat(MONTH_NAMES),
);

const RELATIONSHIPS: readonly { re: RegExp; codes: readonly RelationshipCode[]; label: string }[] = [
  { re: /\b(spouse|wife|husband|partner)\b/i, codes: ['spouse'], label: 'spouse' },
  { re: /\b(kids?|children|child)\b/i, codes: ['son', 'daughter'], label: 'children' },
  { re: /\bsons?\b/i, codes: ['son'], label: 'son' },
  { re: /\bdaughters?\b/i, codes: ['daughter'], label: 'daughter' },
];
const SELF_WORDS = /\b(i|me|my|mine|myself|i'm|i've|i'd)\b/i;
const SELF_WITH_OTHERS = /\b(me|myself|i)\s+and\b|\band\s+(me|myself|i)\b|\bboth of us\b/i;
const FAMILY_WORDS = /\b(we|us|our|ours|family|everyone|everybody|all of us|household)\b/i;

function extractPeople(masked: string): PersonRef[] {
  const people: PersonRef[] = [];
  for (const r of RELATIONSHIPS) {
    if (
      r.re.test(masked) &&
      !(r.label !== 'children' && people.some((p) => p.kind === 'relationship' && p.label === 'children'))
    ) {
      people.push({ kind: 'relationship', codes: r.codes, label: r.label });
    }
  }
  const seen = new Set<string>();
  for (const m of masked.matchAll(/\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:'s)?\b/g)) {
    const name = m[1] ?? '';
    if (NAME_STOP.has(name.toLowerCase()) || seen.has(name)) continue;
    seen.add(name);
    people.push({ kind: 'name', name: safeLiteralText(name) });
  }
  if (people.length > 0) {
    if (SELF_WITH_OTHERS.test(masked)) people.unshift({ kind: 'self' });
    return people;
  }
  if (FAMILY_WORDS.test(masked)) return [];
  if (SELF_WORDS.test(masked)) return [{ kind: 'self' }];
  return [];
}

// ---------------------------------------------------------------- claim type and measure

const MEDICAL_WORDS =
  /\b(medical|doctors?|hospitals?|physicians?|clinics?|appointments?|er|urgent care|specialists?|check-?ups?|surgery|surgeries)\b/i;
const RX_WORDS = /\b(prescriptions?|pharmac(y|ies)|drugs?|rx|medications?|medicines?|meds|refills?|pills?)\b/i;

/** Both or neither kind of word: no type filter. */
function claimTypeOf(masked: string): ClaimType | undefined {
  const rx = RX_WORDS.test(masked);
  const medical = MEDICAL_WORDS.test(masked);
  if (rx && !medical) return 'RX';
  if (medical && !rx) return 'Medical';
  return undefined;
}

function measureOf(q: string): Measure {
  if (
    /\bmost (often|visited|frequent(ly)?|visits)\b|\b(visit|visited|see|saw|go|went|use|used)\b[^?.]*\b(the )?most\b(?!\s+(expensive|costly|recent))|\bfavou?rite\b|\bmost (common|used) (provider|doctor|pharmacy)\b/i.test(
      q,
    )
  ) {
    return Measure.TOP_PROVIDER;
  }
  if (/\b(largest|biggest|most expensive|highest|costliest|priciest|most costly)\b/i.test(q)) return Measure.LARGEST;
  if (/\b(most recent|latest|last (visit|claim|prescription|time|appointment|fill|refill|doctor))\b/i.test(q))
    return Measure.LATEST;
  const providerNoun =
    /\b(providers?|doctors?|pharmac(y|ies)|hospitals?|clinics?|places|specialists?)\b(?!\s+(visits?|claims?|bills?|charges?|appointments?))/i;
  const count = /\bhow many\b|\bnumber of\b|\bcount\b|\bhow often\b/i.test(q);
  if (count && providerNoun.test(q) && !/\bclaims?\b|\bvisits?\b|\btimes\b/i.test(q)) return Measure.PROVIDER_COUNT;
  if (count) return Measure.COUNT;
  if (
    (/\b(which|what|list|names?)\b/i.test(q) && providerNoun.test(q)) ||
    /\bwhere did\b|\bwho did\b[^?.]*\bsee\b/i.test(q)
  ) {
    return Measure.PROVIDERS;
  }
  if (/\b(plan|insurance|insurer|they)\b[^?.]*\b(pay|paid|cover|covered)\b|\bcovered\b/i.test(q))
    return Measure.PLAN_PAID;
  if (
    /out[- ]of[- ]pocket|\bowe[sd]?\b|\b(my|our) share\b|\bcopays?\b|\bresponsib|\b(i|we) (pay|paid|have to pay)\b|\bdid (i|we) pay\b|\bdeductible\b/i.test(
      q,
    )
  ) {
    return Measure.OUT_OF_POCKET;
  }
  if (/\bhow much\b|\btotal\b|\bspen[dt]\b|\bspending\b|\bcosts?\b|\bsum\b/i.test(q)) return Measure.TOTAL_SPENT;
  return Measure.LIST;
}

// ---------------------------------------------------------------- period

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  eighteen: 18,
  twenty: 20,
  thirty: 30,
};

function isMonthWord(lower: string): boolean {
  return monthIndex(lower) !== undefined;
}

/** 1-12 for 'march' / 'mar' / 'sept'. */
function monthIndex(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTH_NAMES.findIndex(
    (m) => m === w || (w.length >= 3 && m.startsWith(w) && (w.length === 3 || w === 'sept')),
  );
  return i >= 0 ? i + 1 : undefined;
}

const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

function yearRange(year: number, phrase: string): Period {
  return { from: `${year}-01-01`, until: `${year + 1}-01-01`, phrase };
}

function monthRange(year: number, month: number, phrase: string): Period {
  const first = { year, month, day: 1 };
  return { from: toIso(first), until: toIso(addMonths(first, 1)), phrase };
}

function day(d: CalendarDate): Period {
  return { on: toIso(d), phrase: `on ${formatLongDate(d)}` };
}

/** Two-digit years mean 20xx. */
function fullYear(text: string | undefined, today: CalendarDate): number {
  if (!text) return today.year;
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

/** A month without a year is this year's, unless it has not started yet: then last year's. */
function monthYear(month: number, today: CalendarDate): number {
  return month > today.month ? today.year - 1 : today.year;
}

function periodOf(q: string, today: CalendarDate): Period | undefined {
  const lower = q.toLowerCase();
  const since = /\bsince\s+/.test(lower);

  let m = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?\b/.exec(lower);
  if (m) {
    const d = makeDate(fullYear(m[3], today), Number(m[1]), Number(m[2]));
    if (d) return since ? { from: toIso(d), phrase: `since ${formatLongDate(d)}` } : day(d);
  }
  m = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(lower);
  if (m) {
    const d = makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d) return day(d);
  }
  m = new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4}))?`).exec(lower);
  if (m?.[1]) {
    const month = monthIndex(m[1]);
    const d = month ? makeDate(m[3] ? Number(m[3]) : today.year, month, Number(m[2])) : undefined;
    if (d) return day(d);
  }

  m = /\b(?:last|past|previous|prior)\s+(\d{1,3}|[a-z]+)\s+(days?|weeks?|months?|years?)\b/.exec(lower);
  const n = m ? (/^\d+$/.test(m[1] ?? '') ? Number(m[1]) : NUMBER_WORDS[m[1] ?? '']) : undefined;
  if (m && n && n > 0) {
    const unit = (m[2] ?? '').replace(/s$/, '');
    const from =
      unit === 'day'
        ? addDays(today, -n)
        : unit === 'week'
          ? addDays(today, -7 * n)
          : addMonths(today, unit === 'year' ? -12 * n : -n);
    return { from: toIso(from), phrase: `in the last ${n} ${unit}${n === 1 ? '' : 's'}` };
  }
  if (/\b(past|last)\s+(twelve|12)\s+months\b|\bpast year\b|\blast 365 days\b/.test(lower)) {
    return { from: toIso(addMonths(today, -12)), phrase: 'in the last 12 months' };
  }
  if (/\bpast month\b/.test(lower)) return { from: toIso(addMonths(today, -1)), phrase: 'in the past month' };
  if (/\bpast week\b/.test(lower)) return { from: toIso(addDays(today, -7)), phrase: 'in the past week' };

  if (/\bthis year\b|\byear to date\b|\byear-to-date\b|\bytd\b|\bso far\b(?! in)/.test(lower))
    return yearRange(today.year, 'this year');
  if (/\b(last|previous|prior) year\b/.test(lower)) return yearRange(today.year - 1, `last year (${today.year - 1})`);
  if (/\bthis month\b/.test(lower)) return monthRange(today.year, today.month, 'this month');
  if (/\b(last|previous|prior) month\b/.test(lower)) {
    const prev = addMonths({ ...today, day: 1 }, -1);
    return monthRange(prev.year, prev.month, `last month (${monthName(prev.month)} ${prev.year})`);
  }
  if (/\btoday\b/.test(lower)) return day(today);
  if (/\byesterday\b/.test(lower)) return day(addDays(today, -1));

  // "in March", "March 2025", "since May": "may" only counts after a preposition or before a year.
  const monthWord = new RegExp(`\\b(in|during|for|since|of|from)?\\s*${MONTH_RE}(?:\\s+(?:of\\s+)?(\\d{4}))?\\b`, 'g');
  for (const mm of lower.matchAll(monthWord)) {
    const word = mm[2] ?? '';
    if (word === 'may' && !mm[1] && !mm[3]) continue;
    const month = monthIndex(word);
    if (!month) continue;
    const year = mm[3] ? Number(mm[3]) : monthYear(month, today);
    if (mm[1] === 'since') return { from: toIso({ year, month, day: 1 }), phrase: `since ${monthName(month)} ${year}` };
    return monthRange(year, month, `in ${monthName(month)} ${year}`);
  }

  m = /\b(since|in|during|for|of)?\s*((?:19|20)\d{2})\b/.exec(lower);
  if (m?.[2]) {
    const year = Number(m[2]);
    if (m[1] === 'since') return { from: `${year}-01-01`, phrase: `since ${year}` };
    return yearRange(year, `in ${year}`);
  }
  return undefined;
}

/** Claims-related words, or a provider, or a date about a person: the question is about claims. */
function isOnTopic(q: string, intent: Intent): boolean {
  if (CLAIMS_WORDS.test(q) || intent.provider) return true;
  return intent.period !== undefined && intent.people.length > 0;
}

/**
 * Reads a question (already unescaped from its tag) into an intent, or a refusal.
 *
 * @example
 * parseQuestion('How much did I spend on prescriptions this year?', { memberId: '1000000001', today })
 * // { ok: true, intent: { people: [{ kind: 'self' }], claimType: 'RX', measure: 'total_spent', period: {...} } }
 */
export function parseQuestion(question: string, ctx: ParseContext): ParseResult {
  const q = question
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const refused = refusal(q, ctx);
  if (refused) return { ok: false, reason: refused };

  const provider = extractProvider(q);
  const masked = provider?.masked ?? q;
  const measure = measureOf(masked);
  const intent: Intent = {
    people: extractPeople(masked),
    measure,
    ...withDefined('claimType', claimTypeOf(masked)),
    ...withDefined('period', periodOf(masked, ctx.today)),
    ...withDefined('provider', provider?.value),
  };
  if (!ctx.fragment && !isOnTopic(q, intent)) return { ok: false, reason: RefusalReason.OFF_TOPIC };
  return { ok: true, intent };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
