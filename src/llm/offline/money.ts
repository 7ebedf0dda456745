/**
 * Money for people, from the decimal strings the database returns, without float drift:
 * the digits are rounded as integers of cents (half away from zero).
 */
import type { Cell } from '../../core/ports.ts';

const DECIMAL = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/;

/**
 * '$1,234.56' from '1234.555' / 1234.5 / '-3'; `undefined` when the cell is not a number.
 *
 * @example
 * formatMoney('1234.5') // '$1,234.50'
 * formatMoney('0.105')  // '$0.11'
 */
export function formatMoney(value: Cell): string | undefined {
  if (value === null || typeof value === 'boolean') return undefined;
  const text = typeof value === 'number' ? numberToPlain(value) : value;
  if (text === undefined) return undefined;
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const negative = m[1] === '-';
  const whole = m[2] || '0';
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(whole) * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  const dollars = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = (cents % 100n).toString().padStart(2, '0');
  return `${negative && cents > 0n ? '-' : ''}$${dollars}.${rest}`;
}

/** A JS number as plain decimal digits (no exponent); `undefined` for NaN/Infinity. */
function numberToPlain(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Math.abs(n) < 1e21 ? n.toFixed(Math.min(20, Math.max(0, decimalsOf(n)))) : undefined;
}

function decimalsOf(n: number): number {
  const s = String(n);
  const e = /e-(\d+)$/.exec(s);
  if (e) return Number(e[1]) + 2;
  return (s.split('.')[1] ?? '').length;
}
