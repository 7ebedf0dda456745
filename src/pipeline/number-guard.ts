/**
 * The number guard on the summary: every money figure, count, percentage and date the member would
 * read must be traceable to the rows the answer is built from — or to a documented derivation — or
 * the text is not sent (the pipeline answers from the rows with a deterministic template instead).
 *
 * Traceable means:
 * - money ($1,234.56, "1,234.56 dollars", "three hundred dollars", "trescientos dólares", scaled:
 *   "$1.2k", "$3 million", "3 mil dólares"): equal to the cent to a numeric cell, or to the sum of
 *   a column over all returned rows (a total of listed rows). Rounded, swapped or invented amounts fail.
 * - counts (digits, and number words — "twelve", "twenty-three", "treinta y dos", "one hundred and
 *   five" — before "claims", "visits", ...; a compound or large number word anywhere): a numeric
 *   cell, the number of rows, the number of rows a list did not show ("...and 13 more"), the number
 *   of distinct values of a column, the number of rows sharing one value of a column, or a list
 *   marker ("1.") up to the rows shown.
 * - ordinals ("your third claim", "the 5th visit", "su tercera visita"): a count as above, or a
 *   position among the rows; "on the 5th" (no count noun) may also be the day of a row date.
 * - percentages ("20%", "20 percent", "veinte por ciento"): a value of a percent column of the
 *   rows (coinsurance_percent), or what is left of it for the plan (100 − 20).
 * - a number of the question or the validated SQL (a threshold the member asked about: "more than
 *   $500", "over 5 claims", "10%") only as that bound — after "more than", "over", "under", "at
 *   least", "between … and", "más de", "menos de", ..., before "or more", or as a period ("the last
 *   90 days") — never as a result ("you paid $500" when no row holds $500).
 * - dates (March 3, 2026 / 3 de marzo de 2026 / 2026-03-03 / 3/3/2026 / the 3rd of March, with or
 *   without the year): a date cell, a bound of the interpreted date range, a date in the question,
 *   or today. Month-and-year and bare years: the month/year of such a date (or a year in the question).
 * - labels: a money figure said as a measure ("the plan paid $80.22", "your share was $43.52",
 *   "billed", "full cost") must be a value of that measure — a swapped or mislabeled figure fails.
 * - plan rules: "the plan pays 100%" (of covered care, after the out-of-pocket maximum) is a rule of
 *   every plan, not a figure of the rows.
 * Digits and words inside quoted row text (provider names such as "Pharmacy #214", codes) are not figures.
 */
import {
  centsOf,
  MONTH_ABBREVIATIONS,
  MONTH_VARIANTS,
  MONTHS,
  type NumberPhrase,
  numberPhrases,
} from '../core/format.ts';
import type { Cell, Row } from '../core/ports.ts';

export const GuardReason = {
  UNTRACEABLE_MONEY: 'UNTRACEABLE_MONEY',
  MISLABELED_MONEY: 'MISLABELED_MONEY',
  UNTRACEABLE_COUNT: 'UNTRACEABLE_COUNT',
  UNTRACEABLE_DATE: 'UNTRACEABLE_DATE',
} as const;
export type GuardReason = (typeof GuardReason)[keyof typeof GuardReason];

export interface GuardInput {
  readonly text: string;
  readonly rows: readonly Row[];
  /** The validated SQL (thresholds and literals the member asked about). */
  readonly sql?: string;
  readonly question?: string;
  /** 'YYYY-MM-DD' */
  readonly today: string;
  /** Inclusive bounds of the interpreted date range ('YYYY-MM-DD'). */
  readonly range?: { readonly from?: string; readonly to?: string };
  /**
   * For one aggregate row: the money column each of its values measures, in column order
   * (from the interpretation of the validated SQL), so labels can be checked.
   */
  readonly measureColumns?: readonly string[];
}

type MoneyKind = 'charged' | 'allowed' | 'plan' | 'patient';
const KIND_OF_COLUMN: Readonly<Record<string, MoneyKind>> = {
  charged_amount: 'charged',
  allowed_amount: 'allowed',
  plan_paid_amount: 'plan',
  patient_responsibility: 'patient',
};
/** Labels before a figure, longest first within each kind; the plan's before the member's "paid". */
const LABELS: readonly [MoneyKind, RegExp][] = [
  [
    'plan',
    /\b(?:the )?(?:plan|insurance|insurer|seguro)(?: has| have| had)? (?:paid|pays|pay|covered|cover|pag[oó]|cubri[oó])\b|\bplan payment\b|\bpaid by (?:the |your )?(?:plan|insurance)\b|\bpag[oó] el (?:plan|seguro)\b|\bpago del plan\b/gi,
  ],
  [
    'patient',
    /\bshare\b|\bout[- ]of[- ]pocket\b|\byou (?:paid|pay|owe|owed)\b|\bowed?\b|\bcopays?\b|\bsu parte\b|\bbolsillo\b|\bresponsibility\b/gi,
  ],
  ['charged', /\bbilled\b|\bcharged\b|\bamount billed\b|\bfacturad[oa]\b|\bfactur[oó]\b|\bcobr[oó]\b/gi],
  ['allowed', /\bfull cost\b|\ballowed\b|\bcost\b|\bcosto total\b|\bpermitido\b/gi],
];

/** The measure named closest before a figure in its clause, if any. */
function labelBefore(context: string): MoneyKind | undefined {
  let best: { kind: MoneyKind; end: number } | undefined;
  for (const [kind, re] of LABELS) {
    for (const m of context.matchAll(re)) {
      const end = (m.index ?? 0) + m[0].length;
      // At the same end the earlier rule wins ("plan paid" over "paid").
      if (!best || end > best.end) best = { kind, end };
    }
  }
  return best?.kind;
}

/** Cents each money measure takes in the rows (cells, and column sums). */
function measureValues(input: GuardInput): Map<MoneyKind, Set<string>> {
  const out = new Map<MoneyKind, Set<string>>();
  const put = (kind: MoneyKind | undefined, cents: bigint | undefined) => {
    if (!kind || cents === undefined) return;
    const set = out.get(kind) ?? new Set<string>();
    set.add(cents.toString());
    out.set(kind, set);
  };
  const sums = new Map<MoneyKind, bigint>();
  for (const row of input.rows) {
    for (const [key, cell] of Object.entries(row)) {
      const kind = KIND_OF_COLUMN[key];
      const cents = centsOf(cell);
      put(kind, cents);
      if (kind && cents !== undefined) sums.set(kind, (sums.get(kind) ?? 0n) + cents);
    }
  }
  for (const [kind, total] of sums) put(kind, total);
  const first = input.rows[0];
  const cols = input.measureColumns ?? [];
  if (input.rows.length === 1 && first && cols.length === Object.keys(first).length) {
    Object.values(first).forEach((cell, i) => {
      put(KIND_OF_COLUMN[cols[i] ?? ''], centsOf(cell));
    });
  }
  return out;
}

export type GuardResult =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly reason: GuardReason; readonly checked: number };

const MONTH_INDEX = new Map<string, number>();
for (const lang of ['en', 'es'] as const) {
  MONTHS[lang].forEach((m, i) => {
    MONTH_INDEX.set(m.toLowerCase(), i + 1);
  });
  for (const [short, month] of Object.entries(MONTH_ABBREVIATIONS[lang])) MONTH_INDEX.set(short, month);
}
for (const [spelling, month] of Object.entries(MONTH_VARIANTS)) MONTH_INDEX.set(spelling, month);
const MONTH_RE = [...MONTH_INDEX.keys()].sort((a, b) => b.length - a.length).join('|');

const COUNTABLE =
  '(?:claims?|visits?|prescriptions?|fills?|refills?|times?|providers?|doctors?|pharmac(?:y|ies)|hospitals?|appointments?|people|persons?|reclamaci(?:o|ó)n(?:es)?|reclamos?|visitas?|recetas?|veces|proveedores?|m(?:e|é)dicos?|farmacias?|citas?)';
/** A count noun right after a figure, perhaps after one word ("3 prescription claims", "twelve more visits"). */
const COUNT_NOUN_AFTER = new RegExp(`^[\\s-]+(?:[\\p{L}-]+\\s+)?${COUNTABLE}\\b`, 'iu');
const CURRENCY_AFTER = /^\s*(?:de\s+)?(?:dollars?|bucks|d[oó]lares|usd)\b/i;
const PERCENT_AFTER = /^\s?(?:%|percent\b|per\s?cent\b|por\s?ciento\b)/i;

/** Scale words after digits: "$1.2k", "$3 million", "3 mil dólares", "2,5 millones". Longest first. */
const SCALE = String.raw`(?:thousand|millions?|billions?|mil\s+mill(?:ones|[oó]n)|millones|mill[oó]n|mil|bn|mm|k|m)`;
function scaleOf(unit: string | undefined): number {
  const u = (unit ?? '').toLowerCase().replace(/\s+/g, ' ');
  if (u === '') return 1;
  if (/^(?:billions?|bn|mil mill)/.test(u)) return 1_000_000_000;
  if (/^(?:millions?|millones|mill[oó]n|mm|m)$/.test(u)) return 1_000_000;
  return 1_000;
}
/** '1.2' × 1000 → '1200' (exact: decimal digits, no float), or undefined when it is not whole cents. */
function scaledValue(value: string, unit: string | undefined): string | undefined {
  const scale = scaleOf(unit);
  if (scale === 1) return value;
  const [int = '', frac = ''] = value.split('.');
  const zeros = String(scale).length - 1;
  if (frac.length > zeros + 2) return undefined;
  const digits = `${int}${frac.padEnd(zeros, '0').slice(0, zeros)}`;
  const rest = frac.slice(zeros);
  return rest ? `${digits}.${rest}` : digits;
}

/**
 * A number of the question or the SQL said as the question's own bound: "more than $500", "over 5
 * claims", "entre $100 y $500", "5 or more", "the last 90 days". Anything else ("you paid $500") is
 * a result, and a result must come from the rows.
 */
// Comparison words only: verbs of outcome ("you exceeded $2,000", "alcanzó") state a result,
// so a question's number after them must be in the rows like any other figure.
const BOUND_BEFORE =
  /(?:\b(?:more|less|fewer|greater|higher|lower|larger|bigger|smaller)\s+than|\b(?:over|under|above|below|beyond|at\s+least|at\s+most|up\s+to|between|last|past|previous|next)|\bm[aá]s\s+(?:de|que)|\bmenos\s+(?:de|que)|\b(?:mayor|menor)(?:es)?\s+(?:de|que|a)|\b(?:superior|inferior)(?:es)?\s+a|\bpor\s+(?:encima|debajo)\s+de|\bal\s+menos|\bcomo\s+(?:m[ií]nimo|m[aá]ximo)|\bhasta|\bentre|\b[uú]ltim[oa]s|\bpasad[oa]s|\bbetween\s+[^.;:!?\n]{1,30}?\s+and|\bentre\s+[^.;:!?\n]{1,30}?\s+y)\s+(?:(?:the|a|an|your|el|la|los|las|su|sus)\s+)?$/i;
const BOUND_AFTER =
  /^\s*(?:[\p{L}-]+\s+)?(?:or|o)\s+(?:more|less|fewer|higher|lower|greater|above|over|under|below|m[aá]s|menos|mayor|menor)\b|^\s*(?:days?|weeks?|months?|years?|d[ií]as|semanas|meses|a[nñ]os)\b/iu;

function saidAsBound(text: string, start: number, end: number): boolean {
  const before =
    text
      .slice(Math.max(0, start - 80), start)
      .split(/[.;:!?](?=\s)|\n/)
      .at(-1) ?? '';
  return BOUND_BEFORE.test(before) || BOUND_AFTER.test(text.slice(end, end + 40));
}

interface Figures {
  cents: Set<string>;
  numbers: Set<string>;
}
interface Allowed extends Figures {
  /** Values of percent columns, and what they leave for the plan (20 → 80). */
  percents: Set<string>;
  /** Rows there are: an ordinal up to this is a position among them. */
  positions: number;
  dates: Set<string>;
  months: Set<string>;
  years: Set<string>;
  /** Numbers of the question and the SQL: allowed only where said as the question's bound. */
  bounds: Figures;
}

function isoOf(cell: Cell): string | undefined {
  return typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}/.test(cell) ? cell.slice(0, 10) : undefined;
}

function addDate(a: Allowed, iso: string): void {
  a.dates.add(iso);
  a.months.add(iso.slice(0, 7));
  a.years.add(iso.slice(0, 4));
}

function normNumber(n: number | bigint | string): string {
  return String(Number(n));
}

const PERCENT_COLUMN = /percent|pct|^coinsurance$/i;

/** Every figure the rows (and their documented derivations) allow. */
function allowedFigures(input: GuardInput): Allowed {
  const a: Allowed = {
    cents: new Set(),
    numbers: new Set(),
    percents: new Set(),
    positions: input.rows.length,
    dates: new Set(),
    months: new Set(),
    years: new Set(),
    bounds: { cents: new Set(), numbers: new Set() },
  };
  const { rows } = input;
  a.numbers.add(normNumber(rows.length));
  // "...and 13 more": the rows a list did not show (up to 20 shown).
  for (let shown = 1; shown <= 20 && shown < rows.length; shown++) a.numbers.add(normNumber(rows.length - shown));
  const sums = new Map<string, bigint>();
  const distinct = new Map<string, Map<string, number>>();
  for (const row of rows) {
    for (const [key, cell] of Object.entries(row)) {
      const iso = isoOf(cell);
      if (iso) addDate(a, iso);
      const cents = typeof cell === 'boolean' || iso ? undefined : centsOf(cell);
      if (cents !== undefined) {
        a.cents.add(cents.toString());
        a.numbers.add(normNumber(String(cell)));
        sums.set(key, (sums.get(key) ?? 0n) + cents);
        if (PERCENT_COLUMN.test(key)) {
          a.percents.add(normNumber(String(cell)));
          a.percents.add(normNumber(Number(10000n - cents) / 100));
        }
      }
      const values = distinct.get(key) ?? new Map<string, number>();
      const k = String(cell);
      values.set(k, (values.get(k) ?? 0) + 1);
      distinct.set(key, values);
    }
  }
  for (const total of sums.values()) a.cents.add(total.toString());
  for (const values of distinct.values()) {
    a.numbers.add(normNumber(values.size));
    for (const n of values.values()) a.numbers.add(normNumber(n));
  }
  // The question and the SQL: dates and years are context; their numbers are bounds only.
  const bound = (value: string) => {
    a.bounds.numbers.add(normNumber(value));
    const cents = centsOf(value);
    if (cents !== undefined) a.bounds.cents.add(cents.toString());
  };
  for (const source of [input.sql ?? '', input.question ?? '']) {
    const re = new RegExp(String.raw`\$?(\d[\d,]*(?:\.\d+)?)(?:\s?(${SCALE})\b)?`, 'gi');
    for (const m of source.matchAll(re)) {
      const raw = (m[1] ?? '').replace(/,/g, '');
      bound(raw);
      const scaled = m[2] ? scaledValue(raw, m[2]) : undefined;
      if (scaled) bound(scaled);
      if (/^(19|20)\d\d$/.test(raw)) a.years.add(raw);
    }
    for (const p of numberPhrases(source)) bound(String(p.value));
    for (const m of source.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g)) if (m[1]) addDate(a, m[1]);
  }
  for (const iso of [input.today, input.range?.from, input.range?.to]) if (iso) addDate(a, iso);
  // Years inside the interpreted range ("in 2026"). Months only from row dates and the range's bounds.
  if (input.range?.from && input.range.to) {
    for (let y = Number(input.range.from.slice(0, 4)); y <= Number(input.range.to.slice(0, 4)); y++)
      a.years.add(String(y));
  }
  return a;
}

const DATE_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => { y?: string; mo: number; d: number }][] = [
  [
    new RegExp(`\\b(${MONTH_RE})\\.? (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?\\b`, 'gi'),
    (m) => ({ y: m[3], mo: MONTH_INDEX.get((m[1] ?? '').toLowerCase()) ?? 0, d: Number(m[2]) }),
  ],
  [
    new RegExp(`\\b(\\d{1,2}) de (${MONTH_RE})(?: de (\\d{4}))?\\b`, 'gi'),
    (m) => ({ y: m[3], mo: MONTH_INDEX.get((m[2] ?? '').toLowerCase()) ?? 0, d: Number(m[1]) }),
  ],
  [
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? of (${MONTH_RE})\\.?(?:,? (\\d{4}))?\\b`, 'gi'),
    (m) => ({ y: m[3], mo: MONTH_INDEX.get((m[2] ?? '').toLowerCase()) ?? 0, d: Number(m[1]) }),
  ],
  [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => ({ y: m[1], mo: Number(m[2]), d: Number(m[3]) })],
  [
    /\b(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\b/g,
    (m) => ({ y: (m[3] ?? '').length === 2 ? `20${m[3]}` : m[3], mo: Number(m[1]), d: Number(m[2]) }),
  ],
];
const MONTH_YEAR = new RegExp(`\\b(${MONTH_RE})\\.?(?: de| of)? (\\d{4})\\b`, 'gi');
// English month names count capitalised or in capitals ("may" is a verb); Spanish ones in any case
// ("Marzo" opening a sentence is still March).
const BARE_MONTH_EN = new RegExp(`\\b(${[...MONTHS.en, ...MONTHS.en.map((m) => m.toUpperCase())].join('|')})\\b`, 'g');
const BARE_MONTH_ES = new RegExp(`\\b(${MONTHS.es.join('|')})\\b`, 'gi');

/** The summary with quoted row text (names, providers, codes) blanked out, longest first. */
function withoutRowText(text: string, rows: readonly Row[]): string {
  const strings = new Set<string>();
  for (const row of rows) {
    for (const cell of Object.values(row)) {
      if (typeof cell === 'string' && cell.length >= 3 && !isoOf(cell) && centsOf(cell) === undefined)
        strings.add(cell);
    }
  }
  let out = text;
  for (const s of [...strings].sort((x, y) => y.length - x.length)) {
    out = out.split(s).join(' '.repeat(s.length));
  }
  return out;
}

function blank(text: string, start: number, length: number): string {
  return text.slice(0, start) + ' '.repeat(length) + text.slice(start + length);
}

/** Money written with digits: [pattern, its value as a decimal string]. */
const MONEY_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string | undefined][] = [
  // $1,234.56 / $1.2k / $3 million
  [
    new RegExp(String.raw`-?\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(${SCALE})\b)?`, 'gi'),
    (m) => scaledValue(`${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`, m[3]),
  ],
  // 1.234,56 $ / 12,50 dólares (Spanish style)
  [
    /(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})\s?(\$|dólares|dolares|usd)/gi,
    (m) => `${(m[1] ?? '').replace(/\./g, '')}.${m[2]}`,
  ],
  // 1,234.56 dollars / 3 mil dólares / 2,5 millones de dólares
  [
    new RegExp(
      String.raw`(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:([.,])(\d+))?(?:\s?(${SCALE}))?\s?(?:de\s+)?(?:dollars|bucks|dólares|dolares|usd)\b`,
      'gi',
    ),
    (m) => {
      if (m[2] === ',' && !m[4] && (m[3] ?? '').length !== 2) return undefined;
      return scaledValue(`${(m[1] ?? '').replace(/,/g, '')}${m[3] ? `.${m[3]}` : ''}`, m[4]);
    },
  ],
];
/** Digits with a scale and no currency ("3 thousand", "2 millones"): a figure at its scale. */
const SCALED_NUMBER = new RegExp(
  String.raw`(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+)(?:([.,])(\d+))?\s?(${SCALE})(?![\p{L}\d])`,
  'giu',
);
const ORDINAL_DIGITS = /(?<![\w.$])(\d+)\.?(?:st|nd|rd|th|er|ro|ra|do|da|to|ta|vo|va|no|na|mo|ma|º|ª)(?![\p{L}\d])/giu;
/** Ordinal words that are also other words ("a second opinion", "un cuarto"): figures only before a count noun. */
const AMBIGUOUS_ORDINALS = /^(?:second|segund[oa]|cuart[oa]|primer[oa]?|first)$/i;

/**
 * Checks a summary's figures against the rows.
 *
 * @example
 * guardSummary({ text: 'You paid $12.50.', rows: [{ total: '12.50' }], today: '2026-12-01' }) // { ok: true, checked: 1 }
 * guardSummary({ text: 'You paid $13.', rows: [{ total: '12.50' }], today: '2026-12-01' })    // { ok: false, reason: 'UNTRACEABLE_MONEY', ... }
 */
export function guardSummary(input: GuardInput): GuardResult {
  const allowed = allowedFigures(input);
  let text = withoutRowText(input.text, input.rows);
  let checked = 0;
  let mislabeled = false;
  const fail = (reason: GuardReason): GuardResult => ({ ok: false, reason, checked });
  const currentYear = input.today.slice(0, 4);
  const bound = (start: number, end: number) => saidAsBound(input.text, start, end);
  const moneyOk = (cents: string, start: number, end: number) =>
    allowed.cents.has(cents) || (allowed.bounds.cents.has(cents) && bound(start, end));
  const numberOk = (n: string, start: number, end: number) =>
    allowed.numbers.has(n) || (allowed.bounds.numbers.has(n) && bound(start, end));
  const percentOk = (n: string, start: number, end: number) =>
    allowed.percents.has(n) || (allowed.bounds.numbers.has(n) && bound(start, end));

  // 1. Dates with a day: "March 3, 2026", "Mar 3rd", "3 de marzo de 2026", "the 3rd of March", ISO, 3/3/2026.
  for (const [re, read] of DATE_PATTERNS) {
    for (const m of [...text.matchAll(re)]) {
      const { y, mo, d } = read(m as RegExpExecArray);
      const md = `${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      checked++;
      const ok = y ? allowed.dates.has(`${y}-${md}`) : [...allowed.dates].some((iso) => iso.slice(5) === md);
      if (!ok) return fail(GuardReason.UNTRACEABLE_DATE);
      text = blank(text, m.index ?? 0, m[0].length);
    }
  }
  // 2. Money: $1,234.56 / $1.2k / $3 million / 1,234.56 dollars / 1.234,56 $ / 3 mil dólares, then in words.
  const byMeasure = measureValues(input);
  const figures: { index: number; end: number; cents: string }[] = [];
  const money = (index: number, end: number, value: string | undefined, negative: boolean): boolean => {
    const cents = value === undefined ? undefined : centsOf(value);
    checked++;
    const key = cents === undefined ? undefined : (negative ? -cents : cents).toString();
    if (key === undefined || !moneyOk(key, index, end)) return false;
    // Only figures the rows hold go on to the label check: a question's own bound ("not more
    // than $500") is not a measure to match.
    if (allowed.cents.has(key)) figures.push({ index, end, cents: key });
    text = blank(text, index, end - index);
    return true;
  };
  for (const [re, read] of MONEY_PATTERNS) {
    for (const m of [...text.matchAll(re)]) {
      const index = m.index ?? 0;
      if (!money(index, index + m[0].length, read(m as RegExpExecArray), m[0].trim().startsWith('-')))
        return fail(GuardReason.UNTRACEABLE_MONEY);
    }
  }
  for (const m of [...text.matchAll(SCALED_NUMBER)]) {
    const value = scaledValue(`${(m[1] ?? '').replace(/,/g, '')}${m[3] ? `.${m[3]}` : ''}`, m[4]);
    const index = m.index ?? 0;
    const end = index + m[0].length;
    const cents = value === undefined ? undefined : centsOf(value);
    checked++;
    if (value === undefined || !(numberOk(normNumber(value), index, end) || moneyOk(String(cents), index, end)))
      return fail(GuardReason.UNTRACEABLE_MONEY);
    text = blank(text, index, end - index);
  }
  // Numbers in words ("three hundred dollars", "trescientos dólares", "twenty-three claims").
  const phrases: NumberPhrase[] = [];
  for (const p of numberPhrases(text)) {
    const dollarSign = /\$\s*$/.test(text.slice(Math.max(0, p.index - 3), p.index));
    const currency = CURRENCY_AFTER.exec(text.slice(p.end));
    if (!p.ordinal && (dollarSign || currency)) {
      const start = dollarSign ? text.lastIndexOf('$', p.index) : p.index;
      const end = p.end + (currency?.[0].length ?? 0);
      if (!money(start, end, String(p.value), false)) return fail(GuardReason.UNTRACEABLE_MONEY);
    } else phrases.push(p);
  }
  // Each figure said as a measure must be a value of that measure (a swap or a mislabel fails).
  figures.sort((a, b) => a.index - b.index);
  figures.forEach((f, i) => {
    const start = Math.max(figures[i - 1]?.end ?? 0, f.index - 60);
    const clause =
      input.text
        .slice(start, f.index)
        .split(/[.;:\n]/)
        .at(-1) ?? '';
    const kind = labelBefore(clause);
    if (!kind) return;
    const values = byMeasure.get(kind);
    const elsewhere = [...byMeasure.entries()].some(([k, set]) => k !== kind && set.has(f.cents));
    if (values ? !values.has(f.cents) : elsewhere) mislabeled = true;
  });
  if (mislabeled) return fail(GuardReason.MISLABELED_MONEY);

  // 3. Month and year ("March 2026", "marzo de 2026"), then bare months and years.
  for (const m of [...text.matchAll(MONTH_YEAR)]) {
    const mo = MONTH_INDEX.get((m[1] ?? '').toLowerCase()) ?? 0;
    checked++;
    if (!allowed.months.has(`${m[2]}-${String(mo).padStart(2, '0')}`)) return fail(GuardReason.UNTRACEABLE_DATE);
    text = blank(text, m.index ?? 0, m[0].length);
  }
  for (const m of [...text.matchAll(/\b(19|20)\d\d\b/g)]) {
    checked++;
    if (!allowed.years.has(m[0]) && m[0] !== currentYear) return fail(GuardReason.UNTRACEABLE_DATE);
    text = blank(text, m.index ?? 0, m[0].length);
  }
  // Bare month names ("in March"): a month of a row date or of the range. "May" and "mayo" are
  // also words; only capitalized English month names count.
  for (const m of [...text.matchAll(BARE_MONTH_EN), ...text.matchAll(BARE_MONTH_ES)]) {
    const name = m[1] ?? '';
    if (/^may$/i.test(name) && !/\bin May\b/i.test(m.input ?? '')) continue;
    const mo = MONTH_INDEX.get(name.toLowerCase()) ?? 0;
    checked++;
    if (![...allowed.months].some((ym) => Number(ym.slice(5)) === mo)) return fail(GuardReason.UNTRACEABLE_DATE);
  }

  // 4. A plan rule, not a figure of the rows: after the out-of-pocket maximum "the plan pays 100%".
  text = text.replace(PLAN_PAYS_ALL, (whole) => ' '.repeat(whole.length));
  // 5. Counts, ordinals, percentages and other numbers: list markers first, then digits, then words.
  const shown = Math.min(input.rows.length, 20);
  text = text.replace(/^(\s*)(\d{1,2})([.)])(?=\s)/gm, (whole, pre: string, n: string, post: string) =>
    Number(n) >= 1 && Number(n) <= shown ? `${pre}${' '.repeat(n.length)}${' '.repeat(post.length)}` : whole,
  );
  const ordinalOk = (n: number, start: number, end: number) => {
    if (numberOk(normNumber(n), start, end) || (n >= 1 && n <= allowed.positions)) return true;
    // "on the 5th": with no count noun after it, the day of a date the rows or the range hold.
    if (COUNT_NOUN_AFTER.test(text.slice(end))) return false;
    return [...allowed.dates].some((iso) => Number(iso.slice(8)) === n);
  };
  for (const m of [...text.matchAll(ORDINAL_DIGITS)]) {
    const index = m.index ?? 0;
    checked++;
    if (!ordinalOk(Number(m[1]), index, index + m[0].length)) return fail(GuardReason.UNTRACEABLE_COUNT);
    text = blank(text, index, m[0].length);
  }
  for (const m of text.matchAll(/(?<![\w.$])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%?)(?![\w])/g)) {
    checked++;
    const raw = normNumber(`${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`);
    const index = m.index ?? 0;
    const end = index + m[0].length;
    const percent = m[3] === '%' || PERCENT_AFTER.test(text.slice(end));
    if (percent ? !percentOk(raw, index, end) : !numberOk(raw, index, end)) return fail(GuardReason.UNTRACEABLE_COUNT);
  }
  for (const p of phrases) {
    if (text.slice(p.index, p.end).trim() === '') continue; // part of a rule or date blanked above
    const after = text.slice(p.end);
    const counted = COUNT_NOUN_AFTER.test(after);
    const word = input.text.slice(p.index, p.end);
    if (p.ordinal) {
      // "a second opinion", "third-party": not a figure; "your second claim", "tercera visita": one.
      if (!counted && (AMBIGUOUS_ORDINALS.test(word) || /^[\s-]+part(?:y|ies)\b/i.test(after))) continue;
      checked++;
      if (!ordinalOk(p.value, p.index, p.end)) return fail(GuardReason.UNTRACEABLE_COUNT);
      continue;
    }
    const percent = PERCENT_AFTER.test(after);
    // "one", "un", "una" are also articles and pronouns: one is a position of any rows.
    if (p.words === 1 && p.value === 1) continue;
    // A small word alone ("the two of you", "once") is a figure only before a count noun or "percent".
    if (!counted && !percent && p.words === 1 && p.value <= 12) continue;
    checked++;
    const n = String(p.value);
    const ok = percent
      ? percentOk(n, p.index, p.end)
      : numberOk(n, p.index, p.end) || (!counted && moneyOk(String(BigInt(p.value) * 100n), p.index, p.end));
    if (!ok) return fail(GuardReason.UNTRACEABLE_COUNT);
  }
  return { ok: true, checked };
}

/**
 * "the plan (now) pays 100%", "el plan paga el 100 %", "one hundred percent", "cien por ciento": the
 * documented rule after the out-of-pocket maximum.
 */
const PLAN_PAYS_ALL =
  /\b(?:plan|insurance|seguro)(?: now| then| will| would| ahora)? (?:pays?|paga(?:rá)?) (?:el )?(?:100 ?%|100 (?:percent|por ciento)|(?:one |a )?hundred percent|cien por ciento)/gi;
