/**
 * The number guard on the summary: every money figure, count and date the member would read
 * must be traceable to the rows the answer is built from — or to a documented derivation — or
 * the text is not sent (the pipeline answers from the rows with a deterministic template instead).
 *
 * Traceable means:
 * - money ($1,234.56, "1,234.56 dollars"): equal to the cent to a numeric cell, to the sum of a
 *   column over all returned rows (a total of listed rows), or to an amount written in the
 *   validated SQL (a threshold the member asked about). Rounded, swapped or invented amounts fail.
 * - counts (digits, and number words before "claims", "visits", ...): a numeric cell, the number
 *   of rows, the number of rows a list did not show ("...and 13 more"), the number of distinct
 *   values of a column, the number of rows sharing one value of a column, a number in the
 *   question or in the SQL, or a list marker ("1.") up to the rows shown.
 * - dates (March 3, 2026 / 3 de marzo de 2026 / 2026-03-03 / 3/3/2026, with or without the year):
 *   a date cell, a bound of the interpreted date range, or today. Month-and-year and bare years:
 *   the month/year of such a date (or a year in the question).
 * - labels: a money figure said as a measure ("the plan paid $80.22", "your share was $43.52",
 *   "billed", "full cost") must be a value of that measure — a swapped or mislabeled figure fails.
 * - plan rules: "the plan pays 100%" (of covered care, after the out-of-pocket maximum) is a rule of
 *   every plan, not a figure of the rows.
 * Digits inside quoted row text (provider names such as "Pharmacy #214", codes) are not figures.
 */
import { centsOf, MONTHS, NUMBER_WORD_VALUES } from '../core/format.ts';
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
    MONTH_INDEX.set(m.toLowerCase().slice(0, 3), i + 1);
  });
}
MONTH_INDEX.set('sept', 9);
MONTH_INDEX.set('setiembre', 9);
const MONTH_RE = [...MONTH_INDEX.keys()].sort((a, b) => b.length - a.length).join('|');

const COUNTABLE =
  '(?:claims?|visits?|prescriptions?|fills?|refills?|times?|providers?|doctors?|pharmac(?:y|ies)|hospitals?|appointments?|people|persons?|reclamaci(?:o|ó)n(?:es)?|reclamos?|visitas?|recetas?|veces|proveedores?|m(?:e|é)dicos?|farmacias?|citas?)';

interface Allowed {
  cents: Set<string>;
  numbers: Set<string>;
  dates: Set<string>;
  months: Set<string>;
  years: Set<string>;
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

/** Every figure the rows (and their documented derivations) allow. */
function allowedFigures(input: GuardInput): Allowed {
  const a: Allowed = { cents: new Set(), numbers: new Set(), dates: new Set(), months: new Set(), years: new Set() };
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
  for (const source of [input.sql ?? '', input.question ?? '']) {
    for (const m of source.matchAll(/\$?\d[\d,]*(?:\.\d+)?/g)) {
      const raw = m[0].replace(/[$,]/g, '');
      a.numbers.add(normNumber(raw));
      const cents = centsOf(raw);
      if (cents !== undefined && (source === input.sql || m[0].startsWith('$'))) a.cents.add(cents.toString());
      if (/^(19|20)\d\d$/.test(raw)) a.years.add(raw);
    }
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
  [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => ({ y: m[1], mo: Number(m[2]), d: Number(m[3]) })],
  [
    /\b(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\b/g,
    (m) => ({ y: (m[3] ?? '').length === 2 ? `20${m[3]}` : m[3], mo: Number(m[1]), d: Number(m[2]) }),
  ],
];
const MONTH_YEAR = new RegExp(`\\b(${MONTH_RE})\\.?(?: de| of)? (\\d{4})\\b`, 'gi');
const BARE_MONTH = new RegExp(`\\b(${MONTHS.en.join('|')}|${MONTHS.es.join('|')})\\b`, 'g');

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

  // 1. Dates with a day: "March 3, 2026", "Mar 3rd", "3 de marzo de 2026", ISO, 3/3/2026.
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
  // 2. Money: $1,234.56 / $1.2k / 1,234.56 dollars / 1.234,56 $ (Spanish style)
  const moneyPatterns: [RegExp, (m: RegExpExecArray) => string | undefined][] = [
    [
      /-?\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand|mil)?\b/gi,
      (m) => scaled(`${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`, m[3]),
    ],
    [
      /\b(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})\s?(\$|dólares|dolares|usd)/gi,
      (m) => `${(m[1] ?? '').replace(/\./g, '')}.${m[2]}`,
    ],
    [
      /\b(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(dollars|bucks|dólares|dolares|usd)\b/gi,
      (m) => `${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`,
    ],
  ];
  const byMeasure = measureValues(input);
  const figures: { index: number; end: number; cents: string }[] = [];
  for (const [re, read] of moneyPatterns) {
    for (const m of [...text.matchAll(re)]) {
      const value = read(m as RegExpExecArray);
      const cents = value === undefined ? undefined : centsOf(value);
      checked++;
      const negative = m[0].trim().startsWith('-');
      const key = cents === undefined ? undefined : (negative ? -cents : cents).toString();
      if (key === undefined || !allowed.cents.has(key)) return fail(GuardReason.UNTRACEABLE_MONEY);
      figures.push({ index: m.index ?? 0, end: (m.index ?? 0) + m[0].length, cents: key });
      text = blank(text, m.index ?? 0, m[0].length);
    }
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
  for (const m of [...text.matchAll(BARE_MONTH)]) {
    const name = m[1] ?? '';
    if (name === 'May' && !/\bin May\b/.test(m.input ?? '')) continue;
    const mo = MONTH_INDEX.get(name.toLowerCase()) ?? 0;
    checked++;
    if (![...allowed.months].some((ym) => Number(ym.slice(5)) === mo)) return fail(GuardReason.UNTRACEABLE_DATE);
  }

  // 4. A plan rule, not a figure of the rows: after the out-of-pocket maximum "the plan pays 100%".
  text = text.replace(PLAN_PAYS_ALL, (whole) => ' '.repeat(whole.length));
  // 5. Counts and other numbers: list markers first, then digits, then number words before nouns.
  const shown = Math.min(input.rows.length, 20);
  text = text.replace(/^(\s*)(\d{1,2})([.)])(?=\s)/gm, (whole, pre: string, n: string, post: string) =>
    Number(n) >= 1 && Number(n) <= shown ? `${pre}${' '.repeat(n.length)}${' '.repeat(post.length)}` : whole,
  );
  for (const m of text.matchAll(/(?<![\w.$])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?%?(?![\w])/g)) {
    checked++;
    const raw = `${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`;
    if (!allowed.numbers.has(normNumber(raw))) return fail(GuardReason.UNTRACEABLE_COUNT);
  }
  const wordRe = new RegExp(`\\b(${Object.keys(NUMBER_WORD_VALUES).join('|')})\\s+(?:\\w+\\s+)?${COUNTABLE}\\b`, 'gi');
  for (const m of text.matchAll(wordRe)) {
    checked++;
    const n = NUMBER_WORD_VALUES[(m[1] ?? '').toLowerCase()];
    if (n === undefined || !allowed.numbers.has(normNumber(n))) return fail(GuardReason.UNTRACEABLE_COUNT);
  }
  return { ok: true, checked };
}

/** "the plan (now) pays 100%", "el plan paga el 100 %": the documented rule after the out-of-pocket maximum. */
const PLAN_PAYS_ALL =
  /\b(?:plan|insurance|seguro)(?: now| then| will| would| ahora)? (?:pays?|paga(?:rá)?) (?:el )?100 ?%/gi;

function scaled(value: string, unit: string | undefined): string | undefined {
  if (!unit) return value;
  const n = Number(value);
  return Number.isFinite(n) ? String(n * 1000) : undefined;
}
