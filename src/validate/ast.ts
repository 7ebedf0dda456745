/** Narrow, typed access to node-sql-parser's loosely typed AST (deny what we cannot read). */
import { Reason } from '../core/reasons.ts';
import { reject } from './rejection.ts';

export type Node = Readonly<Record<string, unknown>>;

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asNode(value: unknown, what: string): Node {
  if (!isNode(value)) reject(Reason.SQL_UNSUPPORTED, `unexpected shape for ${what}`);
  return value;
}

export function asArray(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) reject(Reason.SQL_UNSUPPORTED, `unexpected shape for ${what}`);
  return value;
}

/** True when a value carries no information (null, false, empty object or array). */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isNode(value)) return Object.values(value).every(isEmpty);
  return false;
}

/**
 * Rejects a node that carries any key outside `allowed`: unknown syntax is denied, not ignored.
 * @example onlyKeys(node, ['type', 'value'], 'literal')
 */
export function onlyKeys(node: Node, allowed: readonly string[], what: string): void {
  for (const [key, value] of Object.entries(node)) {
    if (!allowed.includes(key) && !isEmpty(value)) {
      reject(Reason.SQL_UNSUPPORTED, `unsupported ${key} in ${what}`);
    }
  }
}

/** A sub-query wrapper as the parser emits it inside expressions and FROM: `{ ast: select }`. */
export function subqueryOf(value: unknown): Node | undefined {
  return isNode(value) && isNode(value.ast) ? value.ast : undefined;
}

/** Identifier as written: unquoted names fold to lower case, quoted ones keep their case. */
export function identName(value: unknown, what: string): string {
  if (typeof value === 'string') return value.toLowerCase();
  const node = asNode(value, what);
  if (typeof node.value !== 'string') reject(Reason.SQL_UNSUPPORTED, `unexpected shape for ${what}`);
  return node.type === 'double_quote_string' ? node.value : node.value.toLowerCase();
}

/** The column name of a column_ref, or '*'. */
export function columnName(ref: Node): string {
  if (ref.column === '*') return '*';
  const column = asNode(ref.column, 'column');
  return identName(column.expr, 'column');
}

/** The qualifier of a column_ref (`c` in `c.member_id`), lower-cased, or undefined. */
export function columnQualifier(ref: Node): string | undefined {
  if (isEmpty(ref.table)) return undefined;
  return identName(ref.table, 'column qualifier');
}

export const LITERAL_TYPES: ReadonlySet<string> = new Set(['number', 'bigint', 'single_quote_string']);

/** The text of a number or string literal, or undefined for anything else. */
export function literalText(node: Node): string | undefined {
  if (typeof node.type !== 'string' || !LITERAL_TYPES.has(node.type)) return undefined;
  const value = node.value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : `~${value}`;
  return typeof value === 'string' ? value : undefined;
}
