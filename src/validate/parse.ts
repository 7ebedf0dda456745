/**
 * The one place SQL meets node-sql-parser. The validator and the benchmark both call this, so the
 * parser cost the benchmark reports is the cost the validator pays.
 */
// The PostgreSQL-only build: same parser, a ninth of the full build's size (cold start, bundle).
import pkg from 'node-sql-parser/build/postgresql.js';
import { Reason } from '../core/reasons.ts';
import { reject } from './rejection.ts';

const { Parser } = pkg;
const parser = new Parser();
/** Parser options are module-global in node-sql-parser: pass the dialect on every call. */
const PARSE_OPTIONS = { database: 'postgresql' } as const;

/**
 * Parses SQL into node-sql-parser's AST; a parse failure becomes SQL_PARSE_ERROR, and more
 * than one statement SQL_MULTIPLE_STATEMENTS.
 * @example parseStatement('SELECT 1') // { type: 'select', columns: [...], ... }
 */
export function parseStatement(sql: string): unknown {
  let ast: unknown;
  try {
    ast = parser.astify(sql, PARSE_OPTIONS);
  } catch {
    // The parser's message can quote the input, so it is not passed on.
    return reject(Reason.SQL_PARSE_ERROR, 'the SQL could not be parsed');
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) reject(Reason.SQL_MULTIPLE_STATEMENTS, 'only one statement is allowed');
    return ast[0];
  }
  return ast;
}
