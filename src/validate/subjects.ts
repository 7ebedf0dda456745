/**
 * Who a member query is about: for each reference to a member table whose rows are each about one
 * person (claims, accumulators, visit counts), the predicates on person columns
 * (`relationship_code`, `member_name`) that select the people whose rows it reads. The family's
 * plan terms, reference tables and family accumulators (which never hold a hidden person's
 * amounts) are about nobody hidden.
 * Family privacy decides "I can't share that" from these, evaluated on the family roster, never
 * from whether hidden claims would match (docs/family-privacy.md).
 *
 * Deliberately conservative: anything it cannot read with confidence selects everyone, so the
 * answer can only say too often that someone's claims are not included, never a false "none".
 * Understood: top-level AND/OR/NOT; `=`, `<>`, `!=`, `IN`, `NOT IN`, `= ANY (ARRAY[...])`, `LIKE`,
 * `ILIKE` (and their NOT forms, with ESCAPE) between a person column, optionally wrapped in
 * lower/upper/trim, and string literals. Predicates in the WHERE of the SELECT that names the table
 * and in its inner-join ON clauses (or its own LEFT JOIN ON clause) count; predicates outside that
 * SELECT (on a CTE, a derived table, HAVING, FILTER, an outer query) do not, so such a reference is
 * about everyone.
 */
import { MEMBER_TABLES, memberTable } from '../schema/catalog.ts';
import { asNode, columnName, columnQualifier, isNode, type Node } from './ast.ts';
import { parseStatement } from './parse.ts';
import { type FromItem, type SelectFacts, StatementWalker } from './walk.ts';

export const PERSON_COLUMNS = ['relationship_code', 'member_name'] as const;
export type PersonColumn = (typeof PERSON_COLUMNS)[number];

/** A function applied to the column before comparing (`lower(member_name) = 'sophie whitfield'`). */
export type Transform = 'lower' | 'upper' | 'trim';

/** A predicate on one person, as far as it can be read; `unknown` may select anyone. */
export type PersonTest =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'and' | 'or'; readonly parts: readonly PersonTest[] }
  | { readonly kind: 'not'; readonly part: PersonTest }
  | {
      readonly kind: 'match';
      readonly column: PersonColumn;
      /** Innermost first. */
      readonly transforms: readonly Transform[];
      readonly op: 'eq' | 'like' | 'ilike';
      /** Any of these (IN lists); literal text with SQL quoting undone. */
      readonly values: readonly string[];
      /** LIKE escape character ('' for none); PostgreSQL's default is a backslash. */
      readonly escape?: string;
    };

/** One test per member-table reference: a person is a subject when any of them may select them. */
export interface Subjects {
  readonly references: readonly PersonTest[];
}

/** A person as the roster knows them. */
export interface PersonFacts {
  readonly name: string;
  readonly relationship: string;
}

const UNKNOWN: PersonTest = { kind: 'unknown' };
const PERSON_COLUMN_SET: ReadonlySet<string> = new Set(PERSON_COLUMNS);
const TRANSFORMS: ReadonlySet<string> = new Set(['lower', 'upper', 'trim']);
const TEXT_CASTS: ReadonlySet<string> = new Set(['text', 'varchar', 'character varying']);
const INNER_JOINS: ReadonlySet<string> = new Set(['JOIN', 'INNER JOIN']);
const LEFT_JOINS: ReadonlySet<string> = new Set(['LEFT JOIN', 'LEFT OUTER JOIN']);

/** The whole family: what an unreadable query is about. */
export const EVERYONE: Subjects = { references: [UNKNOWN] };

/**
 * Reads who validated SQL is about. Never throws: SQL it cannot read is about everyone.
 * @example
 * subjectsOf("SELECT count(*) FROM claims_history WHERE member_id = 1000000001 AND relationship_code = 'daughter'")
 * // { references: [{ kind: 'and', parts: [..., { kind: 'match', column: 'relationship_code', op: 'eq', values: ['daughter'], ... }] }] }
 */
export function subjectsOf(sql: string): Subjects {
  try {
    const walker = new StatementWalker();
    walker.walkQuery(asNode(parseStatement(sql.trim().replace(/;\s*$/, '')), 'statement'), undefined);
    const references: PersonTest[] = [];
    for (const facts of walker.selects) {
      for (const item of facts.from) {
        // Only rows about one person each (claims, accumulators, visit counts) make a question about
        // someone. The family's plan terms and reference data are about nobody; family_accumulators
        // never holds a hidden person's amounts (the view sums whom the asker may see, and says so
        // in includes_everyone), so reading it is about nobody hidden either.
        if (item.source.kind === 'member' && aboutPeople(item.source.table))
          references.push(referenceTest(facts, item));
      }
    }
    return { references };
  } catch {
    return EVERYONE;
  }
}

/** Whether each row of this catalog table is about one person (unknown tables count as such). */
function aboutPeople(table: string | undefined): boolean {
  const subject = table === undefined ? undefined : memberTable(table)?.rowSubject;
  return subject === undefined || subject === 'person';
}

/**
 * Whether the query may be about this person (true unless every reference surely excludes them).
 * @example mayBeAbout(subjectsOf(sql), { name: 'Sophie Whitfield', relationship: 'daughter' })
 */
export function mayBeAbout(subjects: Subjects, person: PersonFacts): boolean {
  return subjects.references.some((test) => evaluate(test, person) !== false);
}

/** The test for one member-table reference: its SELECT's WHERE and the ON clauses that bind it. */
function referenceTest(facts: SelectFacts, ref: FromItem): PersonTest {
  const parts: PersonTest[] = [];
  if (facts.where) parts.push(toTest(facts.where, facts, ref));
  for (const item of facts.from) {
    if (!item.on) continue;
    const join = item.join ?? '';
    if (INNER_JOINS.has(join) || (LEFT_JOINS.has(join) && item === ref)) parts.push(toTest(item.on, facts, ref));
  }
  return parts.length === 0 ? UNKNOWN : { kind: 'and', parts };
}

function toTest(expr: Node, facts: SelectFacts, ref: FromItem): PersonTest {
  if (expr.type === 'binary_expr') {
    const op = String(expr.operator).toUpperCase();
    const left = isNode(expr.left) ? expr.left : undefined;
    const right = isNode(expr.right) ? expr.right : undefined;
    if (!left || !right) return UNKNOWN;
    if (op === 'AND' || op === 'OR') {
      return { kind: op === 'AND' ? 'and' : 'or', parts: [toTest(left, facts, ref), toTest(right, facts, ref)] };
    }
    return comparison(op, left, right, facts, ref);
  }
  if (expr.type === 'unary_expr' && String(expr.operator).toUpperCase() === 'NOT' && isNode(expr.expr)) {
    return { kind: 'not', part: toTest(expr.expr, facts, ref) };
  }
  const notArg = syntaxFunctionArg(expr, 'not');
  if (notArg) return { kind: 'not', part: toTest(notArg, facts, ref) };
  return UNKNOWN;
}

function comparison(op: string, left: Node, right: Node, facts: SelectFacts, ref: FromItem): PersonTest {
  const negated = op.startsWith('NOT ') || op === '<>' || op === '!=';
  const base = op.replace(/^NOT /, '');
  let leaf: PersonTest | undefined;
  if (base === '=' || base === '<>' || base === '!=') {
    // Either side may hold the column.
    leaf = equality(left, right, facts, ref) ?? equality(right, left, facts, ref);
  } else if (base === 'IN') {
    const column = personColumn(left, facts, ref);
    const values = right.type === 'expr_list' && Array.isArray(right.value) ? literals(right.value) : undefined;
    if (column && values) leaf = { kind: 'match', ...column, op: 'eq', values };
  } else if (base === 'LIKE' || base === 'ILIKE') {
    const column = personColumn(left, facts, ref);
    const value = literal(right);
    const escapeChar = likeEscape(right);
    if (column && value !== undefined && escapeChar !== undefined) {
      leaf = { kind: 'match', ...column, op: base === 'LIKE' ? 'like' : 'ilike', values: [value], escape: escapeChar };
    }
  }
  if (!leaf) return UNKNOWN;
  return negated ? { kind: 'not', part: leaf } : leaf;
}

/** `<column> = 'x'` or `<column> = ANY (ARRAY['x', 'y'])`. */
function equality(columnSide: Node, valueSide: Node, facts: SelectFacts, ref: FromItem): PersonTest | undefined {
  const column = personColumn(columnSide, facts, ref);
  if (!column) return undefined;
  const value = literal(valueSide);
  if (value !== undefined) return { kind: 'match', ...column, op: 'eq', values: [value] };
  const anyArg = syntaxFunctionArg(valueSide, 'any');
  if (anyArg?.type === 'array' && isNode(anyArg.expr_list) && Array.isArray(anyArg.expr_list.value)) {
    const values = literals(anyArg.expr_list.value);
    if (values) return { kind: 'match', ...column, op: 'eq', values };
  }
  return undefined;
}

/** The person column of `ref` this expression reads, under lower/upper/trim; else undefined. */
function personColumn(
  expr: Node,
  facts: SelectFacts,
  ref: FromItem,
): { column: PersonColumn; transforms: Transform[] } | undefined {
  const transforms: Transform[] = [];
  let node: Node = expr;
  for (;;) {
    const name = functionName(node);
    if (name === undefined) break;
    const args = functionArgs(node);
    if (!TRANSFORMS.has(name) || args?.length !== 1 || !isNode(args[0])) return undefined;
    transforms.unshift(name as Transform);
    node = args[0];
  }
  if (node.type !== 'column_ref' || node.column === '*') return undefined;
  const column = columnName(node);
  if (!PERSON_COLUMN_SET.has(column) || !readsReference(node, column, facts, ref)) return undefined;
  return { column: column as PersonColumn, transforms };
}

/** Whether a column reference in this SELECT resolves to `ref` (not another source, not an outer query). */
function readsReference(node: Node, column: string, facts: SelectFacts, ref: FromItem): boolean {
  const qualifier = columnQualifier(node);
  if (qualifier !== undefined) return qualifier === ref.source.name;
  const owners = facts.from.filter((item) => item.source.columns.has(column));
  return owners.length === 1 && owners[0] === ref;
}

/** The text of a string literal (also through a cast to text), with SQL's doubled quotes undone. */
function literal(node: Node): string | undefined {
  if (node.type === 'single_quote_string' && typeof node.value === 'string') return node.value.replaceAll("''", "'");
  if (node.type === 'cast' && isNode(node.expr) && Array.isArray(node.target) && node.target.length === 1) {
    const target = node.target[0];
    if (isNode(target) && TEXT_CASTS.has(String(target.dataType).toLowerCase())) return literal(node.expr);
  }
  return undefined;
}

function literals(items: readonly unknown[]): string[] | undefined {
  const values: string[] = [];
  for (const item of items) {
    const value = isNode(item) ? literal(item) : undefined;
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

/** The ESCAPE character of a LIKE pattern literal: a backslash by default; undefined if unreadable. */
function likeEscape(pattern: Node): string | undefined {
  if (pattern.escape === undefined || pattern.escape === null) return '\\';
  const char = isNode(pattern.escape) && isNode(pattern.escape.value) ? literal(pattern.escape.value) : undefined;
  return char !== undefined && char.length <= 1 ? char : undefined;
}

/** Lower-cased name of a plain function call, or undefined. */
function functionName(node: Node): string | undefined {
  if (node.type !== 'function' || !isNode(node.name) || !Array.isArray(node.name.name)) return undefined;
  const parts = node.name.name;
  const part = parts.length === 1 ? parts[0] : undefined;
  return isNode(part) && typeof part.value === 'string' ? part.value.toLowerCase() : undefined;
}

function functionArgs(node: Node): readonly unknown[] | undefined {
  return isNode(node.args) && Array.isArray(node.args.value) ? node.args.value : undefined;
}

/** The single argument of a syntax "function" the parser emits for NOT (...) and ANY (...). */
function syntaxFunctionArg(node: Node, name: string): Node | undefined {
  if (functionName(node) !== name) return undefined;
  const args = functionArgs(node);
  return args?.length === 1 && isNode(args[0]) ? args[0] : undefined;
}

// ---- evaluation on one person: true, false, or undefined (cannot tell)

function evaluate(test: PersonTest, person: PersonFacts): boolean | undefined {
  switch (test.kind) {
    case 'unknown':
      return undefined;
    case 'not': {
      const inner = evaluate(test.part, person);
      return inner === undefined ? undefined : !inner;
    }
    case 'and': {
      let result: boolean | undefined = true;
      for (const part of test.parts) {
        const value = evaluate(part, person);
        if (value === false) return false;
        if (value === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: boolean | undefined = false;
      for (const part of test.parts) {
        const value = evaluate(part, person);
        if (value === true) return true;
        if (value === undefined) result = undefined;
      }
      return result;
    }
    case 'match':
      return matches(test, person);
  }
}

function matches(test: Extract<PersonTest, { kind: 'match' }>, person: PersonFacts): boolean | undefined {
  const raw = test.column === 'member_name' ? person.name : person.relationship;
  const caseFolds = test.op === 'ilike' || test.transforms.some((t) => t !== 'trim');
  // Case rules outside ASCII depend on the database's locale: do not guess.
  if (caseFolds && !isAscii(raw, ...test.values)) return undefined;
  let value = raw;
  for (const t of test.transforms) {
    value = t === 'lower' ? value.toLowerCase() : t === 'upper' ? value.toUpperCase() : value.replace(/^ +| +$/g, '');
  }
  if (test.op === 'eq') return test.values.includes(value);
  const regex = likeRegex(test.values[0] ?? '', test.escape ?? '\\', test.op === 'ilike');
  return regex === undefined ? undefined : regex.test(value);
}

function isAscii(...texts: string[]): boolean {
  return texts.every((t) => /^[\x20-\x7e]*$/.test(t));
}

/** PostgreSQL LIKE as an anchored regular expression; undefined for a pattern PostgreSQL would reject. */
function likeRegex(pattern: string, escapeChar: string, ignoreCase: boolean): RegExp | undefined {
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (escapeChar !== '' && c === escapeChar) {
      const next = chars[++i];
      if (next === undefined) return undefined; // "LIKE pattern must not end with escape character"
      source += escapeRegex(next);
    } else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The member tables' person columns exist in the catalog (checked once, at load). */
for (const column of PERSON_COLUMNS) {
  if (!Object.values(MEMBER_TABLES).some((t) => column in t.columns)) {
    throw new Error(`person column ${column} is not in the catalog`);
  }
}
