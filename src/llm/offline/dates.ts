/**
 * Calendar arithmetic on plain 'YYYY-MM-DD' dates (UTC, no time zone drift), so the offline
 * engine writes the same SQL for the same `<today>` on every machine.
 */

import { MONTHS } from '../../core/format.ts';

export interface CalendarDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
}

/** English month names in lower case (the one list: core/format.ts). */
export const MONTH_NAMES: readonly string[] = MONTHS.en.map((m) => m.toLowerCase());

/**
 * Parses 'YYYY-MM-DD'; `undefined` when it is not a real calendar date.
 *
 * @example
 * parseIsoDate('2026-02-30') // undefined
 */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  return makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A valid calendar date, or `undefined` (e.g. February 30). */
export function makeDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 'YYYY-MM-DD' */
export function toIso(d: CalendarDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Today as a calendar date, from the clock (UTC). */
export function todayUtc(now: Date = new Date()): CalendarDate {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
}

/**
 * Adds (or subtracts) months, clamping the day to the target month's length.
 *
 * @example
 * toIso(addMonths({ year: 2026, month: 3, day: 31 }, -1)) // '2026-02-28'
 */
export function addMonths(d: CalendarDate, months: number): CalendarDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

export function addDays(d: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return todayUtc(t);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** 'March' for 3. */
export function monthName(month: number): string {
  return capitalize(MONTH_NAMES[month - 1] ?? '');
}

/**
 * A date for people: 'March 3, 2026'.
 *
 * @example
 * formatLongDate({ year: 2026, month: 3, day: 3 }) // 'March 3, 2026'
 */
export function formatLongDate(d: CalendarDate): string {
  return `${monthName(d.month)} ${d.day}, ${d.year}`;
}
