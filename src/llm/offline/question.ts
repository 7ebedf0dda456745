/**
 * Reads a member's question into an intent the SQL writer and the summarizer share — whose
 * claims (resolved against the family roster, relative to the asker), what type, which provider
 * or kind of care, which diagnosis, amount thresholds, which period and which measure — or a
 * refusal. Deterministic word rules, no network: the local stand-in for a real model.
 *
 * Sound before broad: every word is consumed by a matcher or is a known filler word; anything
 * left over is returned in `notUnderstood`, and the engine says so instead of answering a
 * different question.
 */
import { detectLanguage, type Lang } from '../../core/language.ts';
import { type Kinship, kinOfNamed, type ParsedRosterEntry, readParentWord } from '../../core/roster.ts';
import type { ClaimType, RelationshipCode } from '../../schema/catalog.ts';
import type { MoneyColumn } from '../../schema/vocabulary.ts';
import { addDays, addMonths, type CalendarDate, makeDate, toIso } from './dates.ts';
import {
  DIAGNOSIS_PHRASES,
  MEASURE_PHRASES,
  MEDICAL_WORDS,
  MONEY_PHRASES,
  MONTH_ABBREVIATIONS,
  MONTHS_EN,
  MONTHS_ES,
  NUMBER_WORDS,
  PEOPLE_WORDS,
  type PersonWord,
  PROVIDER_NOUNS,
  RX_WORDS,
  SERVICE_PHRASES,
  STOPWORDS,
} from './lexicon.ts';
import { editDistance, isKnown, phrases, Sentence, stripAccents, type Token, tokenize } from './words.ts';

export const Measure = {
  LIST: 'list',
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  MAX: 'max',
  MIN: 'min',
  LATEST: 'latest',
  EARLIEST: 'earliest',
  PROVIDERS: 'providers',
  PROVIDER_COUNT: 'provider_count',
  TOP_PROVIDER: 'top_provider',
} as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

/** One person named in the question, as the roster knows them. */
export interface PersonRef {
  readonly fullName: string;
  readonly firstName: string;
  readonly relationship: RelationshipCode;
  readonly kinship: Kinship;
  readonly visible: boolean;
}

/** Whose claims: the whole family, or people (without a roster: relationship codes or names). */
export type People =
  | { readonly kind: 'family' }
  | { readonly kind: 'self' }
  | { readonly kind: 'people'; readonly people: readonly PersonRef[] }
  | { readonly kind: 'codes'; readonly codes: readonly RelationshipCode[]; readonly self: boolean }
  | { readonly kind: 'names'; readonly names: readonly string[]; readonly self: boolean };

/** A date range: `from` inclusive, `until` exclusive; either may be open. */
export interface Period {
  readonly from?: string;
  readonly until?: string;
}

export interface Amount {
  readonly column: MoneyColumn;
  readonly op: '>' | '>=' | '<' | '<=' | '=';
  readonly value: number;
}

export interface Intent {
  readonly lang: Lang;
  readonly people: People;
  readonly claimType?: ClaimType;
  readonly period?: Period;
  /** provider_name ILIKE pattern ('%Valley%General%'). */
  readonly provider?: string;
  /** A SERVICE_KINDS key, or 'er' (emergency-room visit codes). */
  readonly service?: string;
  /** ICD-10 codes. */
  readonly diagnosis?: readonly string[];
  readonly amounts: readonly Amount[];
  readonly measure: Measure;
  /** Money columns the measure is about (sum/avg/max/min), in the order to say them. */
  readonly columns: readonly MoneyColumn[];
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
  | { readonly ok: true; readonly intent: Intent; readonly notUnderstood: readonly string[] }
  | { readonly ok: false; readonly reason: RefusalReason; readonly notUnderstood?: readonly string[] };

export interface ParseContext {
  readonly memberId: string;
  readonly today: CalendarDate;
  /** The family as the asker sees it (from the prompt's `<roster>`); empty = unknown. */
  readonly roster?: readonly ParsedRosterEntry[];
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
  /\b(neighbou?rs?|friends?|co-?workers?|colleagues?|boss|strangers?|other (members?|families|family|people|patients|users|customers|subscribers)|all (members|patients|users|customers|subscribers)|every (member|patient|user|family)|someone else|somebody else|another (member|family|person|patient|subscriber)|vecinos?|amigos?|otra familia|otras familias)\b/i;
const OFF_TOPIC =
  /\b(poems?|jokes?|story|song|weather|recipe|python|javascript|translate|capital of|stock|bitcoin|chiste|poema|clima)\b/i;
const WRITE_WORDS =
  /\b(change|changes|modify|edit|erase|remove|cancel|set|reset|add|submit|file|dispute|appeal|correct|fix|cambia|cambiar|borra|borrar|elimina|eliminar)\b/i;

/**
 * Why a question is refused before anything is looked up (SQL, overrides, other members, off-topic,
 * requests to change claims), or `undefined`. Benefit questions go through the same check.
 */
export function questionRefusal(question: string, ctx: Pick<ParseContext, 'memberId'>): RefusalReason | undefined {
  return refusal(question.replace(/\s+/g, ' ').trim(), ctx);
}

function refusal(question: string, ctx: Pick<ParseContext, 'memberId'>): RefusalReason | undefined {
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
  // Asking to change claims is not a question about them.
  if (/^\s*(please\s+)?[a-z]+/i.test(question) && WRITE_WORDS.test(question.split(/\s+/).slice(0, 2).join(' ')))
    return RefusalReason.OFF_TOPIC;
  return undefined;
}

// ---------------------------------------------------------------- periods

const MONTH_WORDS = [...MONTHS_EN, ...MONTHS_ES, ...Object.keys(MONTH_ABBREVIATIONS)];
const MONTH = `(${[...MONTH_WORDS].sort((a, b) => b.length - a.length).join('|')})`;
// "$2000" and "2000 dollars" are amounts, not years.
const YEAR = '(?<![$\\d.,])((?:19|20)\\d\\d)(?! ?(?:dollars|bucks|dolares|usd)\\b)';
const NUM = `(\\d{1,3}|${Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;

function monthNumber(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const en = MONTHS_EN.indexOf(word);
  if (en >= 0) return en + 1;
  const es = MONTHS_ES.indexOf(word);
  if (es >= 0) return es + 1;
  return MONTH_ABBREVIATIONS[word];
}

function numberOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

function monthRange(year: number, month: number): Period {
  const first = { year, month, day: 1 };
  return { from: toIso(first), until: toIso(addMonths(first, 1)) };
}

function yearRange(year: number): Period {
  return { from: `${year}-01-01`, until: `${year + 1}-01-01` };
}

function dayRange(d: CalendarDate): Period {
  return { from: toIso(d), until: toIso(addDays(d, 1)) };
}

function intersect(a: Period | undefined, b: Period): Period | undefined {
  if (!a) return b;
  const from = [a.from, b.from]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  const until = [a.until, b.until].filter((x): x is string => !!x).sort()[0];
  if (from && until && from >= until) return undefined;
  return { ...(from ? { from } : {}), ...(until ? { until } : {}) };
}

/** The most recent past (or current) occurrence of a month: "last March". */
function lastMonthNamed(month: number, today: CalendarDate, strictlyPast: boolean): number {
  return month < today.month || (!strictlyPast && month === today.month) ? today.year : today.year - 1;
}

function readPeriods(s: Sentence, today: CalendarDate, notUnderstood: string[]): Period | undefined {
  let period: Period | undefined;
  const add = (p: Period | undefined, m: RegExpExecArray) => {
    if (!p) return;
    const next = intersect(period, p);
    if (next === undefined) notUnderstood.push(m[0]);
    else period = next;
  };
  const yearOr = (y: string | undefined) => (y ? Number(y) : today.year);

  // Explicit days: 3/15(/2026), 2026-03-15, March 15(, 2026), 15 de marzo (de 2026)
  s.take(/\b(?:on |el )?(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?\b/g, (m) => {
    const y = m[3] ? (m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3])) : today.year;
    const d = makeDate(y, Number(m[1]), Number(m[2]));
    if (!d) return false;
    add(dayRange(d), m);
    return true;
  });
  s.take(/\b(?:on |el )?(\d{4})-(\d{2})-(\d{2})\b/g, (m) => {
    const d = makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!d) return false;
    add(dayRange(d), m);
    return true;
  });
  s.take(new RegExp(`\\b(?:on (?:the )?)?${MONTH} (\\d{1,2})(?:st|nd|rd|th)?(?: ${YEAR})?\\b`, 'g'), (m) => {
    const month = monthNumber(m[1]);
    const d = month ? makeDate(yearOr(m[3]), month, Number(m[2])) : undefined;
    if (!d) return false;
    add(dayRange(d), m);
    return true;
  });
  s.take(new RegExp(`\\b(?:el )?(\\d{1,2}) de ${MONTH}(?: (?:de|del) ${YEAR})?\\b`, 'g'), (m) => {
    const month = monthNumber(m[2]);
    const d = month ? makeDate(yearOr(m[3]), month, Number(m[1])) : undefined;
    if (!d) return false;
    add(dayRange(d), m);
    return true;
  });

  // Month ranges: between March and June (2025 | of last year)
  const lastYearTail =
    '(?: (?:of |in )?(last year|this year)| (?:del|de el) (ano pasado)| (?:de|del|de este) (este ano|ano))?';
  s.take(
    new RegExp(
      `\\b(?:between|from|entre|del|de|desde) ${MONTH} (?:and|to|through|until|y|al|a|hasta) ${MONTH}(?:,? (?:of |de |del )?${YEAR})?${lastYearTail}\\b`,
      'g',
    ),
    (m) => {
      const a = monthNumber(m[1]);
      const b = monthNumber(m[2]);
      if (!a || !b || b < a) return false;
      const y = m[3] ? Number(m[3]) : m[4] === 'last year' || m[5] ? today.year - 1 : today.year;
      add({ from: toIso({ year: y, month: a, day: 1 }), until: toIso(addMonths({ year: y, month: b, day: 1 }, 1)) }, m);
      return true;
    },
  );

  // Last N days/weeks/months/years; los últimos N meses; hace N meses
  s.take(
    new RegExp(
      `\\b(?:in |over |during |within )?(?:the )?(?:last|past|previous|prior) ${NUM} (days?|weeks?|months?|years?)\\b`,
      'g',
    ),
    (m) => nUnits(m, numberOf(m[1]), m[2] ?? '', today, add),
  );
  s.take(
    new RegExp(
      `\\b(?:en |durante )?(?:los |las )?(?:ultimos|ultimas|pasados|pasadas) ${NUM} (dias|semanas|meses|anos)\\b`,
      'g',
    ),
    (m) => nUnits(m, numberOf(m[1]), m[2] ?? '', today, add),
  );
  s.take(new RegExp(`\\b(?:desde )?hace ${NUM} (dias|semanas|meses)\\b`, 'g'), (m) =>
    nUnits(m, numberOf(m[1]), m[2] ?? '', today, add),
  );
  s.take(
    /\b(?:in |over |during )?(?:the )?(?:past|last) (?:twelve months|12 months|365 days)\b|\b(?:in |over |during )?(?:the )?past year\b|\b(?:in |over |during |within )?the last year\b|\b(?:en )?el ultimo ano\b/g,
    (m) => {
      add({ from: toIso(addMonths(today, -12)) }, m);
      return true;
    },
  );

  // Month of last year / last March / this past March
  s.take(
    new RegExp(
      `\\b(?:in |during |en )?${MONTH} (?:of |in )?last year\\b|\\b(?:en )?${MONTH} (?:del|de el) ano pasado\\b`,
      'g',
    ),
    (m) => {
      const month = monthNumber(m[1] ?? m[2]);
      if (!month) return false;
      add(monthRange(today.year - 1, month), m);
      return true;
    },
  );
  s.take(new RegExp(`\\b(?:in |during )?(?:this past|last) ${MONTH}\\b`, 'g'), (m) => {
    const month = monthNumber(m[1]);
    if (!month) return false;
    add(monthRange(lastMonthNamed(month, today, true), month), m);
    return true;
  });

  // Halves of a year: "the first half of this year", "second half of 2025"
  s.take(
    new RegExp(
      `\\b(?:in |during )?(?:the )?(first|second|1st|2nd) half(?: of)?(?: (?:the year|this year|(last year)|${YEAR}))?\\b`,
      'g',
    ),
    (m) => {
      const y = m[3] ? Number(m[3]) : m[2] ? today.year - 1 : today.year;
      const first = { year: y, month: m[1] === 'first' || m[1] === '1st' ? 1 : 7, day: 1 };
      add({ from: toIso(first), until: toIso(addMonths(first, 6)) }, m);
      return true;
    },
  );

  // Relative calendar periods
  const simple: [RegExp, () => Period][] = [
    [
      /\b(?:so far )?this year(?: so far)?\b|\bso far\b|\byear to date\b|\bytd\b|\bcurrent year\b|\b(?:en )?este ano\b|\b(?:en )?lo que va del ano\b/g,
      () => yearRange(today.year),
    ],
    [
      /\b(?:the )?(?:last|previous|prior) (?:calendar )?year\b|\b(?:el |del )?ano pasado\b/g,
      () => yearRange(today.year - 1),
    ],
    [/\b(?:the )?year before last\b|\b(?:two|2) years ago\b|\bhace dos anos\b/g, () => yearRange(today.year - 2)],
    [/\bthis month\b|\beste mes\b/g, () => monthRange(today.year, today.month)],
    [
      /\b(?:the )?(?:last|previous|prior) month\b|\b(?:el )?mes pasado\b/g,
      () => {
        const prev = addMonths({ ...today, day: 1 }, -1);
        return monthRange(prev.year, prev.month);
      },
    ],
    [/\bthis week\b|\besta semana\b/g, () => ({ from: toIso(addDays(today, -6)) })],
    [/\b(?:the )?(?:last|past|previous) week\b|\bla semana pasada\b/g, () => ({ from: toIso(addDays(today, -7)) })],
    [/\btoday\b|\bhoy\b/g, () => dayRange(today)],
    [/\byesterday\b|\bayer\b/g, () => dayRange(addDays(today, -1))],
  ];
  for (const [re, range] of simple) {
    s.take(re, (m) => {
      add(range(), m);
      return true;
    });
  }

  // Quarters
  s.take(
    new RegExp(
      `\\b(?:in |during )?(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|q1|q2|q3|q4) quarter(?: (?:of )?${YEAR})?\\b|\\b(q[1-4])(?: ${YEAR})?\\b`,
      'g',
    ),
    (m) => {
      const word = m[1] ?? m[3] ?? '';
      const q = {
        first: 1,
        '1st': 1,
        q1: 1,
        second: 2,
        '2nd': 2,
        q2: 2,
        third: 3,
        '3rd': 3,
        q3: 3,
        fourth: 4,
        '4th': 4,
        q4: 4,
      }[word];
      if (!q) return false;
      const y = yearOr(m[2] ?? m[4]);
      const first = { year: y, month: (q - 1) * 3 + 1, day: 1 };
      add({ from: toIso(first), until: toIso(addMonths(first, 3)) }, m);
      return true;
    },
  );

  // since / before / after a month, year or date
  s.take(
    new RegExp(`\\b(since|after|before|desde|despues de|antes de) ${MONTH}(?:,? (?:of |de |del )?${YEAR})?\\b`, 'g'),
    (m) => {
      const month = monthNumber(m[2]);
      if (!month) return false;
      const start = { year: yearOr(m[3]), month, day: 1 };
      const word = m[1] ?? '';
      if (word === 'since' || word === 'desde') add({ from: toIso(start) }, m);
      else if (word === 'before' || word === 'antes de') add({ until: toIso(start) }, m);
      else add({ from: toIso(addMonths(start, 1)) }, m);
      return true;
    },
  );
  s.take(new RegExp(`\\b(since|after|before|desde|despues de|antes de) ${YEAR}\\b`, 'g'), (m) => {
    const y = Number(m[2]);
    const word = m[1] ?? '';
    if (word === 'since' || word === 'desde') add({ from: `${y}-01-01` }, m);
    else if (word === 'before' || word === 'antes de') add({ until: `${y}-01-01` }, m);
    else add({ from: `${y + 1}-01-01` }, m);
    return true;
  });

  // A month with or without a year: no year means the current year (the source's rule).
  s.take(
    new RegExp(
      `\\b(in|during|for|of|from|en|durante|de|del|para)?\\s?${MONTH}(?:,? (?:of |de |del )?${YEAR})?(?: (this year|este ano))?\\b`,
      'g',
    ),
    (m) => {
      const word = m[2] ?? '';
      if ((word === 'may' || word === 'mar') && !m[1] && !m[3]) return false;
      if (word === 'mar' && m[1] === 'de') return false;
      const month = monthNumber(word);
      if (!month) return false;
      add(monthRange(yearOr(m[3]), month), m);
      return true;
    },
  );
  s.take(new RegExp(`\\b(?:in|during|for|of|en|durante|del|de)?\\s?${YEAR}\\b`, 'g'), (m) => {
    add(yearRange(Number(m[1])), m);
    return true;
  });
  // "ever", "all time": no date condition, said on purpose.
  s.take(
    /\b(?:ever|all time|of all time|to date|in total|all together|altogether|overall|alguna vez|en total|nunca)\b/g,
  );
  return period;
}

function nUnits(
  m: RegExpExecArray,
  n: number | undefined,
  unitWord: string,
  today: CalendarDate,
  add: (p: Period | undefined, m: RegExpExecArray) => void,
): boolean {
  if (!n || n < 1 || n > 400) return false;
  const unit = unitWord.replace(/s$/, '');
  let from: CalendarDate;
  if (unit === 'day' || unit === 'dia') from = addDays(today, -n);
  else if (unit === 'week' || unit === 'semana') from = addDays(today, -7 * n);
  else if (unit === 'month' || unit === 'mese' || unit === 'me') from = addMonths(today, -n);
  else from = addMonths(today, -12 * n);
  add({ from: toIso(from) }, m);
  return true;
}

// ---------------------------------------------------------------- amounts

const MONEY = '\\$?(\\d+(?:\\.\\d{1,2})?)(k)?(?: (?:dollars|bucks|dolares|usd))?';
const GT =
  '(?:over|above|more than|greater than|higher than|exceeding|in excess of|mas de|mas que|mayores? (?:de|que|a)|superior(?:es)? a|arriba de)';
const GE = '(?:at least|no less than|minimum of|a minimum of|por lo menos|al menos)';
const LT =
  '(?:under|below|less than|lower than|cheaper than|menos de|menos que|menores? (?:de|que|a)|por debajo de|debajo de)';
const LE = '(?:at most|no more than|maximum of|a maximum of|como maximo|a lo mucho)';

const MONEY_WORD_COLUMN: readonly [RegExp, MoneyColumn][] = [
  [phrases(MONEY_PHRASES.plan), 'plan_paid_amount'],
  [phrases(MONEY_PHRASES.copay), 'copay_amount'],
  [phrases(MONEY_PHRASES.coinsurance), 'coinsurance_amount'],
  [phrases(MONEY_PHRASES.member), 'patient_responsibility'],
  [phrases(MONEY_PHRASES.charged), 'charged_amount'],
  [phrases(MONEY_PHRASES.allowed), 'allowed_amount'],
];

/** Tokens that may sit between a money word and a comparator ("I paid more than", "were billed over"). */
const BETWEEN_OK = new Set(
  'i we he she they you it was were is are been had have has did do does that which who'.split(' '),
);

function boundColumn(s: Sentence, idx: number[]): MoneyColumn | undefined {
  const first = idx[0] ?? 0;
  const last = idx.at(-1) ?? 0;
  // Before: "... paid more than $100", "cost less than", "owe more than"
  for (let i = first - 1, skipped = 0; i >= 0 && skipped <= 2; i--) {
    const t = s.tokens[i] as Token;
    if (t.used) break;
    for (const [re, col] of MONEY_WORD_COLUMN) {
      const span = phraseEndingAt(s, i, re);
      if (span) {
        for (const j of span) (s.tokens[j] as Token).used = true;
        return col;
      }
    }
    if (!BETWEEN_OK.has(t.norm)) break;
    skipped++;
  }
  // After: "$100 out of pocket", "$500 billed"
  for (const [re, col] of MONEY_WORD_COLUMN) {
    for (let end = last + 1; end <= last + 3 && end < s.tokens.length; end++) {
      const slice = s.tokens.slice(last + 1, end + 1);
      if (slice.some((t) => t.used)) break;
      const text = slice.map((t) => t.norm).join(' ');
      const g = new RegExp(re.source, 'g');
      const m = g.exec(text);
      if (m && m.index === 0 && m[0].length === text.length) {
        for (const t of slice) t.used = true;
        return col;
      }
    }
  }
  return undefined;
}

/** Token indices of a phrase of `re` that ends at token `end`, if there is one. */
function phraseEndingAt(s: Sentence, end: number, re: RegExp): number[] | undefined {
  for (let start = Math.max(0, end - 3); start <= end; start++) {
    const slice = s.tokens.slice(start, end + 1);
    if (slice.some((t) => t.used)) continue;
    const text = slice.map((t) => t.norm).join(' ');
    const g = new RegExp(re.source, 'g');
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (m.index === 0 && m[0].length === text.length) return slice.map((_, k) => start + k);
    }
  }
  return undefined;
}

function amountValue(num: string | undefined, k: string | undefined): number | undefined {
  if (!num) return undefined;
  const n = Number(num) * (k ? 1000 : 1);
  return Number.isFinite(n) ? n : undefined;
}

function readAmounts(s: Sentence): Amount[] {
  const out: Amount[] = [];
  const push = (idx: number[], op: Amount['op'], value: number | undefined) => {
    if (value === undefined) return false;
    out.push({ column: boundColumn(s, idx) ?? 'charged_amount', op, value });
    return true;
  };
  s.take(new RegExp(`\\b(?:between|entre) ${MONEY} (?:and|y) ${MONEY}`, 'g'), (m, idx) => {
    const lo = amountValue(m[1], m[2]);
    const hi = amountValue(m[3], m[4]);
    if (lo === undefined || hi === undefined) return false;
    const col = boundColumn(s, idx) ?? 'charged_amount';
    out.push({ column: col, op: '>=', value: lo }, { column: col, op: '<=', value: hi });
    return true;
  });
  s.take(new RegExp(`(?<![\\w$])${GT} ${MONEY}`, 'g'), (m, idx) => push(idx, '>', amountValue(m[1], m[2])));
  s.take(new RegExp(`(?<![\\w$])${GE} ${MONEY}`, 'g'), (m, idx) => push(idx, '>=', amountValue(m[1], m[2])));
  s.take(new RegExp(`(?<![\\w$])${LT} ${MONEY}`, 'g'), (m, idx) => push(idx, '<', amountValue(m[1], m[2])));
  s.take(new RegExp(`(?<![\\w$])${LE} ${MONEY}`, 'g'), (m, idx) => push(idx, '<=', amountValue(m[1], m[2])));
  s.take(new RegExp(`(?<![\\w])${MONEY} (?:or more|and up|and above|or higher|o mas)\\b`, 'g'), (m, idx) =>
    push(idx, '>=', amountValue(m[1], m[2])),
  );
  s.take(new RegExp(`(?<![\\w])${MONEY} (?:or less|and under|and below|or lower|o menos)\\b`, 'g'), (m, idx) =>
    push(idx, '<=', amountValue(m[1], m[2])),
  );
  // Nothing to pay: "did I pay nothing for", "free", "$0 out of pocket"
  s.take(
    /\b(?:(?:paid|pay|owe|owed|pague|pagamos) (?:nothing|zero|\$?0|nada)|(?:nothing|zero|\$0|nada) (?:out of pocket|de mi bolsillo|to pay)|(?:for )?free|gratis|no cost to me|didnt pay anything|did not pay anything)\b/g,
    () => {
      out.push({ column: 'patient_responsibility', op: '=', value: 0 });
      return true;
    },
  );
  return out;
}

// ---------------------------------------------------------------- providers

const PROVIDER_PREPS = new Set(['at', 'from', 'to', 'with', 'by', 'en', 'de', 'del', 'con']);
/** Words before a kind of provider that describe it rather than name it ("different pharmacies"). */
const NOT_PROVIDER_ADJECTIVES = new Set(
  'different distinct other various several many some new local nearby same diferentes distintos distintas otras otros'.split(
    ' ',
  ),
);
/** A provider's name ends in a singular noun ("Greenleaf Pharmacy"); "pharmacies" is a kind. */
const PLURAL_KIND_NOUNS = new Set('pharmacies clinics hospitals centers centres labs laboratories'.split(' '));
const LOWER_CASE_PROVIDER_PREPS = new Set([...PROVIDER_PREPS].filter((w) => w !== 'by'));

function isProviderWord(t: Token, names: ReadonlySet<string>): boolean {
  if (names.has(t.norm)) return false;
  if (PROVIDER_NOUNS.has(t.norm)) return true;
  if (/^#?\d+$/.test(t.norm) || t.norm === '&' || t.norm === 'and' || t.norm === 'of' || t.norm === 'st') return false;
  return !isKnown(t.norm);
}

function readProvider(s: Sentence, names: ReadonlySet<string>): string | undefined {
  const tokens = s.tokens;
  const candidates: number[][] = [];
  // Runs of capitalized words ("Valley General Hospital", "St. Aldric Regional Hospital", "Obstetrics & Gynecology")
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.used || names.has(t.norm)) continue;
    // "meadowbrook internal medicine": an unknown lower-case word that goes on into provider nouns.
    const next = tokens[i + 1];
    const lowerName =
      !isKnown(t.norm) &&
      t.norm.length >= 4 &&
      /^[a-z]+$/.test(t.norm) &&
      !NOT_PROVIDER_ADJECTIVES.has(t.norm) &&
      next !== undefined &&
      !next.used &&
      PROVIDER_NOUNS.has(next.norm) &&
      !PLURAL_KIND_NOUNS.has(next.norm);
    const startsRun =
      (t.capitalized && t.norm.length > 1) ||
      lowerName ||
      // "by video", "by phone": a lower-case word after "by" is how, not where.
      (i > 0 && LOWER_CASE_PROVIDER_PREPS.has(tokens[i - 1]?.norm ?? '') && isProviderWord(t, names));
    if (!startsRun) continue;
    const run: number[] = [];
    const capitalMode = t.capitalized;
    let j = i;
    for (; j < tokens.length; j++) {
      const u = tokens[j] as Token;
      if (u.used || names.has(u.norm)) break;
      const connector =
        run.length > 0 && (u.norm === '&' || u.norm === 'and' || u.norm === 'of' || /^#\d+$/.test(u.raw));
      const capital = u.capitalized && u.norm.length > 1;
      // A capitalized name goes on with capitals and provider nouns; a lower-case one after
      // "at"/"to" goes on with words the engine does not know and provider nouns.
      const fits = capitalMode
        ? capital || connector || PROVIDER_NOUNS.has(u.norm)
        : connector || isProviderWord(u, names);
      if (!fits) break;
      run.push(j);
    }
    while (run.length && ['&', 'and', 'of'].includes(tokens[run.at(-1) as number]?.norm ?? '')) run.pop();
    if (run.length) candidates.push(run);
    i = Math.max(i, j - 1);
  }
  for (const run of candidates) {
    const words = run.map((k) => tokens[k] as Token);
    // Needs a word the engine does not know (a name), or several words ending in a provider noun.
    const unknown = words.some((w) => !isKnown(w.norm) && !PROVIDER_NOUNS.has(w.norm));
    const named = words.length >= 2 && PROVIDER_NOUNS.has(words.at(-1)?.norm ?? '') && words.some((w) => w.capitalized);
    if (!unknown && !named) continue;
    for (const k of run) (tokens[k] as Token).used = true;
    // A preposition right before belongs to it ("at", "from").
    const before = run[0] !== undefined ? tokens[run[0] - 1] : undefined;
    if (before && !before.used && PROVIDER_PREPS.has(before.norm)) before.used = true;
    const parts = words.map((w) => w.raw.replace(/[^A-Za-z0-9À-ÿ&#'-]/g, '')).filter(Boolean);
    return `%${parts.join('%')}%`;
  }
  return undefined;
}

// ---------------------------------------------------------------- people

/**
 * A possessive name that is not on the family's plan and is not a provider ("the Whitfields'
 * claims", "Emma's prescriptions" when no Emma is on the plan): someone else's claims.
 */
function namesSomeoneElse(s: Sentence, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  return s.tokens.some((t, i) => {
    if (t.used || !t.capitalized || !t.possessive || names.has(t.norm) || isKnown(t.norm)) return false;
    const next = s.tokens[i + 1];
    const before = s.tokens[i - 1];
    if (next && PROVIDER_NOUNS.has(next.norm)) return false;
    return !(before && (PROVIDER_PREPS.has(before.norm) || before.capitalized));
  });
}

const lastWord = (text: string) => text.trim().split(/\s+/).at(-1) ?? text;

function resolveKinships(roster: readonly ParsedRosterEntry[], word: PersonWord): ParsedRosterEntry[] {
  const kin = (...k: Kinship[]) => roster.filter((p) => k.includes(p.kinship));
  switch (word) {
    case 'spouse':
      return kin('spouse');
    case 'son':
      return kin('son');
    case 'daughter':
      return kin('daughter');
    case 'children':
      return kin('son', 'daughter');
    case 'grandchild':
      return kin('dependent');
    case 'parent':
      return kin('parent', 'plan_holder', 'plan_holder_spouse');
    case 'grandparent':
      return kin('plan_holder', 'plan_holder_spouse');
    case 'brother':
      return kin('brother');
    case 'sister':
      return kin('sister');
    case 'siblings':
      return kin('brother', 'sister');
    default:
      return [];
  }
}

const FALLBACK_CODES: Partial<Record<PersonWord, RelationshipCode[]>> = {
  spouse: ['spouse'],
  son: ['son'],
  daughter: ['daughter'],
  children: ['son', 'daughter'],
  grandchild: ['other'],
};

interface PeopleRead {
  readonly people: People;
}

function readPeople(s: Sentence, ctx: ParseContext, notUnderstood: string[], lang: Lang): PeopleRead {
  const roster = ctx.roster ?? [];
  const chosen: ParsedRosterEntry[] = [];
  const codes: RelationshipCode[] = [];
  const names: string[] = [];
  const possessive = '(?:(?:my|our|mi|mis|nuestro|nuestra|nuestros|nuestras|su|sus|the|el|la|los|las) )?';

  // Relation words ("my husband", "mom", "mi hijo")
  for (const [word, list] of Object.entries(PEOPLE_WORDS) as [PersonWord, readonly string[]][]) {
    if (word === 'self' || word === 'family') continue;
    s.take(new RegExp(`(?<![\\w])${possessive}(?:${list.join('|')})(?![\\w])`, 'g'), (m) => {
      if (roster.length) {
        // "mom" / "dad": the data holds no one's sex; with two parents who could be meant, the
        // member is asked for a name (the words are not understood), never answered by a guess.
        const parent =
          word === 'parent'
            ? readParentWord(
                roster,
                lastWord(m[0]),
                (p) => p.kinship,
                (p) => p.visible,
              )
            : undefined;
        const found = parent ? (parent.kind === 'people' ? parent.people : []) : resolveKinships(roster, word);
        if (found.length === 0) notUnderstood.push(m[0]);
        chosen.push(...found);
      } else {
        const fallback = FALLBACK_CODES[word];
        if (fallback) codes.push(...fallback);
        else notUnderstood.push(m[0]);
      }
      return true;
    });
  }

  // Names on the roster (first or last name; one typo allowed in names of 5+ letters)
  const firstNames = new Map(roster.map((p) => [stripAccents(p.firstName.toLowerCase()), p]));
  const lastNames = new Set(roster.map((p) => stripAccents(p.fullName.split(' ').slice(1).join(' ').toLowerCase())));
  let familyByName = false;
  s.tokens.forEach((t) => {
    if (t.used) return;
    const exact = firstNames.get(t.norm);
    if (exact) {
      chosen.push(exact);
      t.used = true;
      return;
    }
    if (lastNames.has(t.norm) || lastNames.has(t.norm.replace(/e?s$/, ''))) {
      familyByName = true;
      t.used = true;
      return;
    }
    if (t.capitalized && t.norm.length >= 5 && !isKnown(t.norm)) {
      const near = [...firstNames.entries()].filter(([n]) => n.length >= 5 && editDistance(n, t.norm, 1) <= 1);
      if (near.length === 1 && near[0]) {
        chosen.push(near[0][1]);
        t.used = true;
      }
    }
  });

  // Without a roster: capitalized words that look like names ("Emma", "Lucas's")
  if (!roster.length) {
    s.tokens.forEach((t, i) => {
      if (t.used || !t.capitalized || isKnown(t.norm) || PROVIDER_NOUNS.has(t.norm)) return;
      const next = s.tokens[i + 1];
      if (next && !next.used && PROVIDER_NOUNS.has(next.norm)) return;
      names.push(t.raw.replace(/[^A-Za-z'-]/g, ''));
      t.used = true;
    });
  }

  const withSelf = s.take(/\b(?:and (?:i|me|myself)|(?:i|me|myself) and|both of us|y yo|yo y)\b/g).length > 0;
  const familyWords = s.take(phrases(PEOPLE_WORDS.family)).length > 0 || familyByName;
  const selfWords =
    s.take(phrases(PEOPLE_WORDS.self)).length > 0 ||
    s.has(/\b(?:tuve|fui|pague|gaste|visite|hice|tengo|recibi|debo|he tenido|he ido|he pagado|he gastado)\b/);
  void lang;

  if (chosen.length || codes.length || names.length) {
    if (chosen.length) {
      const self = withSelf ? roster.filter((p) => p.kinship === 'self') : [];
      const unique = [...new Map([...self, ...chosen].map((p) => [p.fullName, p])).values()];
      return { people: { kind: 'people', people: unique.map(personRef) } };
    }
    if (codes.length) return { people: { kind: 'codes', codes: [...new Set(codes)], self: withSelf } };
    return { people: { kind: 'names', names: [...new Set(names)], self: withSelf } };
  }
  const me = roster.find((p) => p.kinship === 'self');
  if (familyWords) return { people: { kind: 'family' } };
  // "And me?": the asker named with no one else ("both of us" stays the family).
  const selfAlone = withSelf && !/\bboth of us\b/.test(s.text);
  if (selfWords || selfAlone) return { people: me ? { kind: 'people', people: [personRef(me)] } : { kind: 'self' } };
  // Someone who may see only their own claims asks about their own, whatever the words.
  if (me && roster.every((p) => p === me || !p.visible)) return { people: { kind: 'people', people: [personRef(me)] } };
  return { people: { kind: 'family' } };
}

function personRef(p: ParsedRosterEntry): PersonRef {
  return {
    fullName: p.fullName,
    firstName: p.firstName,
    relationship: p.relationship,
    kinship: p.kinship,
    visible: p.visible,
  };
}

// ---------------------------------------------------------------- kinds of care, diagnoses, claim type

function readService(s: Sentence): string | undefined {
  let found: string | undefined;
  for (const kind of SERVICE_PHRASES) {
    s.take(phrases(kind.phrases), (m) => {
      // "pt" only counts as physical therapy next to a care word, never alone in a sentence about people.
      if (m[0] === 'pt' && !/\b(visits?|sessions?|appointments?|for|at)\b/.test(s.text)) return false;
      if (found && found !== kind.key) return false;
      found = kind.key;
      return true;
    });
  }
  return found;
}

function readDiagnosis(s: Sentence): string[] | undefined {
  let codes: string[] | undefined;
  for (const d of DIAGNOSIS_PHRASES) {
    s.take(phrases(d.phrases), () => {
      if (codes && codes.join() !== d.codes.join()) return false;
      codes = [...d.codes];
      return true;
    });
  }
  return codes;
}

const REFILL_NOUNS = ['refill', 'refills'];
const RX_WORDS_BUT_REFILLS = RX_WORDS.filter((w) => !REFILL_NOUNS.includes(w));

function readClaimType(s: Sentence): ClaimType | undefined {
  // "How many of my prescriptions were refills?": with another prescription word, "refills" asks
  // for new fills versus refills, which the claims do not tell apart; left not understood.
  const otherRx = s.take(phrases(RX_WORDS_BUT_REFILLS)).length > 0;
  const rx = otherRx || s.take(phrases(REFILL_NOUNS)).length > 0;
  const medical = s.take(phrases(MEDICAL_WORDS)).length > 0;
  if (rx && !medical) return 'RX';
  if (medical && !rx) return 'Medical';
  return undefined;
}

// ---------------------------------------------------------------- measure

const MONEY_COLUMN_OF: Readonly<Record<Exclude<keyof typeof MONEY_PHRASES, 'spend'>, MoneyColumn>> = {
  charged: 'charged_amount',
  allowed: 'allowed_amount',
  plan: 'plan_paid_amount',
  member: 'patient_responsibility',
  copay: 'copay_amount',
  coinsurance: 'coinsurance_amount',
};
const MONEY_LOOKUP = new Map<string, keyof typeof MONEY_PHRASES>();
for (const key of ['spend', 'plan', 'copay', 'coinsurance', 'member', 'charged', 'allowed'] as const) {
  for (const phrase of MONEY_PHRASES[key]) if (!MONEY_LOOKUP.has(phrase)) MONEY_LOOKUP.set(phrase, key);
}
const MONEY_RE = phrases([...MONEY_LOOKUP.keys()]);

interface MeasureRead {
  readonly measure: Measure;
  readonly columns: MoneyColumn[];
}

const PROVIDER_NOUN_RE =
  '(?:providers?|doctors?|docs?|physicians?|pharmac(?:y|ies)|hospitals?|clinics?|places?|specialists?|proveedores?|medicos?|doctores|farmacias?|hospitales|clinicas?|lugares)';

function readMeasure(s: Sentence, hasPick: { provider: boolean; costMe: boolean; planPaid: boolean }): MeasureRead {
  const text = s.text;
  const providerCount =
    new RegExp(
      `\\b(?:how many|cuantos|cuantas|number of|numero de) (?:different |distinct |distintos |diferentes )?${PROVIDER_NOUN_RE}\\b(?! (?:visits?|claims?|bills?|appointments?|visitas|reclamaciones))`,
    ).test(text) && !/\b(times|veces|visits?|claims?|reclamaciones|visitas)\b/.test(text);
  const whereQuestion =
    /^(?:where|donde)\b|\bwhere (?:did|do|does|have|has|was|were|am|are)\b|\bdonde (?:fui|fue|fuimos|he)\b|\bwho did\b/;
  const providersList =
    new RegExp(`\\b(?:which|what|que|cuales?) ${PROVIDER_NOUN_RE}\\b`).test(text) || whereQuestion.test(text);
  const topWords =
    /\b(most often|most frequent(?:ly)?|most visited|favou?rite|usual(?:ly)?|the most|mas seguido|con mas frecuencia|mas frecuente|mas veces)\b/;
  const bareMost = /\bmost\b(?! (?:expensive|costly|recent|the plan|i|we))/.test(text);
  const top = providersList && (topWords.test(text) || bareMost);

  if (providerCount) s.take(/\b(?:different|distinct|distintos|distintas|diferentes)\b/g);
  // Consume the words of the measure.
  const used = (list: readonly string[]) => s.take(phrases(list)).length > 0;
  const columns: MoneyColumn[] = [];
  const addCol = (c: MoneyColumn) => {
    if (!columns.includes(c)) columns.push(c);
  };
  // "the plan paid", "insurance covered", "pagó el seguro"
  const planPaid =
    s.take(
      /\b(?:plan|insurance|insurer|insurance company|seguro|they)(?: (?:has|have|had|did|do|does|actually|already|ha|han))? (?:pay|paid|pays|cover|covered|covers|pago|pagaron|cubrio|cubrieron|cubre)\b|\b(?:paid|covered) by (?:the |my |our )?(?:plan|insurance)\b|\b(?:pago|pagaron|cubrio|cubrieron) (?:el |mi )?(?:plan|seguro)\b|\bhow much (?:was|did|has) (?:\w+ )?(?:covered)\b|\bcover(?:ed)?\b/g,
    ).length > 0;
  if (planPaid || hasPick.planPaid) addCol('plan_paid_amount');
  // "What did it cost me/us" is as ambiguous as "spend": the full cost and the member's share.
  if (hasPick.costMe) {
    addCol('allowed_amount');
    addCol('patient_responsibility');
  }
  const billNoun = ['bill', 'bills', 'factura', 'facturas'];
  const expensive =
    /\b(expensive|cheapest|least expensive|costliest|priciest|cheap|mas caro|mas cara|mas barato|mas barata)\b/.test(
      text,
    );
  // All money words at once, longest phrase first ("out of pocket costs" before "costs").
  s.take(MONEY_RE, (m) => {
    const word = MONEY_LOOKUP.get(m[0]);
    if (!word || (word === 'charged' && billNoun.includes(m[0])) || m[0] === 'expensive') return false;
    if (word === 'spend') {
      addCol('allowed_amount');
      addCol('patient_responsibility');
    } else addCol(MONEY_COLUMN_OF[word]);
    return true;
  });
  // "What did I pay in copays": the copay part is the measure, "pay" only says whose money it is.
  const split = columns.some((c) => c === 'copay_amount' || c === 'coinsurance_amount');
  if (split && !/\b(out of pocket|share|bolsillo|responsibility)\b/.test(text)) {
    const i = columns.indexOf('patient_responsibility');
    if (i >= 0) columns.splice(i, 1);
  }
  // "bill" is a measure only when nothing else says one ("my biggest bill"); else it names the claims.
  if (used(billNoun) && columns.length === 0) addCol('charged_amount');
  const howMuch = s.take(/\b(?:how much|cuanto|cuanta|what did (?:\w+ )?(?:cost|pay))\b/g).length > 0;
  const total = s.take(/\b(?:total|totals|sum|in all|todo junto)\b/g).length > 0;

  const count = used(MEASURE_PHRASES.count);
  const average = used(MEASURE_PHRASES.average) || /\bper (claim|visit|prescription|fill)\b/.test(text);
  // "per prescription", "per visit": the noun still says the claim type; only "per" belongs to the average.
  s.take(/\bper (?:claim)\b/g);
  s.take(/\bper(?= (?:visit|prescription|fill|appointment)\b)/g);
  if (top) {
    s.take(topWords);
    s.take(/\bmost\b/g);
  }
  const latest = used(MEASURE_PHRASES.latest);
  const earliest = used(MEASURE_PHRASES.earliest);
  const max = !top && used(MEASURE_PHRASES.max);
  const min = used(MEASURE_PHRASES.min);
  if (providersList) s.take(/\b(?:where|donde|who did)\b/g);
  else s.take(/\bwhere\b/g); // "claims where I paid more than $100": a relative "where"
  s.take(/\b(?:which|what|que|cuales|cual)\b/g);
  s.take(/\b(?:providers?|places?|proveedores?|lugares?)\b/g);
  const listWords = s.take(/\b(?:show|list|display|see|muestra|muestrame|lista|ver)\b/g).length > 0;
  if (expensive) s.take(/\b(?:expensive|cheap)\b/g);

  if (top) return { measure: Measure.TOP_PROVIDER, columns: [] };
  if (providerCount) return { measure: Measure.PROVIDER_COUNT, columns: [] };
  if (count) return { measure: Measure.COUNT, columns: [] };
  if (average) return { measure: Measure.AVG, columns: columns.length ? columns : ['charged_amount'] };
  if (max || min) {
    const col = columns[0] ?? (expensive ? 'allowed_amount' : 'charged_amount');
    return { measure: max ? Measure.MAX : Measure.MIN, columns: [col] };
  }
  if (latest) return { measure: Measure.LATEST, columns: [] };
  if (earliest) return { measure: Measure.EARLIEST, columns: [] };
  if (providersList && !columns.length && !howMuch) return { measure: Measure.PROVIDERS, columns: [] };
  if (listWords && !howMuch && !total) return { measure: Measure.LIST, columns: [] };
  if (columns.length) return { measure: Measure.SUM, columns };
  if (howMuch || total) return { measure: Measure.SUM, columns: ['allowed_amount', 'patient_responsibility'] };
  return { measure: Measure.LIST, columns: [] };
}

// ---------------------------------------------------------------- the parse

const CLAIM_FILLERS = new Set(STOPWORDS);

/**
 * Reads a question (already unescaped from its tag) into an intent, or a refusal.
 *
 * @example
 * parseQuestion('How much did my husband spend on prescriptions this year?', { memberId, today, roster })
 * // { ok: true, intent: { people: { kind: 'people', people: [Daniel] }, claimType: 'RX', measure: 'sum',
 * //   columns: ['allowed_amount', 'patient_responsibility'], period: { from: '2026-01-01', until: '2027-01-01' } }, notUnderstood: [] }
 */
export function parseQuestion(question: string, ctx: ParseContext): ParseResult {
  const roster = ctx.roster ?? [];
  // "Sophie's dad" asked by Sophie is "my dad"; "Daniel's son" asked by anyone else is not
  // resolved (core/roster.ts kinOfNamed): said as not understood, never counted as Daniel's.
  const kin = kinOfNamed(
    question.replace(/\s+/g, ' ').trim(),
    roster.map((p) => p.firstName),
    roster.find((p) => p.kinship === 'self')?.firstName,
  );
  const q = kin.text;
  const refused = refusal(q, ctx);
  if (refused) return { ok: false, reason: refused };
  const lang = detectLanguage(q);
  const names = new Set(
    roster.flatMap((p) => [p.firstName, ...p.fullName.split(' ')]).map((n) => stripAccents(n.toLowerCase())),
  );
  const s = new Sentence(tokenize(q, [...names]));
  const notUnderstood: string[] = kin.unclear ? [kin.unclear] : [];

  const period = readPeriods(s, ctx.today, notUnderstood);
  const amounts = readAmounts(s);
  if (namesSomeoneElse(s, names)) return { ok: false, reason: RefusalReason.OTHER_MEMBER };
  const provider = readProvider(s, names);
  const service = readService(s);
  const diagnosis = readDiagnosis(s);
  // "pagó mi seguro", "my insurance paid": the plan's payment, read before "mi"/"my" say whose claims.
  // The possessive is left for the people matcher ("my insurance" still says "mine").
  let planPaid = false;
  s.take(
    /\b(?:pago|pagaron|cubrio|cubrieron) (?:el |mi |nuestro )?(?:plan|seguro)\b|\b(?:mi|my|our|nuestro) (?:plan|insurance|seguro)(?: has| have| had| ha)? (?:paid|pay|pays|cover|covered|pago|cubrio)\b/g,
    (_m, idx) => {
      for (const i of idx) {
        const t = s.tokens[i] as Token;
        if (!/^(mi|my|our|nuestro)$/.test(t.norm)) t.used = true;
      }
      planPaid = true;
      return false;
    },
  );
  // "cost me" is the member's share; "me" still says whose claims.
  let costMe = false;
  s.tokens.forEach((t, i) => {
    if (!t.used && /^(cost|costs|costed)$/.test(t.norm) && /^(me|us)$/.test(s.tokens[i + 1]?.norm ?? '')) {
      t.used = true;
      costMe = true;
    }
  });
  const { people } = readPeople(s, ctx, notUnderstood, lang);
  const measure = readMeasure(s, { provider: provider !== undefined, costMe, planPaid });
  const claimType = readClaimType(s);
  for (const t of s.tokens) if (!t.used && CLAIM_FILLERS.has(t.norm)) t.used = true;
  for (const t of s.unused()) notUnderstood.push(t.raw);

  const understoodSomething =
    period !== undefined ||
    amounts.length > 0 ||
    provider !== undefined ||
    service !== undefined ||
    diagnosis !== undefined ||
    claimType !== undefined ||
    people.kind !== 'family' ||
    measure.measure !== Measure.LIST ||
    /\b(claims?|reclamaciones?|reclamos?|bills?|facturas?|visits?|visitas?)\b/.test(s.text);
  if (!understoodSomething && !ctx.fragment)
    return { ok: false, reason: RefusalReason.OFF_TOPIC, notUnderstood: dedupe(notUnderstood) };

  const intent: Intent = {
    lang,
    people,
    measure: measure.measure,
    columns: measure.columns,
    amounts,
    ...(claimType ? { claimType } : {}),
    ...(period ? { period } : {}),
    ...(provider ? { provider } : {}),
    ...(service ? { service } : {}),
    ...(diagnosis ? { diagnosis } : {}),
  };
  return { ok: true, intent, notUnderstood: dedupe(notUnderstood) };
}

function dedupe(words: string[]): string[] {
  return [...new Set(words.map((w) => w.trim()).filter(Boolean))];
}

/** Keeps a provider or person name to characters that are safe in a SQL string literal. */
export function safeLiteralText(text: string): string {
  return text
    .replace(/[^A-Za-z0-9À-ÿ %&.'#-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}
