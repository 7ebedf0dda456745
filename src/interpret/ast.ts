/**
 * Reading the validated SQL back as an AST (node-sql-parser, PostgreSQL build), with small typed
 * helpers. The interpretation only ever reads SQL the validator accepted; anything it cannot
 * read is reported as "a condition I can't put in plain words", never guessed.
 */
import pkg from 'node-sql-parser/build/postgresql.js';

const { Parser } = pkg;
const parser = new Parser();
const PARSE_OPTIONS = { database: 'postgresql' } as const;

export type Node = Readonly<Record<string, unknown>>;

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The one SELECT of a statement, or undefined when it does not parse to one. */
export function parseSelect(sql: string): Node | undefined {
  try {
    const ast: unknown = parser.astify(sql, PARSE_OPTIONS);
    const stmt = Array.isArray(ast) ? (ast.length === 1 ? ast[0] : undefined) : ast;
    return isNode(stmt) && stmt.type === 'select' ? stmt : undefined;
  } catch {
    return undefined;
  }
}

/** Lower-case column name of a column_ref (undefined for anything else, '*' for a star). */
export function columnOf(node: unknown): string | undefined {
  if (!isNode(node) || node.type !== 'column_ref') return undefined;
  if (node.column === '*') return '*';
  const col = node.column;
  if (typeof col === 'string') return col.toLowerCase();
  if (isNode(col) && isNode(col.expr) && typeof col.expr.value === 'string') {
    return col.expr.type === 'double_quote_string' ? col.expr.value : col.expr.value.toLowerCase();
  }
  return undefined;
}

/** The lower-case name of a function call node. */
export function functionName(node: Node): string | undefined {
  const name = node.name;
  if (typeof name === 'string') return name.toLowerCase();
  if (isNode(name) && Array.isArray(name.name)) {
    const parts = name.name.map((p) => (isNode(p) && typeof p.value === 'string' ? p.value : '')).filter(Boolean);
    return parts.at(-1)?.toLowerCase();
  }
  return undefined;
}

/** Arguments of a function call (expr_list), or []. */
export function functionArgs(node: Node): Node[] {
  const args = node.args;
  if (isNode(args) && Array.isArray(args.value)) return args.value.filter(isNode);
  return [];
}

/** Top-level AND conjuncts. */
export function conjuncts(expr: unknown): Node[] {
  if (!isNode(expr)) return [];
  if (expr.type === 'binary_expr' && String(expr.operator).toUpperCase() === 'AND') {
    return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  }
  return [expr];
}

/** Every column name referenced under a node (sub-queries included). */
export function columnsIn(node: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) columnsIn(n, into);
    return into;
  }
  if (!isNode(node)) return into;
  const col = columnOf(node);
  if (col) into.add(col);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'tableList' || k === 'columnList') continue;
    if (typeof v === 'object' && v !== null) columnsIn(v, into);
  }
  return into;
}

/** A string or number literal's value. */
export function literalOf(node: unknown): string | number | undefined {
  if (!isNode(node)) return undefined;
  if ((node.type === 'single_quote_string' || node.type === 'string') && typeof node.value === 'string')
    return node.value;
  if (node.type === 'number' && typeof node.value === 'number') return node.value;
  if (node.type === 'bigint' && (typeof node.value === 'string' || typeof node.value === 'number'))
    return Number(node.value);
  return undefined;
}

/** The SELECT inside a sub-query wrapper `{ ast: select }`, if the node is one. */
export function subquery(node: unknown): Node | undefined {
  return isNode(node) && isNode(node.ast) && node.ast.type === 'select' ? node.ast : undefined;
}

/** Drops wrappers that do not change a value's meaning for us: round(x, n), coalesce(x, 0), casts. */
export function unwrap(node: Node): Node {
  if (node.type === 'cast' && isNode(node.expr)) return unwrap(node.expr);
  if (node.type === 'function') {
    const name = functionName(node);
    const args = functionArgs(node);
    if ((name === 'round' || name === 'coalesce' || name === 'abs') && args[0]) return unwrap(args[0]);
  }
  return node;
}

/** Operator of a binary expression, upper case. */
export function operatorOf(node: Node): string {
  return String(node.operator ?? '').toUpperCase();
}
