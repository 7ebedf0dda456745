/**
 * The one place SQL meets node-sql-parser. The validator and the benchmark both call this, so the
 * parser cost the benchmark reports is the cost the validator pays.
 *
 * The parser is a PEG grammar without memoisation: when a syntax error sits inside nested
 * parentheses it retries every alternative at every level, so its work grows exponentially with
 * the nesting (a 100-character query can take a minute). Two guards keep every parse within a
 * few milliseconds whatever the text:
 * - a work budget: the parser reads its input only through `charCodeAt`, `charAt` and `substr`,
 *   so it gets an object that counts those reads and stops the parse when the budget is spent
 *   (SQL_TOO_COMPLEX). Every rule the grammar tries costs at least one read, so the budget
 *   bounds the parser's work, not only its reading;
 * - no error messages: on a failure the parser turns every alternative it tried at the furthest
 *   position into a sorted English sentence, which costs more than the parse itself and is
 *   discarded here anyway (it can quote the input). Its `buildMessage` is replaced by a constant.
 */
// The PostgreSQL-only build: same parser, a ninth of the full build's size (cold start, bundle).
import pkg from 'node-sql-parser/build/postgresql.js';
import { Reason } from '../core/reasons.ts';
import { SQL_BOUNDS } from '../schema/catalog.ts';
import { reject } from './rejection.ts';

const { Parser } = pkg;
const parser = new Parser();
/**
 * Parser options are module-global in node-sql-parser: pass them on every call. The text is
 * already trimmed (normalizeSql); `trimQuery: false` hands the parser our counted input as is.
 */
const PARSE_OPTIONS = { database: 'postgresql', trimQuery: false } as const;

/** Thrown from inside the parser when the budget is spent; never escapes this module. */
class OutOfBudget extends Error {}

/**
 * The parser's input: the SQL behind the three methods the generated parser reads it with,
 * each read paid from a budget. No `toString`/`valueOf`: if a parser version ever reads the
 * input another way, every parse fails loudly instead of running without a budget.
 */
class BudgetedInput {
  readonly length: number;
  private left: number;
  constructor(
    private readonly text: string,
    budget: number,
  ) {
    this.length = text.length;
    this.left = budget;
  }
  /** Reads paid so far (for tests and the benchmark). */
  spent(budget: number): number {
    return budget - Math.max(this.left, 0);
  }
  charCodeAt(i: number): number {
    if (--this.left < 0) throw new OutOfBudget();
    return this.text.charCodeAt(i);
  }
  charAt(i: number): string {
    if (--this.left < 0) throw new OutOfBudget();
    return this.text.charAt(i);
  }
  substr(start: number, length?: number): string {
    if (--this.left < 0) throw new OutOfBudget();
    return this.text.substr(start, length);
  }
}

/** Replaces the parser's error-message builder (see the module comment); run once at load. */
function silenceErrorMessages(): void {
  let failure: unknown;
  try {
    parser.astify(')', PARSE_OPTIONS);
  } catch (error) {
    failure = error;
  }
  const syntaxError = (failure as { constructor?: { buildMessage?: unknown } } | undefined)?.constructor;
  if (!syntaxError || typeof syntaxError.buildMessage !== 'function') {
    throw new Error('node-sql-parser: SyntaxError.buildMessage not found; the parse guard needs review');
  }
  syntaxError.buildMessage = () => 'syntax error';
}
silenceErrorMessages();

/** Runs the parser on a budgeted input; `spent` is the reads it paid for, whatever the outcome. */
function astify(sql: string, budget: number): { ast?: unknown; error?: unknown; spent: number } {
  const input = new BudgetedInput(sql, budget);
  try {
    // The parser reads the input only through BudgetedInput's methods (a test checks the ASTs
    // equal those of the plain string).
    return { ast: parser.astify(input as unknown as string, PARSE_OPTIONS), spent: input.spent(budget) };
  } catch (error) {
    return { error, spent: input.spent(budget) };
  }
}

/**
 * Parses SQL into node-sql-parser's AST; a parse failure becomes SQL_PARSE_ERROR, a parse that
 * needs more than the work budget SQL_TOO_COMPLEX, and more than one statement
 * SQL_MULTIPLE_STATEMENTS.
 * @example parseStatement('SELECT 1') // { type: 'select', columns: [...], ... }
 */
export function parseStatement(sql: string, budget: number = SQL_BOUNDS.parserBudget): unknown {
  const { ast, error } = astify(sql, budget);
  if (error instanceof OutOfBudget) return reject(Reason.SQL_TOO_COMPLEX, 'the SQL is too complex to check');
  // The parser's message could quote the input, so it is not passed on.
  if (error !== undefined) return reject(Reason.SQL_PARSE_ERROR, 'the SQL could not be parsed');
  if (Array.isArray(ast)) {
    if (ast.length !== 1) reject(Reason.SQL_MULTIPLE_STATEMENTS, 'only one statement is allowed');
    return ast[0];
  }
  return ast;
}

/**
 * The parser's work for a text, in budget units (input reads), with a given budget: for tests
 * and the benchmark, which show where the budget sits against honest queries.
 * @example parserWork('SELECT 1') // { spent: 300, outOfBudget: false }
 */
export function parserWork(
  sql: string,
  budget: number = SQL_BOUNDS.parserBudget,
): { spent: number; outOfBudget: boolean; parsed: boolean } {
  const { error, spent } = astify(sql, budget);
  return { spent, outOfBudget: error instanceof OutOfBudget, parsed: error === undefined };
}
