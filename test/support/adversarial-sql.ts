/**
 * Adversarial SQL for the validator's work bounds: shapes that make node-sql-parser's
 * backtracking grammar slow (nesting, with a syntax error at the innermost level or not) and
 * long flat shapes (operator chains, IN lists, UNION branches), each grown until it reaches the
 * SQL length cap. Used by the unit test (every input is refused or accepted, never stuck) and by
 * `npm run bench` (worst validateSql time per shape).
 */

import { mulberry32 } from '../../src/db/seed/random.ts';
import { LIMITS } from '../../src/schema/catalog.ts';

export interface AdversarialShape {
  /** Short stable name (bench rows and test names). */
  readonly name: string;
  /** The SQL at size n (n ≥ 1); sizes grow until the text passes the length cap. */
  readonly at: (n: number) => string;
}

export interface AdversarialInput {
  readonly shape: string;
  readonly n: number;
  readonly sql: string;
}

const M = '1234567890';
/** The member id the inputs are scoped to. */
export const ADVERSARIAL_MEMBER = M;
const W = `FROM claims_history WHERE member_id = ${M}`;
const rep = (s: string, n: number): string => s.repeat(n);
/** A syntax error at the innermost level: the parser tries every alternative of every level. */
const BROKEN = 'claim_id +';

/** Openers and their closers that can nest around an expression. */
const WRAPPERS: readonly (readonly [string, string])[] = [
  ['(', ')'],
  ['abs(', ')'],
  ['count(', ')'],
  ['sum(', ')'],
  ['(SELECT ', ')'],
  ['CAST(', ' AS text)'],
  ['-(', ')'],
  ['NOT (', ')'],
  ['coalesce(1, ', ')'],
  ['(1 + ', ')'],
  ['ARRAY[', ']'],
  ['CASE WHEN true THEN ', ' END'],
  ['(', ')::text'],
  ['extract(year from ', ')'],
  ['sum(', ') OVER ()'],
  ['EXISTS (SELECT 1 WHERE ', ')'],
  ['lower(', ')'],
  ['round(', ', 2)'],
];

const nested = (name: string, open: string, close: string, core: string, where = false): AdversarialShape => ({
  name,
  at: (n) =>
    where
      ? `SELECT claim_id ${W} AND ${rep(open, n)}${core}${rep(close, n)}`
      : `SELECT ${rep(open, n)}${core}${rep(close, n)} ${W}`,
});

/** Hand-picked shapes: each found slow in node-sql-parser 5.x, or a long flat form. */
export const ADVERSARIAL_SHAPES: readonly AdversarialShape[] = [
  { name: 'issue: parens around claim_id *', at: (n) => `SELECT ${rep('(', n)}claim_id *${rep(')', n)} ${W}` },
  nested('parens, broken core', '(', ')', BROKEN),
  nested('parens in WHERE, broken core', '(', ')', 'claim_id =', true),
  nested('parens, valid core', '(', ')', 'claim_id'),
  nested('parens in WHERE, valid core', '(', ')', 'claim_id = 1', true),
  nested('function calls, broken core', 'abs(', ')', BROKEN),
  nested('function calls, valid core', 'coalesce(', ', 1)', 'claim_id'),
  nested('aggregate calls, broken core', 'count(', ')', BROKEN),
  nested('scalar sub-queries, broken core', '(SELECT ', ')', BROKEN),
  nested('scalar sub-queries, valid core', '(SELECT ', ')', '1'),
  nested('CAST, broken core', 'CAST(', ' AS text)', BROKEN),
  nested(':: casts of parens, broken core', '(', ')::text', BROKEN),
  nested('unary minus of parens, broken core', '-(', ')', BROKEN),
  nested('NOT of parens, broken core', 'NOT (', ')', 'claim_id =', true),
  nested('EXISTS, broken core', `EXISTS (SELECT 1 ${W} AND `, ')', 'claim_id =', true),
  nested('CASE, broken core', 'CASE WHEN true THEN ', ' END', BROKEN),
  nested('CASE, valid core', 'CASE WHEN claim_id = 1 THEN ', ' ELSE 0 END', '1'),
  nested('CASE in parens, broken core', '(CASE WHEN true THEN ', ' END)', BROKEN),
  nested('window calls, broken core', 'sum(', ') OVER ()', BROKEN),
  nested('extract, broken core', 'extract(year from ', ')', BROKEN),
  nested('arrays, broken core', 'ARRAY[', ']', BROKEN),
  nested('additions in parens, broken core', '(1 + ', ')', BROKEN),
  {
    name: 'derived tables',
    at: (n) => `SELECT claim_id FROM ${rep('(SELECT claim_id FROM ', n)}claims_history${rep(') t', n)}`,
  },
  {
    name: 'IN sub-queries',
    at: (n) =>
      `SELECT claim_id ${W} AND claim_id IN ${rep(`(SELECT claim_id ${W} AND claim_id IN `, n)}(1)${rep(')', n)}`,
  },
  {
    name: 'parens in FROM',
    at: (n) => `SELECT claim_id FROM ${rep('(', n)}claims_history${rep(')', n)} WHERE member_id = ${M}`,
  },
  { name: 'unary minus chain', at: (n) => `SELECT ${rep('- ', n)}claim_id ${W}` },
  { name: 'NOT chain', at: (n) => `SELECT claim_id ${W} AND ${rep('NOT ', n)}true` },
  { name: ':: cast chain', at: (n) => `SELECT claim_id${rep('::text', n)} ${W}` },
  { name: '+ chain', at: (n) => `SELECT claim_id${rep(' + 1', n)} ${W}` },
  { name: '|| chain', at: (n) => `SELECT member_name${rep(" || 'x'", n)} ${W}` },
  { name: 'AND chain', at: (n) => `SELECT claim_id ${W}${rep(' AND claim_id = 1', n)}` },
  { name: 'OR chain', at: (n) => `SELECT claim_id ${W} AND (claim_id = 1${rep(' OR claim_id = 1', n)})` },
  {
    name: 'IN list',
    at: (n) => `SELECT claim_id ${W} AND claim_id IN (${Array.from({ length: n }, (_, i) => i).join(', ')})`,
  },
  {
    name: 'IN list of strings',
    at: (n) => `SELECT claim_id ${W} AND provider_name IN (${Array.from({ length: n }, () => "'x'").join(', ')})`,
  },
  { name: 'UNION branches', at: (n) => Array.from({ length: n }, () => `SELECT claim_id ${W}`).join(' UNION ') },
  { name: 'CASE arms', at: (n) => `SELECT CASE${rep(' WHEN claim_id = 1 THEN 1', n)} END ${W}` },
  { name: 'select list', at: (n) => `SELECT ${Array.from({ length: n }, () => 'claim_id').join(', ')} ${W}` },
  {
    name: 'comma joins',
    at: (n) => `SELECT 1 FROM ${Array.from({ length: n }, (_, i) => `claims_history t${i}`).join(', ')}`,
  },
];

/**
 * Random mixtures of the wrappers (a fixed sequence per seed), around a broken or valid core:
 * finds combinations the hand-picked shapes miss.
 */
export function mixedShapes(count: number, seed = 12): AdversarialShape[] {
  const next = mulberry32(seed);
  const shapes: AdversarialShape[] = [];
  for (let i = 0; i < count; i++) {
    const order = Array.from({ length: 400 }, () => WRAPPERS[Math.floor(next() * WRAPPERS.length)] as [string, string]);
    const core = [BROKEN, 'claim_id', '1 1', 'claim_id FROM'][i % 4] as string;
    const where = next() < 0.3;
    shapes.push({
      name: `mixed #${i + 1}`,
      at: (n) => {
        const layers = order.slice(0, n);
        const open = layers.map(([o]) => o).join('');
        const close = layers
          .map(([, c]) => c)
          .reverse()
          .join('');
        return where ? `SELECT claim_id ${W} AND ${open}${core}${close} = 1` : `SELECT ${open}${core}${close} ${W}`;
      },
    });
  }
  return shapes;
}

/** Sizes to try: every n up to 12, then growing by a third, until the cap (and one past it). */
export function sizesOf(shape: AdversarialShape, maxChars = LIMITS.sqlMaxChars): AdversarialInput[] {
  const inputs: AdversarialInput[] = [];
  for (let n = 1; ; n = n < 12 ? n + 1 : Math.ceil(n * 1.33)) {
    const sql = shape.at(n);
    if (sql.length <= (inputs[inputs.length - 1]?.sql.length ?? -1)) throw new Error(`${shape.name} stopped growing`);
    inputs.push({ shape: shape.name, n, sql });
    if (sql.length > maxChars) return inputs;
  }
}

/**
 * Every adversarial input: the hand-picked shapes and `mixed` random mixtures, each at every size up to the cap.
 * @example adversarialInputs(40).length // ~1,000
 */
export function adversarialInputs(mixed = 40): AdversarialInput[] {
  return [...ADVERSARIAL_SHAPES, ...mixedShapes(mixed)].flatMap((s) => sizesOf(s));
}
