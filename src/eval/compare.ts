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
