/**
 * Result-set comparison for execution accuracy: values, not column names. Each row becomes the
 * sorted list of its normalized cell values (so column order and names do not matter); rows are
 * compared as a multiset, or in order when the reference query orders them.
 */
import type { Cell, Row } from '../core/ports.ts';

/** '12.50' and 12.5 are the same value; dates and text stay as they are. */
export function normalizeCell(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c === 'number') return String(c);
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  if (/^-?\d+(\.\d+)?$/.test(c)) return String(Number(c));
  return `s:${c}`;
}

function rowKey(r: Row): string {
  return JSON.stringify(Object.values(r).map(normalizeCell).sort());
}

/** True when the reference query's top level orders its rows (an ORDER BY after the last FROM). */
export function isOrdered(sql: string): boolean {
  return /\border\s+by\b[^)]*$/i.test(sql.replace(/\s+/g, ' '));
}

/**
 * Same result set?
 * @example
 * sameResults([{ n: '1.50' }], [{ total: 1.5 }], false) // true
 */
export function sameResults(reference: readonly Row[], got: readonly Row[], ordered: boolean): boolean {
  if (reference.length !== got.length) return false;
  const a = reference.map(rowKey);
  const b = got.map(rowKey);
  if (!ordered) {
    a.sort();
    b.sort();
  }
  return a.every((k, i) => k === b[i]);
}

function values(r: Row): string[] {
  return Object.values(r).map(normalizeCell).sort();
}

/** Every value of `small` is in `big`, counted with repeats. */
function containsRow(big: readonly string[], small: readonly string[]): boolean {
  const left = [...big];
  for (const v of small) {
    const i = left.indexOf(v);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/**
 * The generated rows hold the reference's figures: as many rows, and each generated row contains
 * every value of its reference row (other columns may be there too). For references that state
 * the figures an answer must hold, computed another way.
 * @example
 * containsResults([{ left: '180.00' }], [{ limit: '500.00', met: '320', left: 180 }], false) // true
 */
export function containsResults(reference: readonly Row[], got: readonly Row[], ordered: boolean): boolean {
  if (reference.length !== got.length) return false;
  const want = reference.map(values);
  const have = got.map(values);
  if (ordered) return want.every((w, i) => containsRow(have[i] ?? [], w));
  // Unordered: match each reference row to a distinct generated row (small sets: backtracking).
  const used = new Array<boolean>(have.length).fill(false);
  const match = (i: number): boolean => {
    if (i === want.length) return true;
    for (let j = 0; j < have.length; j++) {
      if (used[j] || !containsRow(have[j] ?? [], want[i] ?? [])) continue;
      used[j] = true;
      if (match(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return match(0);
}

function isDateValue(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
}

/**
 * Same claims, when the reference lists claim rows: the same number of rows, and each reference
 * row's values all present in a distinct generated row (a model may show more columns, never
 * other claims). One aggregate row: every reference value present in the generated row (a
 * "spend" answer states the full cost and the share; each is labeled for the member).
 * @example
 * sameClaims([{ d: '2026-01-02', a: '5.00' }], [{ d: '2026-01-02', a: 5, p: 'X' }], false) // true
 */
export function sameClaims(reference: readonly Row[], got: readonly Row[], ordered: boolean): boolean {
  if (sameResults(reference, got, ordered)) return true;
  if (reference.length !== got.length || reference.length === 0) return false;
  // One aggregate row: the generated row may carry more (labeled) figures, never other ones.
  if (reference.length === 1 && got.length === 1 && !Object.values(reference[0] ?? {}).some(isDateValue))
    return containsRow(values(got[0] as Row), values(reference[0] as Row));
  // Claim rows (each has a date): every reference row inside a distinct generated row.
  if (!reference.every((r) => Object.values(r).some(isDateValue))) return false;
  return containsResults(reference, got, ordered);
}
