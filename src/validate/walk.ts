/**
 * The structural walk: every SELECT at every depth, every FROM item, every expression node.
 * It enforces the catalog allowlists (tables, columns, functions, casts) and records, per SELECT,
 * the facts the member-scope rules need.
 */
import { Reason } from '../core/reasons.ts';
import {
  ALLOWED_CAST_TYPES,
  ALLOWED_FUNCTION_NAMES,
  MEMBER_TABLES,
  type MemberTableName,
  memberTable,
  ORDERED_SET_FUNCTIONS,
  SQL_BOUNDS,
  WINDOW_ONLY_FUNCTIONS,
} from '../schema/catalog.ts';
import {
  asArray,
  asNode,
  columnName,
  columnQualifier,
  identName,
  isEmpty,
  isNode,
  type Node,
  onlyKeys,
  subqueryOf,
} from './ast.ts';
import { reject } from './rejection.ts';

/** member: a catalog table with a scope column; reference: a catalog table without one (no member rows). */
export type SourceKind = 'member' | 'reference' | 'cte' | 'derived';

/** Something a FROM clause names: a catalog table, a CTE or a derived table. */
export interface Source {
  readonly kind: SourceKind;
  /** The name columns qualify it by: the alias, else the table or CTE name. */
  readonly name: string;
  readonly columns: ReadonlySet<string>;
  /** The catalog table it is, for `kind: 'member'` and `kind: 'reference'`. */
  readonly table?: MemberTableName;
  /** For catalog tables: the table's scope column (member tables only). */
  readonly scopeColumn?: string;
  /** Join degree: how many member-table scans multiply in its rows (SQL_BOUNDS.maxJoinDegree). */
  readonly degree: number;
}

/** What a query gives the query around it: its output columns and its join degree. */
interface QueryShape {
  readonly columns: ReadonlySet<string>;
  readonly degree: number;
}

export interface FromItem {
  readonly source: Source;
  /** Parser join text ('INNER JOIN', 'LEFT JOIN', ...); undefined for the first item or a comma. */
  readonly join: string | undefined;
  readonly on: Node | undefined;
  readonly hasUsing: boolean;
  /** The USING columns, lower-cased (empty without USING). */
  readonly using: readonly string[];
}

/** What the member-scope rules need to know about one SELECT. */
export interface SelectFacts {
  readonly from: readonly FromItem[];
  readonly where: Node | undefined;
  readonly having: Node | undefined;
  /** Select list, GROUP BY, ORDER BY, DISTINCT ON, LIMIT expressions. */
  readonly projections: readonly Node[];
}

interface Scope {
  readonly parent: Scope | undefined;
  readonly sources: Source[];
  readonly outputs: Set<string>;
  readonly ctes: ReadonlyMap<string, QueryShape>;
}

const MEMBER_TABLE_NAMES: ReadonlySet<string> = new Set(Object.keys(MEMBER_TABLES));

const BINARY_OPERATORS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  'LIKE',
  'NOT LIKE',
  'ILIKE',
  'NOT ILIKE',
  'IN',
  'NOT IN',
  'BETWEEN',
  'NOT BETWEEN',
  'IS',
  'IS NOT',
]);
const UNARY_OPERATORS: ReadonlySet<string> = new Set(['-', '+', 'NOT', 'NOT EXISTS']);
const EXTRACT_FIELDS: ReadonlySet<string> = new Set([
  'CENTURY',
  'DAY',
  'DECADE',
  'DOW',
  'DOY',
  'EPOCH',
  'ISODOW',
  'ISOYEAR',
  'MONTH',
  'QUARTER',
  'WEEK',
  'YEAR',
]);
const INTERVAL_UNITS: ReadonlySet<string> = new Set([
  '',
  'year',
  'month',
  'week',
  'day',
  'years',
  'months',
  'weeks',
  'days',
]);
const SET_OPERATORS = /^(union|intersect|except)( all| distinct)?$/i;
/** Window frame bounds the parser writes as keywords ('current row', 'UNBOUNDED PRECEDING'). */
const FRAME_KEYWORDS: ReadonlySet<string> = new Set(['current row', 'unbounded preceding', 'unbounded following']);
/** `<n> PRECEDING` / `<n> FOLLOWING`, which the parser keeps as one number-typed string. */
const FRAME_OFFSET = /^\d{1,6} (preceding|following)$/i;
/** Parser spellings of constructs that look like function calls but are SQL syntax. */
const SYNTAX_FUNCTIONS: ReadonlySet<string> = new Set(['not', 'exists', 'any', 'some', 'all']);

const SELECT_KEYS = [
  'type',
  'with',
  'distinct',
  'columns',
  'into',
  'from',
  'where',
  'groupby',
  'having',
  'orderby',
  'limit',
  'parentheses_symbol',
  '_next',
  'set_op',
  '_orderby',
  '_limit',
];

function memberColumns(table: MemberTableName): ReadonlySet<string> {
  return new Set(Object.keys(MEMBER_TABLES[table].columns));
}

function findCte(scope: Scope | undefined, name: string): QueryShape | undefined {
  for (let s = scope; s; s = s.parent) {
    const cte = s.ctes.get(name);
    if (cte) return cte;
  }
  return undefined;
}

function findSource(scope: Scope | undefined, name: string): Source | undefined {
  for (let s = scope; s; s = s.parent) {
    const found = s.sources.find((src) => src.name === name);
    if (found) return found;
  }
  return undefined;
}

function columnKnown(scope: Scope | undefined, column: string): boolean {
  for (let s = scope; s; s = s.parent) {
    if (s.outputs.has(column) || s.sources.some((src) => src.columns.has(column))) return true;
  }
  return false;
}

/** Walks a whole statement and returns the facts of every SELECT in it, outermost first. */
export class StatementWalker {
  readonly selects: SelectFacts[] = [];
  /** Relation references seen (tables, CTE references, derived tables), at every depth. */
  private relations = 0;
  /** The largest join degree of any query in the statement. */
  private maxDegree = 0;
  /** Degree of the sub-queries in expressions of the SELECT being walked (innermost last). */
  private readonly exprDegrees: number[] = [];
  /** Member tables a `*` was taken over (select list or expression). */
  private readonly starTables = new Set<MemberTableName>();

  /**
   * Walks a query (WITH, set operations, ORDER BY/LIMIT of the whole chain) and returns its output columns.
   * @example new StatementWalker().walkQuery(ast, undefined)
   */
  walkQuery(query: Node, outer: Scope | undefined): QueryShape {
    if (query.type !== 'select') reject(Reason.SQL_NOT_SELECT, 'only SELECT statements are allowed');
    const ctes = this.walkWith(query.with, outer);
    const queryScope: Scope = { parent: outer, sources: [], outputs: new Set(), ctes };
    let outputs: ReadonlySet<string> | undefined;
    let degree = 0;
    for (let branch: Node | undefined = query; branch; ) {
      if (branch !== query && !isEmpty(branch.with)) reject(Reason.SQL_UNSUPPORTED, 'WITH inside a set operation');
      const shape = this.walkSelect(branch, queryScope);
      outputs ??= shape.columns;
      // Branches run one after another: their rows add up, they do not multiply.
      degree = Math.max(degree, shape.degree);
      const next: unknown = branch._next;
      if (isEmpty(next)) break;
      if (typeof branch.set_op !== 'string' || !SET_OPERATORS.test(branch.set_op)) {
        reject(Reason.SQL_UNSUPPORTED, 'unsupported set operation');
      }
      branch = asNode(next, 'set operation');
      if (branch.type !== 'select') reject(Reason.SQL_NOT_SELECT, 'only SELECT statements are allowed');
    }
    const chainScope: Scope = { parent: outer, sources: [], outputs: new Set(outputs), ctes };
    const chainExprs: Node[] = [];
    this.exprDegrees.push(0);
    this.walkOrderBy(query._orderby, chainScope, chainExprs);
    this.walkLimit(query._limit, chainScope, chainExprs);
    degree += this.exprDegrees.pop() ?? 0;
    if (chainExprs.length > 0)
      this.selects.push({ from: [], where: undefined, having: undefined, projections: chainExprs });
    this.maxDegree = Math.max(this.maxDegree, degree);
    return { columns: outputs ?? new Set(), degree };
  }

  /**
   * SQL_TOO_EXPENSIVE when rows can multiply past SQL_BOUNDS.maxJoinDegree member-table scans,
   * or the statement names more than SQL_BOUNDS.maxRelations relations. Called after the scope
   * rules, so a scope violation keeps its own code.
   */
  checkCost(): void {
    if (this.maxDegree > SQL_BOUNDS.maxJoinDegree) {
      reject(
        Reason.SQL_TOO_EXPENSIVE,
        `joins more than ${SQL_BOUNDS.maxJoinDegree} scans of the claims (counting CTE references, derived tables and sub-queries that run once per row)`,
      );
    }
    if (this.relations > SQL_BOUNDS.maxRelations) {
      reject(
        Reason.SQL_TOO_EXPENSIVE,
        `names more than ${SQL_BOUNDS.maxRelations} tables, CTE references and derived tables`,
      );
    }
  }

  /** SQL_SELECT_STAR when a `*` was taken over a member table (`count(*)` is not a column `*`). */
  checkStars(): void {
    for (const table of this.starTables) {
      const columns = Object.keys(MEMBER_TABLES[table].columns).join(', ');
      reject(
        Reason.SQL_SELECT_STAR,
        `SELECT * is not allowed on ${table}: name the columns you need from ${columns} (count(*) is fine)`,
      );
    }
  }

  private walkWith(withClause: unknown, outer: Scope | undefined): ReadonlyMap<string, QueryShape> {
    const ctes = new Map<string, QueryShape>();
    if (isEmpty(withClause)) return ctes;
    for (const item of asArray(withClause, 'WITH')) {
      const cte = asNode(item, 'CTE');
      onlyKeys(cte, ['name', 'stmt', 'columns', 'recursive'], 'CTE');
      if (cte.recursive) reject(Reason.SQL_UNSUPPORTED, 'WITH RECURSIVE is not allowed');
      const name = identName(cte.name, 'CTE name');
      if (MEMBER_TABLE_NAMES.has(name)) reject(Reason.SQL_UNSUPPORTED, 'a CTE may not shadow a table name');
      if (ctes.has(name)) reject(Reason.SQL_UNSUPPORTED, 'duplicate CTE name');
      // Earlier CTEs are visible to later ones.
      const cteScope: Scope = { parent: outer, sources: [], outputs: new Set(), ctes: new Map(ctes) };
      const stmt = asNode(cte.stmt, 'CTE body');
      const body = this.walkQuery(subqueryOf(stmt) ?? stmt, cteScope);
      const declared = isEmpty(cte.columns)
        ? undefined
        : asArray(cte.columns, 'CTE columns').map((c) => columnName(asNode(c, 'CTE column')));
      ctes.set(name, { columns: declared ? new Set(declared) : body.columns, degree: body.degree });
    }
    return ctes;
  }

  /** Walks one SELECT (no set operation) and returns its output column names. */
  private walkSelect(select: Node, queryScope: Scope): QueryShape {
    onlyKeys(select, SELECT_KEYS, 'SELECT');
    if (!isEmpty(select.into)) reject(Reason.SQL_SELECT_INTO, 'SELECT INTO is not allowed');
    const scope: Scope = { parent: queryScope, sources: [], outputs: new Set(), ctes: new Map() };
    const from = this.walkFrom(select.from, scope);
    this.exprDegrees.push(0);
    const projections: Node[] = [];
    const outputs = this.walkColumns(select.columns, scope, projections);
    for (const name of outputs) scope.outputs.add(name);
    this.walkDistinct(select.distinct, scope, projections);
    const where = isEmpty(select.where) ? undefined : asNode(select.where, 'WHERE');
    if (where) this.walkExpr(where, scope);
    const having = isEmpty(select.having) ? undefined : asNode(select.having, 'HAVING');
    if (having) this.walkExpr(having, scope);
    if (!isEmpty(select.groupby)) {
      const groupBy = asNode(select.groupby, 'GROUP BY');
      onlyKeys(groupBy, ['columns'], 'GROUP BY');
      for (const item of asArray(groupBy.columns, 'GROUP BY')) {
        const expr = asNode(item, 'GROUP BY item');
        for (const key of rollupKeys(expr) ?? [expr]) {
          this.walkExpr(key, scope);
          projections.push(key);
        }
      }
    }
    this.walkOrderBy(select.orderby, scope, projections);
    this.walkLimit(select.limit, scope, projections);
    for (const item of from) if (item.on) this.walkExpr(item.on, scope);
    this.selects.push({ from, where, having, projections });
    // Joined relations multiply; a sub-query in an expression may run once per joined row.
    const joined = from.reduce((sum, item) => sum + item.source.degree, 0);
    const degree = joined + (this.exprDegrees.pop() ?? 0);
    this.maxDegree = Math.max(this.maxDegree, degree);
    return { columns: outputs, degree };
  }

  private walkFrom(fromClause: unknown, scope: Scope): FromItem[] {
    if (isEmpty(fromClause)) return [];
    const items: FromItem[] = [];
    for (const raw of asArray(fromClause, 'FROM')) {
      const item = asNode(raw, 'FROM item');
      onlyKeys(item, ['table', 'db', 'as', 'join', 'on', 'using', 'expr', 'prefix', 'type'], 'FROM item');
      const source = this.fromSource(item, scope);
      this.relations++;
      if (scope.sources.some((s) => s.name === source.name)) {
        reject(Reason.SQL_UNSUPPORTED, 'the same name is used twice in FROM');
      }
      scope.sources.push(source);
      const join = isEmpty(item.join) ? undefined : String(item.join).toUpperCase();
      let hasUsing = false;
      const using: string[] = [];
      if (!isEmpty(item.using)) {
        hasUsing = true;
        for (const col of asArray(item.using, 'USING')) {
          const name = identName(col, 'USING column');
          if (!source.columns.has(name)) reject(Reason.SQL_COLUMN_NOT_ALLOWED, 'unknown column in USING');
          using.push(name);
        }
      }
      const on = isEmpty(item.on) ? undefined : asNode(item.on, 'ON');
      items.push({ source, join, on, hasUsing, using });
    }
    return items;
  }

  private fromSource(item: Node, scope: Scope): Source {
    const alias = isEmpty(item.as) ? undefined : identName(item.as, 'alias');
    if (alias?.includes('(')) reject(Reason.SQL_UNSUPPORTED, 'column alias lists are not supported');
    if (!isEmpty(item.expr)) {
      const sub = subqueryOf(item.expr);
      if (!sub) {
        const expr = asNode(item.expr, 'FROM expression');
        if (expr.type === 'function') this.checkFunctionName(expr);
        return reject(Reason.SQL_UNSUPPORTED, 'only tables and sub-queries may appear in FROM');
      }
      if (!isEmpty(item.prefix) && String(item.prefix).toUpperCase() !== 'LATERAL') {
        reject(Reason.SQL_UNSUPPORTED, 'unsupported FROM prefix');
      }
      onlyKeys(asNode(item.expr, 'sub-query'), ['ast', 'tableList', 'columnList', 'parentheses'], 'sub-query');
      // A derived table sees the FROM items before it (LATERAL) and the outer scopes.
      const body = this.walkQuery(sub, scope);
      return { kind: 'derived', name: alias ?? '', columns: body.columns, degree: body.degree };
    }
    if (!isEmpty(item.prefix)) reject(Reason.SQL_UNSUPPORTED, 'unsupported FROM prefix');
    if (typeof item.table !== 'string') return reject(Reason.SQL_UNSUPPORTED, 'unexpected FROM item');
    const table = item.table.toLowerCase();
    const schema = isEmpty(item.db) ? undefined : String(item.db).toLowerCase();
    if (schema === undefined) {
      const cte = findCte(scope, table);
      if (cte) return { kind: 'cte', name: alias ?? table, columns: cte.columns, degree: cte.degree };
    }
    const spec = memberTable(table);
    if ((schema === undefined || schema === 'public') && MEMBER_TABLE_NAMES.has(table) && spec) {
      const name = table as MemberTableName;
      const base = { name: alias ?? table, columns: memberColumns(name), table: name, degree: 1 };
      return spec.scopeColumn
        ? { kind: 'member', ...base, scopeColumn: spec.scopeColumn }
        : { kind: 'reference', ...base };
    }
    return reject(Reason.SQL_TABLE_NOT_ALLOWED, 'table is not in the member catalog');
  }

  private walkColumns(columns: unknown, scope: Scope, projections: Node[]): Set<string> {
    const outputs = new Set<string>();
    for (const raw of asArray(columns, 'select list')) {
      const column = asNode(raw, 'select item');
      onlyKeys(column, ['type', 'expr', 'as'], 'select item');
      const expr = asNode(column.expr, 'select item');
      if (expr.type === 'column_ref' && expr.column === '*') {
        this.walkExpr(expr, scope);
        const qualifier = columnQualifier(expr);
        const sources = qualifier ? scope.sources.filter((s) => s.name === qualifier) : scope.sources;
        for (const src of sources) for (const name of src.columns) outputs.add(name);
        projections.push(expr);
        continue;
      }
      this.walkExpr(expr, scope);
      projections.push(expr);
      outputs.add(isEmpty(column.as) ? outputName(expr) : identName(column.as, 'alias'));
    }
    return outputs;
  }

  private walkDistinct(distinct: unknown, scope: Scope, projections: Node[]): void {
    if (isEmpty(distinct)) return;
    const node = asNode(distinct, 'DISTINCT');
    onlyKeys(node, ['type', 'columns'], 'DISTINCT');
    for (const raw of isEmpty(node.columns) ? [] : asArray(node.columns, 'DISTINCT ON')) {
      const item = asNode(raw, 'DISTINCT ON item');
      const expr = item.type === 'expr' && isNode(item.expr) ? item.expr : item;
      this.walkExpr(expr, scope);
      projections.push(expr);
    }
  }

  private walkOrderBy(orderBy: unknown, scope: Scope, projections: Node[]): void {
    if (isEmpty(orderBy)) return;
    for (const raw of asArray(orderBy, 'ORDER BY')) {
      const item = asNode(raw, 'ORDER BY item');
      onlyKeys(item, ['expr', 'type', 'nulls'], 'ORDER BY item');
      const expr = asNode(item.expr, 'ORDER BY item');
      this.walkExpr(expr, scope);
      projections.push(expr);
    }
  }

  private walkLimit(limit: unknown, scope: Scope, projections: Node[]): void {
    if (isEmpty(limit)) return;
    const node = asNode(limit, 'LIMIT');
    onlyKeys(node, ['seperator', 'value'], 'LIMIT');
    for (const raw of asArray(node.value, 'LIMIT')) {
      const value = asNode(raw, 'LIMIT value');
      if (value.type === 'origin' && String(value.value).toLowerCase() === 'all') continue;
      this.walkExpr(value, scope);
      projections.push(value);
    }
  }

  /** Walks one expression node; unknown node types are rejected. */
  walkExpr(expr: Node, scope: Scope): void {
    const sub = subqueryOf(expr);
    if (sub) {
      onlyKeys(expr, ['ast', 'tableList', 'columnList', 'parentheses'], 'sub-query');
      this.walkExpressionQuery(sub, scope);
      return;
    }
    switch (expr.type) {
      case 'column_ref':
        this.walkColumnRef(expr, scope);
        return;
      case 'number':
      case 'bigint':
      case 'single_quote_string':
      case 'bool':
      case 'null':
      case 'date':
        onlyKeys(expr, ['type', 'value', 'parentheses'], 'literal');
        return;
      case 'star':
        onlyKeys(expr, ['type', 'value'], 'star');
        return;
      case 'interval':
        this.walkInterval(expr);
        return;
      case 'binary_expr':
        onlyKeys(expr, ['type', 'operator', 'left', 'right', 'parentheses'], 'operator');
        if (typeof expr.operator !== 'string' || !BINARY_OPERATORS.has(expr.operator.toUpperCase())) {
          reject(Reason.SQL_UNSUPPORTED, 'unsupported operator');
        }
        this.walkExpr(asNode(expr.left, 'operand'), scope);
        this.walkExpr(asNode(expr.right, 'operand'), scope);
        return;
      case 'unary_expr':
        onlyKeys(expr, ['type', 'operator', 'expr', 'parentheses'], 'operator');
        if (typeof expr.operator !== 'string' || !UNARY_OPERATORS.has(expr.operator.toUpperCase())) {
          reject(Reason.SQL_UNSUPPORTED, 'unsupported operator');
        }
        this.walkExpr(asNode(expr.expr, 'operand'), scope);
        return;
      case 'expr_list':
        onlyKeys(expr, ['type', 'value', 'parentheses'], 'list');
        for (const item of asArray(expr.value, 'list')) this.walkExpr(asNode(item, 'list item'), scope);
        return;
      case 'array':
        onlyKeys(expr, ['type', 'keyword', 'brackets', 'expr_list', 'parentheses'], 'array');
        this.walkExpr(asNode(expr.expr_list, 'array'), scope);
        return;
      case 'function':
        this.walkFunction(expr, scope);
        return;
      case 'aggr_func':
        this.walkAggregate(expr, scope);
        return;
      case 'window_func':
        this.walkWindowFunction(expr, scope);
        return;
      case 'select':
        // The parser leaves some sub-queries (LIMIT) unwrapped.
        this.walkExpressionQuery(expr, scope);
        return;
      case 'cast':
        this.walkCast(expr, scope);
        return;
      case 'extract':
        this.walkExtract(expr, scope);
        return;
      case 'case':
        this.walkCase(expr, scope);
        return;
      default:
        reject(Reason.SQL_UNSUPPORTED, `unsupported expression (${String(expr.type)})`);
    }
  }

  /** A sub-query inside an expression: it may run once per row of the SELECT around it. */
  private walkExpressionQuery(query: Node, scope: Scope): void {
    const { degree } = this.walkQuery(query, scope);
    const last = this.exprDegrees.length - 1;
    if (last >= 0) this.exprDegrees[last] = Math.max(this.exprDegrees[last] ?? 0, degree);
  }

  private walkColumnRef(ref: Node, scope: Scope): void {
    onlyKeys(ref, ['type', 'table', 'column', 'parentheses'], 'column reference');
    const qualifier = columnQualifier(ref);
    const name = columnName(ref);
    if (qualifier !== undefined) {
      const source = findSource(scope, qualifier);
      if (!source) reject(Reason.SQL_COLUMN_NOT_ALLOWED, 'column qualifier names no table in scope');
      if (name === '*' && source.table) this.starTables.add(source.table);
      if (name !== '*' && !source.columns.has(name)) reject(Reason.SQL_COLUMN_NOT_ALLOWED, 'unknown column');
      return;
    }
    if (name === '*') {
      // An unqualified * covers every relation of the nearest FROM.
      let s: Scope | undefined = scope;
      while (s && s.sources.length === 0) s = s.parent;
      for (const src of s?.sources ?? []) if (src.table) this.starTables.add(src.table);
      return;
    }
    if (!columnKnown(scope, name)) reject(Reason.SQL_COLUMN_NOT_ALLOWED, 'unknown column');
  }

  private walkInterval(expr: Node): void {
    onlyKeys(expr, ['type', 'expr', 'unit', 'parentheses'], 'interval');
    const value = asNode(expr.expr, 'interval');
    if (value.type !== 'single_quote_string') reject(Reason.SQL_UNSUPPORTED, 'interval must be a literal');
    if (!INTERVAL_UNITS.has(String(expr.unit ?? '').toLowerCase()))
      reject(Reason.SQL_UNSUPPORTED, 'unsupported interval unit');
  }

  /** The lower-cased, unqualified name of a function node; qualified names are never allowed. */
  private functionName(fn: Node): { name: string; syntax: boolean } {
    const nameNode = asNode(fn.name, 'function name');
    onlyKeys(nameNode, ['name'], 'function name'); // a schema prefix lands here
    const parts = asArray(nameNode.name, 'function name');
    const part = parts.length === 1 ? asNode(parts[0], 'function name') : undefined;
    if (!part) return reject(Reason.SQL_FUNCTION_NOT_ALLOWED, 'qualified function names are not allowed');
    const name = String(part.value).toLowerCase();
    return { name, syntax: part.type === 'default' && SYNTAX_FUNCTIONS.has(name) };
  }

  private checkFunctionName(fn: Node): void {
    if (isNode(fn.name) && !isEmpty(fn.name.schema)) {
      reject(Reason.SQL_FUNCTION_NOT_ALLOWED, 'qualified function names are not allowed');
    }
    const { name, syntax } = this.functionName(fn);
    if (!syntax && !ALLOWED_FUNCTION_NAMES.has(name))
      reject(Reason.SQL_FUNCTION_NOT_ALLOWED, 'function is not allowed');
  }

  private walkFunction(fn: Node, scope: Scope): void {
    this.checkFunctionName(fn);
    onlyKeys(fn, ['type', 'name', 'args', 'over', 'parentheses'], 'function call');
    const { name } = this.functionName(fn);
    if (WINDOW_ONLY_FUNCTIONS.has(name) && isEmpty(fn.over)) {
      reject(Reason.SQL_UNSUPPORTED, 'a window function needs OVER (...)');
    }
    if (ORDERED_SET_FUNCTIONS.has(name)) reject(Reason.SQL_UNSUPPORTED, 'an ordered-set aggregate needs WITHIN GROUP');
    if (!isEmpty(fn.args)) {
      const args = asNode(fn.args, 'arguments');
      if (args.type !== 'expr_list') reject(Reason.SQL_UNSUPPORTED, 'unsupported arguments');
      for (const raw of asArray(args.value, 'arguments')) {
        const arg = asNode(raw, 'argument');
        if (arg.type === 'origin') reject(Reason.SQL_UNSUPPORTED, 'keyword arguments are not supported');
        this.walkExpr(arg, scope);
      }
    }
    this.walkOver(fn.over, scope);
  }

  private walkAggregate(fn: Node, scope: Scope): void {
    onlyKeys(fn, ['type', 'name', 'args', 'over', 'filter', 'within_group_orderby', 'parentheses'], 'aggregate');
    const name = String(fn.name).toLowerCase();
    if (!ALLOWED_FUNCTION_NAMES.has(name) || WINDOW_ONLY_FUNCTIONS.has(name)) {
      reject(Reason.SQL_FUNCTION_NOT_ALLOWED, 'function is not allowed');
    }
    // WITHIN GROUP (ORDER BY ...) belongs to the ordered-set aggregates, and they need it.
    const withinGroup = !isEmpty(fn.within_group_orderby);
    if (withinGroup !== ORDERED_SET_FUNCTIONS.has(name)) {
      reject(Reason.SQL_UNSUPPORTED, withinGroup ? 'WITHIN GROUP on a plain aggregate' : 'WITHIN GROUP is missing');
    }
    if (withinGroup && !isEmpty(fn.over)) reject(Reason.SQL_UNSUPPORTED, 'an ordered-set aggregate cannot take OVER');
    const args = asNode(fn.args, 'aggregate arguments');
    onlyKeys(args, ['expr', 'distinct', 'orderby', 'separator'], 'aggregate arguments');
    this.walkExpr(asNode(args.expr, 'aggregate argument'), scope);
    if (!isEmpty(args.separator)) {
      // string_agg's second argument: `string_agg(x, ', ')`.
      const separator = asNode(args.separator, 'aggregate separator');
      onlyKeys(separator, ['symbol', 'delimiter'], 'aggregate separator');
      if (separator.symbol !== ',') reject(Reason.SQL_UNSUPPORTED, 'unsupported aggregate separator');
      this.walkExpr(asNode(separator.delimiter, 'aggregate separator'), scope);
    }
    this.walkOrderBy(args.orderby, scope, []);
    this.walkOrderBy(fn.within_group_orderby, scope, []);
    if (!isEmpty(fn.filter)) {
      const filter = asNode(fn.filter, 'FILTER');
      onlyKeys(filter, ['keyword', 'parentheses', 'where'], 'FILTER');
      this.walkExpr(asNode(filter.where, 'FILTER'), scope);
    }
    this.walkOver(fn.over, scope);
  }

  private walkWindowFunction(fn: Node, scope: Scope): void {
    // consider_nulls (IGNORE NULLS) is not PostgreSQL: denied by onlyKeys.
    onlyKeys(fn, ['type', 'name', 'args', 'over', 'parentheses'], 'window function');
    if (!ALLOWED_FUNCTION_NAMES.has(String(fn.name).toLowerCase())) {
      reject(Reason.SQL_FUNCTION_NOT_ALLOWED, 'function is not allowed');
    }
    if (isEmpty(fn.over)) reject(Reason.SQL_UNSUPPORTED, 'a window function needs OVER (...)');
    if (!isEmpty(fn.args)) this.walkExpr(asNode(fn.args, 'arguments'), scope);
    this.walkOver(fn.over, scope);
  }

  private walkOver(over: unknown, scope: Scope): void {
    if (isEmpty(over)) return;
    const node = asNode(over, 'OVER');
    onlyKeys(node, ['type', 'as_window_specification'], 'OVER');
    const spec = node.as_window_specification;
    if (!isNode(spec)) reject(Reason.SQL_UNSUPPORTED, 'named windows are not supported');
    onlyKeys(spec, ['window_specification', 'parentheses'], 'window');
    if (isEmpty(spec.window_specification)) return;
    const windowSpec = asNode(spec.window_specification, 'window');
    onlyKeys(windowSpec, ['partitionby', 'orderby', 'window_frame_clause'], 'window');
    for (const raw of isEmpty(windowSpec.partitionby) ? [] : asArray(windowSpec.partitionby, 'PARTITION BY')) {
      const item = asNode(raw, 'PARTITION BY item');
      this.walkExpr(item.type === 'expr' && isNode(item.expr) ? item.expr : item, scope);
    }
    this.walkOrderBy(windowSpec.orderby, scope, []);
    if (!isEmpty(windowSpec.window_frame_clause)) checkFrame(asNode(windowSpec.window_frame_clause, 'window frame'));
  }

  private walkCast(cast: Node, scope: Scope): void {
    onlyKeys(cast, ['type', 'keyword', 'symbol', 'expr', 'target', 'parentheses'], 'cast');
    const targets = asArray(cast.target, 'cast target');
    if (targets.length !== 1) reject(Reason.SQL_CAST_NOT_ALLOWED, 'unsupported cast');
    const target = asNode(targets[0], 'cast target');
    if (!isEmpty(target.array) || !ALLOWED_CAST_TYPES.has(String(target.dataType).toLowerCase())) {
      reject(Reason.SQL_CAST_NOT_ALLOWED, 'cast type is not allowed');
    }
    onlyKeys(target, ['dataType', 'length', 'scale', 'parentheses', 'suffix'], 'cast target');
    this.walkExpr(asNode(cast.expr, 'cast'), scope);
  }

  private walkExtract(expr: Node, scope: Scope): void {
    onlyKeys(expr, ['type', 'args', 'parentheses'], 'EXTRACT');
    const args = asNode(expr.args, 'EXTRACT');
    onlyKeys(args, ['field', 'source', 'cast_type'], 'EXTRACT');
    if (!EXTRACT_FIELDS.has(String(args.field).toUpperCase()))
      reject(Reason.SQL_UNSUPPORTED, 'unsupported EXTRACT field');
    this.walkExpr(asNode(args.source, 'EXTRACT'), scope);
  }

  private walkCase(expr: Node, scope: Scope): void {
    onlyKeys(expr, ['type', 'expr', 'args', 'parentheses'], 'CASE');
    if (!isEmpty(expr.expr)) this.walkExpr(asNode(expr.expr, 'CASE'), scope);
    for (const raw of asArray(expr.args, 'CASE')) {
      const arm = asNode(raw, 'CASE arm');
      onlyKeys(arm, ['type', 'cond', 'result'], 'CASE arm');
      if (arm.type === 'when') this.walkExpr(asNode(arm.cond, 'WHEN'), scope);
      else if (arm.type !== 'else') reject(Reason.SQL_UNSUPPORTED, 'unsupported CASE arm');
      this.walkExpr(asNode(arm.result, 'THEN'), scope);
    }
  }
}

/**
 * A ROWS frame, and nothing else: `ROWS <bound>` or `ROWS BETWEEN <bound> AND <bound>`, each
 * bound UNBOUNDED PRECEDING/FOLLOWING, CURRENT ROW or `<integer> PRECEDING/FOLLOWING`. The
 * parser reads these as keywords and strings, so no expression can hide in a frame.
 */
function checkFrame(frame: Node): void {
  let bounds: readonly unknown[];
  if (frame.type === 'rows') {
    onlyKeys(frame, ['type', 'expr'], 'window frame');
    bounds = [frame.expr];
  } else {
    onlyKeys(frame, ['type', 'operator', 'left', 'right'], 'window frame');
    const unit = asNode(frame.left, 'window frame');
    const isRows = unit.type === 'origin' && String(unit.value).toLowerCase() === 'rows';
    if (frame.type !== 'binary_expr' || frame.operator !== 'BETWEEN' || !isRows) {
      reject(Reason.SQL_UNSUPPORTED, 'only ROWS window frames are supported');
    }
    const right = asNode(frame.right, 'window frame');
    onlyKeys(right, ['type', 'value'], 'window frame');
    bounds = asArray(right.value, 'window frame');
    if (right.type !== 'expr_list' || bounds.length !== 2) reject(Reason.SQL_UNSUPPORTED, 'unsupported window frame');
  }
  for (const raw of bounds) {
    const bound = asNode(raw, 'window frame bound');
    onlyKeys(bound, ['type', 'value'], 'window frame bound');
    const text = String(bound.value);
    const ok =
      (bound.type === 'origin' && FRAME_KEYWORDS.has(text.toLowerCase())) ||
      (bound.type === 'number' && FRAME_OFFSET.test(text));
    if (!ok) reject(Reason.SQL_UNSUPPORTED, 'unsupported window frame bound');
  }
}

/**
 * The grouping keys of `GROUP BY ROLLUP (a, b)`, or undefined for any other GROUP BY item. The
 * parser reads ROLLUP as a call; only the bare keyword form is ROLLUP (a quoted "rollup" would
 * be a call to a function of that name, which is not allowed).
 */
function rollupKeys(item: Node): Node[] | undefined {
  if (item.type !== 'function' || !isNode(item.name)) return undefined;
  const parts = Array.isArray(item.name.name) ? item.name.name : [];
  const part = parts.length === 1 && isNode(parts[0]) ? parts[0] : undefined;
  if (part?.type !== 'default' || String(part.value).toUpperCase() !== 'ROLLUP') return undefined;
  onlyKeys(item, ['type', 'name', 'args'], 'ROLLUP');
  onlyKeys(item.name, ['name'], 'ROLLUP');
  const args = asNode(item.args, 'ROLLUP');
  onlyKeys(args, ['type', 'value'], 'ROLLUP');
  if (args.type !== 'expr_list') reject(Reason.SQL_UNSUPPORTED, 'unsupported ROLLUP');
  const keys = asArray(args.value, 'ROLLUP').map((k) => asNode(k, 'ROLLUP key'));
  if (keys.length === 0) reject(Reason.SQL_UNSUPPORTED, 'empty ROLLUP');
  return keys;
}

/** The column name PostgreSQL gives an unaliased select item (close enough for resolution). */
function outputName(expr: Node): string {
  switch (expr.type) {
    case 'column_ref':
      return columnName(expr);
    case 'aggr_func':
      return String(expr.name).toLowerCase();
    case 'function': {
      const parts = isNode(expr.name) && Array.isArray(expr.name.name) ? expr.name.name : [];
      const last = parts[parts.length - 1];
      return isNode(last) ? String(last.value).toLowerCase() : '?column?';
    }
    case 'extract':
      return 'extract';
    case 'cast':
      return isNode(expr.expr) && expr.expr.type === 'column_ref' ? columnName(expr.expr) : '?column?';
    default:
      return '?column?';
  }
}
