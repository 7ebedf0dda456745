/**
 * Evaluates a WHERE condition over a small virtual row (e.g. one roster person as
 * `{ member_name, relationship_code }`, or one claim type), the way PostgreSQL would for the
 * shapes models write: =, <>, IN, LIKE / ILIKE, AND / OR / NOT, lower/upper/trim around a column.
 * `undefined` means "not a shape we can evaluate" — the caller then does not guess.
 */
import { columnOf, functionArgs, functionName, isNode, literalOf, type Node, operatorOf } from './ast.ts';

export type VirtualRow = Readonly<Record<string, string>>;

function value(node: unknown, row: VirtualRow): string | number | undefined {
  if (!isNode(node)) return undefined;
  const col = columnOf(node);
  if (col) return Object.hasOwn(row, col) ? row[col] : undefined;
  const lit = literalOf(node);
  if (lit !== undefined) return lit;
  if (node.type === 'cast') return value(node.expr, row);
  if (node.type === 'function') {
    const name = functionName(node);
    const [arg] = functionArgs(node);
    const v = value(arg, row);
    if (typeof v !== 'string') return undefined;
    if (name === 'lower') return v.toLowerCase();
    if (name === 'upper') return v.toUpperCase();
    if (name === 'trim') return v.trim();
    if (name === 'initcap') return v.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase());
  }
  return undefined;
}

/** SQL LIKE pattern → RegExp (`%` any run, `_` one character, backslash escapes). */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}

function listOf(node: unknown): unknown[] | undefined {
  return isNode(node) && node.type === 'expr_list' && Array.isArray(node.value) ? node.value : undefined;
}

/**
 * The condition's truth for `row`, or undefined when it uses something we do not evaluate.
 *
 * @example
 * evaluate(astOf("relationship_code IN ('son','daughter')"), { relationship_code: 'son' }) // true
 */
export function evaluate(node: unknown, row: VirtualRow): boolean | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'function' && functionName(node) === 'not') {
    const inner = evaluate(functionArgs(node)[0], row);
    return inner === undefined ? undefined : !inner;
  }
  if (node.type === 'unary_expr' && String(node.operator).toUpperCase() === 'NOT') {
    const inner = evaluate(node.expr, row);
    return inner === undefined ? undefined : !inner;
  }
  if (node.type !== 'binary_expr') return undefined;
  const op = operatorOf(node);
  if (op === 'AND' || op === 'OR') {
    const l = evaluate(node.left, row);
    const r = evaluate(node.right, row);
    if (l === undefined || r === undefined) return undefined;
    return op === 'AND' ? l && r : l || r;
  }
  const left = value(node.left, row);
  if (op === 'IN' || op === 'NOT IN') {
    const items = listOf(node.right)?.map((n) => value(n, row));
    if (left === undefined || !items || items.some((i) => i === undefined)) return undefined;
    const hit = items.some((i) => String(i) === String(left));
    return op === 'IN' ? hit : !hit;
  }
  const right = value(node.right, row);
  if (left === undefined || right === undefined) return undefined;
  switch (op) {
    case '=':
      return String(left) === String(right);
    case '<>':
    case '!=':
      return String(left) !== String(right);
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE': {
      const hit = likeToRegExp(String(right), op.includes('ILIKE')).test(String(left));
      return op.startsWith('NOT') ? !hit : hit;
    }
    default:
      return undefined;
  }
}

/** The LIKE/ILIKE/= text patterns a provider condition uses, with whether each is negated. */
export function textPatterns(
  node: unknown,
  column: string,
): { patterns: string[]; exact: string[]; negated: boolean } | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'binary_expr') {
    const op = operatorOf(node);
    if (op === 'OR') {
      const l = textPatterns(node.left, column);
      const r = textPatterns(node.right, column);
      if (!l || !r || l.negated || r.negated) return undefined;
      return { patterns: [...l.patterns, ...r.patterns], exact: [...l.exact, ...r.exact], negated: false };
    }
    const colSide = columnOf(node.left) === column || (isNode(node.left) && columnsOnly(node.left, column));
    if (!colSide) return undefined;
    const lit = value(node.right, {});
    if (op === 'IN') {
      const items = listOf(node.right)?.map((n) => value(n, {}));
      if (!items || items.some((i) => typeof i !== 'string')) return undefined;
      return { patterns: [], exact: items as string[], negated: false };
    }
    if (typeof lit !== 'string') return undefined;
    if (op === 'LIKE' || op === 'ILIKE') return { patterns: [lit], exact: [], negated: false };
    if (op === 'NOT LIKE' || op === 'NOT ILIKE') return { patterns: [lit], exact: [], negated: true };
    if (op === '=') return { patterns: [], exact: [lit], negated: false };
    if (op === '<>' || op === '!=') return { patterns: [], exact: [lit], negated: true };
  }
  return undefined;
}

/** lower(col) / upper(col) / trim(col) around exactly this column. */
function columnsOnly(node: Node, column: string): boolean {
  if (node.type !== 'function') return false;
  const name = functionName(node);
  const [arg] = functionArgs(node);
  return ['lower', 'upper', 'trim', 'initcap'].includes(name ?? '') && columnOf(arg) === column;
}
