/**
 * The member-scope rules. Every member-table reference in every SELECT must be pinned to the
 * signed-in family: by a plain top-level `<ref>.member_id = <literal>` in that SELECT's WHERE, or
 * through a join key `<ref>.member_id = <pinned ref>.member_id` (a top-level conjunct of the WHERE or
 * of an inner join's ON; a LEFT JOIN's ON pins only the table it joins, never the one before it) or
 * `JOIN <ref> USING (member_id, ...)` after a pinned reference (same rule for LEFT JOIN).
 * Any other use of member_id in a predicate is refused, because it can only widen or probe scope.
 * Reference tables (no scope column: no member rows) need no pin, but join like any other table.
 */
import { Reason } from '../core/reasons.ts';
import { MEMBER_TABLES, type TableSpec } from '../schema/catalog.ts';
import { columnName, columnQualifier, isNode, literalText, type Node, subqueryOf } from './ast.ts';
import { reject } from './rejection.ts';
import type { FromItem, SelectFacts } from './walk.ts';

const SCOPE_COLUMNS: ReadonlySet<string> = new Set(
  Object.values(MEMBER_TABLES as Record<string, TableSpec>).flatMap((t) => (t.scopeColumn ? [t.scopeColumn] : [])),
);
const JOINS_WITH_KEYS: ReadonlySet<string> = new Set(['JOIN', 'INNER JOIN', 'LEFT JOIN', 'LEFT OUTER JOIN']);
const NULL_EXTENDING_JOINS = /^(RIGHT|FULL)/;

function isScopeColumnRef(node: Node): boolean {
  return node.type === 'column_ref' && node.column !== '*' && SCOPE_COLUMNS.has(columnName(node));
}

/** Calls `visit` on each child node of an expression, without entering sub-queries (each is checked as its own SELECT). */
function forEachChild(node: Node, visit: (child: Node) => void): void {
  if (subqueryOf(node) || node.type === 'select') return;
  for (const key in node) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) {
      visit(value);
    }
  }
}

function mentionsScopeColumn(node: Node): boolean {
  if (isScopeColumnRef(node)) return true;
  let found = false;
  forEachChild(node, (child) => {
    found ||= mentionsScopeColumn(child);
  });
  return found;
}

/** Top-level AND conjuncts (parentheses are flags in this AST, so nesting is plain). */
function conjuncts(expr: Node | undefined): Node[] {
  if (!expr) return [];
  if (expr.type === 'binary_expr' && String(expr.operator).toUpperCase() === 'AND') {
    return [...conjuncts(expr.left as Node), ...conjuncts(expr.right as Node)];
  }
  return [expr];
}

/** For `member_id = <literal>` (either order) returns the column ref and literal text. */
function scopeEquality(expr: Node): { ref: Node; literal: string } | undefined {
  if (expr.type !== 'binary_expr' || expr.operator !== '=') return undefined;
  const { left, right } = expr;
  if (!isNode(left) || !isNode(right)) return undefined;
  const [ref, value] = isScopeColumnRef(left) ? [left, right] : isScopeColumnRef(right) ? [right, left] : [];
  if (!ref || !value) return undefined;
  const literal = literalText(value);
  return literal === undefined ? undefined : { ref, literal };
}

/**
 * SQL_WRONG_MEMBER: any comparison that involves member_id and a literal other than the
 * signed-in family's id, anywhere in the statement. One bottom-up pass per expression tree.
 */
function checkNoOtherMember(facts: SelectFacts, memberId: string): void {
  /** Returns [mentions member_id, holds a literal that is not the member's id] for the subtree. */
  const visit = (node: Node): [boolean, boolean] => {
    const text = literalText(node);
    let mentions = isScopeColumnRef(node);
    let foreign = text !== undefined && text !== memberId;
    forEachChild(node, (child) => {
      const [m, f] = visit(child);
      mentions ||= m;
      foreign ||= f;
    });
    const isComparison =
      (node.type === 'binary_expr' && !['AND', 'OR'].includes(String(node.operator).toUpperCase())) ||
      node.type === 'unary_expr' ||
      node.type === 'function';
    if (isComparison && mentions && foreign)
      reject(Reason.SQL_WRONG_MEMBER, 'member_id is compared with another family');
    return [mentions, foreign];
  };
  for (const root of [facts.where, facts.having, ...facts.projections, ...facts.from.map((f) => f.on)]) {
    if (root !== undefined) visit(root);
  }
}

function checkJoins(from: readonly FromItem[], catalogRefs: number, memberRefs: number): void {
  if (memberRefs === 0) return;
  if (from.some((f) => f.join !== undefined && NULL_EXTENDING_JOINS.test(f.join))) {
    reject(Reason.SQL_SCOPE_ESCAPE, 'RIGHT and FULL joins are not allowed with member tables');
  }
  if (catalogRefs < 2) return;
  for (const item of from.slice(1)) {
    const keyed =
      item.join !== undefined &&
      JOINS_WITH_KEYS.has(item.join) &&
      (item.hasUsing || conjuncts(item.on).some(isColumnEquality));
    if (!keyed) reject(Reason.SQL_CARTESIAN_PRODUCT, 'member tables must be joined on a column equality');
  }
}

/** `a.x = b.y` with two different qualifiers: a real join key, not a cross product. */
function isColumnEquality(expr: Node): boolean {
  if (expr.type !== 'binary_expr' || expr.operator !== '=') return false;
  const { left, right } = expr;
  if (!isNode(left) || !isNode(right) || left.type !== 'column_ref' || right.type !== 'column_ref') return false;
  const l = columnQualifier(left);
  const r = columnQualifier(right);
  return l !== undefined && r !== undefined && l !== r;
}

/** `a.member_id = b.member_id` (qualified, two different references): the qualifiers, else undefined. */
function scopeJoinKey(expr: Node): readonly [string, string] | undefined {
  if (!isColumnEquality(expr)) return undefined;
  const left = expr.left as Node;
  const right = expr.right as Node;
  if (!isScopeColumnRef(left) || !isScopeColumnRef(right)) return undefined;
  return [columnQualifier(left) as string, columnQualifier(right) as string];
}

/** One pinning step: `from` pinned pins `to` (both ways for WHERE and inner joins). */
interface PinEdge {
  readonly from: string;
  readonly to: string;
}

function checkOneSelect(facts: SelectFacts, memberId: string): void {
  const memberRefs = facts.from.filter((f) => f.source.kind === 'member').map((f) => f.source.name);
  const catalogRefs = facts.from.filter((f) => f.source.kind === 'member' || f.source.kind === 'reference').length;
  checkJoins(facts.from, catalogRefs, memberRefs.length);
  const scoped = new Set<string>();
  const edges: PinEdge[] = [];
  for (const conjunct of conjuncts(facts.where)) {
    const eq = scopeEquality(conjunct);
    if (eq && eq.literal === memberId) {
      const qualifier = columnQualifier(eq.ref);
      if (qualifier !== undefined) scoped.add(qualifier);
      else if (memberRefs.length === 1) scoped.add(memberRefs[0] as string);
      continue;
    }
    const key = scopeJoinKey(conjunct);
    if (key) {
      edges.push({ from: key[0], to: key[1] }, { from: key[1], to: key[0] });
      continue;
    }
    if (mentionsScopeColumn(conjunct))
      reject(Reason.SQL_SCOPE_ESCAPE, 'member_id is used outside the one scope equality');
  }
  facts.from.forEach((item, i) => {
    // `JOIN b USING (member_id)`: b's member_id equals that of every earlier source that has one
    // (an inner join filters both sides; a LEFT JOIN only the table it joins).
    if (item.source.scopeColumn && item.using.includes(item.source.scopeColumn)) {
      const inner = item.join === 'JOIN' || item.join === 'INNER JOIN';
      for (const earlier of facts.from.slice(0, i)) {
        if (!earlier.source.columns.has(item.source.scopeColumn)) continue;
        edges.push({ from: earlier.source.name, to: item.source.name });
        if (inner) edges.push({ from: item.source.name, to: earlier.source.name });
      }
    }
  });
  for (const item of facts.from) {
    for (const conjunct of conjuncts(item.on)) {
      const key = scopeJoinKey(conjunct);
      if (key) {
        // An inner join filters both sides; a LEFT JOIN's ON filters only the table it joins.
        const inner = item.join === 'JOIN' || item.join === 'INNER JOIN';
        for (const [a, b] of [key, [key[1], key[0]] as const]) {
          if (inner || b === item.source.name) edges.push({ from: a, to: b });
        }
        continue;
      }
      if (mentionsScopeColumn(conjunct)) reject(Reason.SQL_SCOPE_ESCAPE, 'member_id is used outside WHERE');
    }
  }
  // Pins spread along join keys until nothing changes (at most one pass per reference).
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of edges) {
      if (scoped.has(e.from) && !scoped.has(e.to)) {
        scoped.add(e.to);
        changed = true;
      }
    }
  }
  if (facts.having && mentionsScopeColumn(facts.having))
    reject(Reason.SQL_SCOPE_ESCAPE, 'member_id is used outside WHERE');
  // In the select list, GROUP BY and ORDER BY member_id may appear only as a bare column.
  for (const projection of facts.projections) {
    if (!isScopeColumnRef(projection) && mentionsScopeColumn(projection)) {
      reject(Reason.SQL_SCOPE_ESCAPE, 'member_id is used inside an expression');
    }
  }
  for (const ref of memberRefs) {
    if (!scoped.has(ref)) reject(Reason.SQL_MISSING_MEMBER_SCOPE, 'a member table is not scoped to the member');
  }
}

/**
 * Applies the member-scope rules to every SELECT of a statement.
 * @example checkMemberScope(walker.selects, '1234567890')
 */
export function checkMemberScope(selects: readonly SelectFacts[], memberId: string): void {
  for (const facts of selects) checkNoOtherMember(facts, memberId);
  for (const facts of selects) checkOneSelect(facts, memberId);
}
