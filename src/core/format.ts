/**
 * Money, counts and dates as a member reads them, in English or Spanish. Money is formatted
 * from the decimal strings the database returns, as integers of cents (half away from zero),
 * so '1234.555' is never a float. The number guard reads the same shapes back.
 */

import type { Lang } from './language.ts';
import type { Cell } from './ports.ts';

const DECIMAL = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/;

/**
 * Cents of a money cell ('12.5' → 1250n); `undefined` when the cell is not a number.
 *
 * @example
 * centsOf('1234.555') // 123456n
 */
export function centsOf(value: Cell | undefined): bigint | undefined {
  if (value === null || value === undefined || typeof value === 'boolean') return undefined;
  const text = typeof value === 'number' ? plainNumber(value) : value;
  if (text === undefined) return undefined;
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(m[2] || '0') * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return m[1] === '-' ? -cents : cents;
}

function plainNumber(n: number): string | undefined {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return undefined;
  return n.toFixed(6);
}

/**
 * '$1,234.56' for 123456n (the same in English and Spanish, as US members read it).
 *
 * @example
 * moneyFromCents(-5n) // '-$0.05'
 */
export function moneyFromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${dollars}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * '$1,234.56' from a money cell; `undefined` when it is not a number.
 *
 * @example
 * money('1234.5') // '$1,234.50'
 */
export function money(value: Cell | undefined): string | undefined {
  const cents = centsOf(value);
  return cents === undefined ? undefined : moneyFromCents(cents);
}

/** A whole count from a cell (5, '5'); `undefined` otherwise. */
export function countOf(value: Cell | undefined): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

export const MONTHS: Readonly<Record<Lang, readonly string[]>> = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
};

/** 'YYYY-MM-DD' → [year, month, day], or undefined. */
export function isoParts(iso: string): [number, number, number] | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * 'March 3, 2026' / '3 de marzo de 2026'.
 *
 * @example
 * longDate('2026-03-03', 'es') // '3 de marzo de 2026'
 */
export function longDate(iso: string, lang: Lang = 'en'): string {
  const p = isoParts(iso);
  if (!p) return iso;
  const [y, m, d] = p;
  const month = MONTHS[lang][m - 1] ?? '';
  return lang === 'es' ? `${d} de ${month} de ${y}` : `${month} ${d}, ${y}`;
}

/** 'YYYY-MM-DD' of the day before. */
export function previousDay(iso: string): string {
  const p = isoParts(iso);
  if (!p) return iso;
  const d = new Date(Date.UTC(p[0], p[1] - 1, p[2] - 1));
  return d.toISOString().slice(0, 10);
}

/** 'a, b and c' / 'a, b y c'. */
export function joinList(items: readonly string[], lang: Lang = 'en'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${lang === 'es' ? 'y' : 'and'} ${items.at(-1)}`;
}

/**
 * Short month names → month (1–12), lower case: English ('jan', 'sept') and Spanish ('ene', 'ago').
 * The offline engine reads questions with the English ones ("ago" and "may" are English words);
 * the number guard reads summaries with both.
 */
export const MONTH_ABBREVIATIONS: Readonly<Record<Lang, Readonly<Record<string, number>>>> = {
  en: { jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 },
  es: { ene: 1, feb: 2, mar: 3, abr: 4, may: 5, jun: 6, jul: 7, ago: 8, sep: 9, oct: 10, nov: 11, dic: 12 },
};

/** Other spellings of whole month names: 'setiembre' (September, as written in parts of Latin America). */
export const MONTH_VARIANTS: Readonly<Record<string, number>> = { setiembre: 9 };

/**
 * Cardinal number words (English and Spanish, lower case, without accents) and their values: what
 * the number guard reads a figure written in words with, alone ("twelve", "doce") or in a compound
 * ("twenty-three", "treinta y dos", "dos mil quinientos"). `numberPhrases` reads them.
 */
export const NUMBER_WORD_VALUES: Readonly<Record<string, number>> = {
  zero: 0,
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
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  cero: 0,
  uno: 1,
  un: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veinte: 20,
  veintiuno: 21,
  veintiun: 21,
  veintiuna: 21,
  veintidos: 22,
  veintitres: 23,
  veinticuatro: 24,
  veinticinco: 25,
  veintiseis: 26,
  veintisiete: 27,
  veintiocho: 28,
  veintinueve: 29,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
  cien: 100,
  ciento: 100,
  doscientos: 200,
  doscientas: 200,
  trescientos: 300,
  trescientas: 300,
  cuatrocientos: 400,
  cuatrocientas: 400,
  quinientos: 500,
  quinientas: 500,
  seiscientos: 600,
  seiscientas: 600,
  setecientos: 700,
  setecientas: 700,
  ochocientos: 800,
  ochocientas: 800,
  novecientos: 900,
  novecientas: 900,
};

/** Words that multiply what comes before them ("three hundred", "dos mil", "a dozen"). */
export const NUMBER_SCALES: Readonly<Record<string, number>> = {
  dozen: 12,
  hundred: 100,
  thousand: 1_000,
  million: 1_000_000,
  millions: 1_000_000,
  billion: 1_000_000_000,
  mil: 1_000,
  millon: 1_000_000,
  millones: 1_000_000,
};

/** Ordinal words (lower case, without accents): "your third claim", "su tercera visita". */
export const ORDINAL_WORD_VALUES: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
  primer: 1,
  primero: 1,
  primera: 1,
  segundo: 2,
  segunda: 2,
  tercer: 3,
  tercero: 3,
  tercera: 3,
  cuarto: 4,
  cuarta: 4,
  quinto: 5,
  quinta: 5,
  sexto: 6,
  sexta: 6,
  septimo: 7,
  septima: 7,
  octavo: 8,
  octava: 8,
  noveno: 9,
  novena: 9,
  decimo: 10,
  decima: 10,
  undecimo: 11,
  undecima: 11,
  duodecimo: 12,
  duodecima: 12,
  vigesimo: 20,
  vigesima: 20,
  trigesimo: 30,
  trigesima: 30,
};

/** Lower case without accents ('Veintitrés' → 'veintitres'), as the word tables are keyed. */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** Is this one word (or a hyphenated part of one) a number word: cardinal, scale or ordinal? */
export function isNumberWord(word: string): boolean {
  const w = foldWord(word);
  return w in NUMBER_WORD_VALUES || w in NUMBER_SCALES || w in ORDINAL_WORD_VALUES;
}

/** A number written in words, where it stands in the text it was read from. */
export interface NumberPhrase {
  readonly index: number;
  readonly end: number;
  readonly value: number;
  /** How many number words it is made of ("twenty-three" is 2). */
  readonly words: number;
  /** "third", "twenty-first", "tercera". */
  readonly ordinal: boolean;
}

/** The largest power of ten that divides n (n > 0): what a next word may still add ("treinta" + "y dos"). */
function place(n: number): number {
  let p = 1;
  while (n % (p * 10) === 0) p *= 10;
  return p;
}

interface Token {
  readonly word: string;
  readonly index: number;
  readonly end: number;
}

const isTens = (n: number) => n >= 20 && n <= 90 && n % 10 === 0;

/** The number phrase that starts at token `start`, if one does, and the token after it. */
function phraseAt(tokens: readonly Token[], start: number, text: string): [NumberPhrase, number] | undefined {
  let total = 0;
  let current = 0;
  let lastAdd = 0;
  let last: 'none' | 'add' | 'hundred' | 'scale' = 'none';
  let scaleCap = Number.POSITIVE_INFINITY;
  let words = 0;
  let end = 0;
  let ordinal = false;
  let j = start;
  const joined = (a: Token | undefined, b: Token | undefined) =>
    !!a && !!b && /^[\s-]+$/.test(text.slice(a.end, b.index));
  for (; j < tokens.length && !ordinal; j++) {
    const t = tokens[j] as Token;
    if (words > 0 && !joined(tokens[j - 1], t)) break;
    const w = t.word;
    // "por ciento" is "percent", not a hundred.
    if (w === 'ciento' && tokens[j - 1]?.word === 'por' && joined(tokens[j - 1], t)) break;
    if (words > 0 && (w === 'and' || w === 'y')) {
      const next = tokens[j + 1];
      const v = next ? NUMBER_WORD_VALUES[next.word] : undefined;
      const ok =
        joined(t, next) &&
        v !== undefined &&
        v >= 1 &&
        (w === 'and'
          ? (last === 'hundred' || last === 'scale') && v < 100
          : last === 'add' && lastAdd >= 30 && isTens(lastAdd) && v <= 9);
      if (!ok) break;
      continue;
    }
    const ord = ORDINAL_WORD_VALUES[w];
    if (ord !== undefined) {
      if (words === 0) {
        // "vigésimo tercero": an ordinal ten and an ordinal unit.
        const next = tokens[j + 1];
        const unit = next ? ORDINAL_WORD_VALUES[next.word] : undefined;
        const both = isTens(ord) && unit !== undefined && unit <= 9 && joined(t, next);
        current = both ? ord + (unit ?? 0) : ord;
        end = both ? (next?.end ?? t.end) : t.end;
        words = both ? 2 : 1;
        if (both) j++;
      } else if (last === 'add' && total === 0 && current === lastAdd && isTens(lastAdd) && ord <= 9) {
        // "twenty-third"
        current += ord;
        end = t.end;
        words++;
      } else break;
      ordinal = true;
      continue;
    }
    const v = NUMBER_WORD_VALUES[w];
    const scale = NUMBER_SCALES[w];
    if (v !== undefined) {
      if (current !== 0 && !(v < place(current))) break;
      current += v;
      lastAdd = v;
      last = 'add';
    } else if (w === 'a' && words === 0) {
      // "a hundred", "a thousand dollars", "a dozen": "a" is one only before a scale.
      const next = tokens[j + 1];
      if (!next || !joined(t, next) || NUMBER_SCALES[next.word] === undefined || next.word === 'mil') break;
      current = 1;
      last = 'add';
      lastAdd = 1;
    } else if (scale === 12 || scale === 100) {
      if (!(current >= 1 && current < 100)) break;
      current *= scale;
      last = 'hundred';
      if (scale === 12) {
        words++;
        end = t.end;
        j++;
        break;
      }
    } else if (scale !== undefined) {
      // "mil" alone is a thousand; "thousand", "million" need a number before them.
      if (scale >= scaleCap || (current === 0 && !(w === 'mil' && words === 0))) break;
      total += (current || 1) * scale;
      current = 0;
      scaleCap = scale;
      last = 'scale';
    } else break;
    words++;
    end = t.end;
  }
  if (words === 0) return undefined;
  const first = tokens[start] as Token;
  return [{ index: first.index, end, value: total + current, words, ordinal }, Math.max(j, start + 1)];
}

/**
 * Numbers written in words in `text`, each read whole: "twenty-three" is 23, "treinta y dos" 32,
 * "one hundred and five" 105, "dos mil quinientos" 2500, "twenty-third" 23 (ordinal). Words that
 * cannot follow each other start a new number ("two three" is 2, then 3).
 *
 * @example
 * numberPhrases('You paid three hundred dollars')[0]?.value // 300
 */
export function numberPhrases(text: string): NumberPhrase[] {
  const tokens: Token[] = [...text.matchAll(/\p{L}+/gu)].map((m) => ({
    word: foldWord(m[0]),
    index: m.index,
    end: m.index + m[0].length,
  }));
  const out: NumberPhrase[] = [];
  for (let i = 0; i < tokens.length; ) {
    const found = phraseAt(tokens, i, text);
    if (found) {
      out.push(found[0]);
      i = found[1];
    } else i++;
  }
  return out;
}
