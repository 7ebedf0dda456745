/**
 * The SQL validator: deny by default. A query runs only if it is one plain SELECT over the
 * catalog's member tables, calls only allowlisted functions, and pins every member-table
 * reference to the signed-in family.
 */
import { isMemberId } from '../core/ids.ts';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { LIMITS } from '../schema/catalog.ts';
import { asNode } from './ast.ts';
import { checkComplexity, checkTokens, rewriteFetchFirst, tokenize } from './lexer.ts';
import { checkMemberScope } from './member-scope.ts';
import { parseStatement } from './parse.ts';
import { Rejection, reject } from './rejection.ts';
import { StatementWalker } from './walk.ts';

export interface ValidateContext {
  /** The signed-in family's member_id, digits only. */
  readonly memberId: string;
}

export type Validation =
  | { readonly ok: true; readonly sql: string }
  | { readonly ok: false; readonly code: ReasonCode; readonly reason: string };

/**
 * Trims, and drops one trailing semicolon: the exact string that is checked and run.
 * @example normalizeSql('  SELECT 1 ;\n') // 'SELECT 1'
 */
export function normalizeSql(sql: string): string {
  const trimmed = sql.trim();
  return trimmed.endsWith(';') ? trimmed.slice(0, -1).trimEnd() : trimmed;
}

/**
 * Checks model-written SQL before it runs. On success `sql` is the exact string that was
 * checked (trimmed, one trailing `;` removed, `FETCH FIRST n ROWS ONLY` written `LIMIT n`),
 * which is what must run.
 * @example
 * validateSql("SELECT count(*) FROM claims_history WHERE member_id = 1234567890", { memberId: '1234567890' })
 * // { ok: true, sql: 'SELECT count(*) FROM claims_history WHERE member_id = 1234567890' }
 */
export function validateSql(sql: string, ctx: ValidateContext): Validation {
  try {
    if (!isMemberId(ctx.memberId)) reject(Reason.SQL_UNSUPPORTED, 'member id must be a 10-digit id');
    if (sql.length > LIMITS.sqlMaxChars * 4) reject(Reason.SQL_TOO_LONG, 'SQL is too long');
    const checked = normalizeSql(sql);
    if (checked === '') reject(Reason.SQL_EMPTY, 'SQL is empty');
    if (checked.length > LIMITS.sqlMaxChars) reject(Reason.SQL_TOO_LONG, 'SQL is too long');
    const written = tokenize(checked);
    // FETCH FIRST n ROWS ONLY becomes LIMIT n: that text is what is checked and what runs.
    const rewritten = rewriteFetchFirst(checked, written);
    const tokens = rewritten === checked ? written : tokenize(rewritten);
    checkTokens(tokens);
    checkComplexity(tokens);
    const ast = asNode(parseStatement(rewritten), 'statement');
    if (ast.type !== 'select') reject(Reason.SQL_NOT_SELECT, 'only SELECT statements are allowed');
    const walker = new StatementWalker();
    walker.walkQuery(ast, undefined);
    checkMemberScope(walker.selects, ctx.memberId);
    walker.checkCost();
    walker.checkStars();
    return { ok: true, sql: rewritten };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, code: error.code, reason: error.message };
    // Anything unexpected while reading the AST is a refusal, never a pass.
    return { ok: false, code: Reason.SQL_UNSUPPORTED, reason: 'the SQL could not be checked' };
  }
}
