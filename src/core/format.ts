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
 * Number words a summary may state a count with, and their values (English and Spanish): the
 * number guard checks them, and the streamed summary holds a sentence back until they are checked.
 */
export const NUMBER_WORD_VALUES: Readonly<Record<string, number>> = {
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
  dozen: 12,
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
  veinte: 20,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
};
