/**
 * A small SQL lexer that runs before the parser. It knows PostgreSQL's quoting rules well enough
 * to find comments, extra statements and exotic literals outside string literals, which the
 * parser would otherwise swallow or misread.
 */
import { Reason } from '../core/reasons.ts';
import { reject } from './rejection.ts';

export type TokenKind = 'word' | 'string' | 'ident' | 'number' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Source text; for words it is upper-cased so keyword checks are simple. */
  readonly text: string;
}

// Character classes by code unit: the lexer runs on every query, so no regex per character.
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isWordStart = (c: string): boolean => isLetter(c) || c === '_';
const isWordPart = (c: string | undefined): boolean =>
  c !== undefined && (isLetter(c) || isDigit(c) || c === '_' || c === '$');
const isNumberPart = (c: string | undefined): boolean =>
  c !== undefined && (isLetter(c) || isDigit(c) || c === '_' || c === '.');
/**
 * Punctuation PostgreSQL and the parser read the same way. Anything else outside quotes
 * (backticks, '#', '?', '@', '^', '&', non-ASCII letters or spaces, control characters) is where
 * the parser's MySQL-flavoured grammar and PostgreSQL could disagree, so it is refused.
 */
const PUNCTUATION: ReadonlySet<string> = new Set([...'(),.*+-/%=<>!|:[]']);

/** Index just past a quoted run that starts at `start` and doubles `quote` to escape it. */
function endOfQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return reject(Reason.SQL_PARSE_ERROR, 'unterminated quoted text');
}

/**
 * Splits SQL into tokens, rejecting comments (SQL_COMMENT) and dollar quotes, escape strings,
 * Unicode escapes, bit strings and parameters (SQL_UNSUPPORTED).
 * @example tokenize("SELECT 'a' FROM t").map((t) => t.text) // ['SELECT', "'a'", 'FROM', 'T']
 */
export function tokenize(sql: string): Token[] {
  // Backslashes mean nothing in standard strings but are escapes to other dialects: refuse them.
  if (sql.includes('\\')) reject(Reason.SQL_UNSUPPORTED, 'backslashes are not allowed');
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (isSpace(c)) {
      i++;
    } else if ((c === '-' && next === '-') || (c === '/' && next === '*')) {
      reject(Reason.SQL_COMMENT, 'comments are not allowed');
    } else if (c === "'") {
      const end = endOfQuoted(sql, i, "'");
      tokens.push({ kind: 'string', text: sql.slice(i, end) });
      i = end;
    } else if (c === '"') {
      const end = endOfQuoted(sql, i, '"');
      tokens.push({ kind: 'ident', text: sql.slice(i, end) });
      i = end;
    } else if (c === '$') {
      reject(Reason.SQL_UNSUPPORTED, 'dollar quotes and parameters are not allowed');
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (isWordPart(sql[end])) end++;
      const word = sql.slice(i, end).toUpperCase();
      if (word.includes('$')) reject(Reason.SQL_UNSUPPORTED, 'identifiers with $ are not allowed');
      const after = sql[end];
      if (after === "'" && ['E', 'B', 'X', 'N'].includes(word)) {
        reject(Reason.SQL_UNSUPPORTED, 'escape, bit and national string literals are not allowed');
      }
      if (word === 'U' && after === '&') reject(Reason.SQL_UNSUPPORTED, 'Unicode escapes are not allowed');
      tokens.push({ kind: 'word', text: word });
      i = end;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      let end = i + 1;
      while (isNumberPart(sql[end])) end++;
      tokens.push({ kind: 'number', text: sql.slice(i, end) });
      i = end;
    } else if (PUNCTUATION.has(c) || c === ';') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      reject(Reason.SQL_UNSUPPORTED, 'unexpected character outside quotes');
    }
  }
  return tokens;
}

/**
 * Unbalanced parentheses can never parse. Said here because the parser finds out slowly: on a
 * failure it parses the whole text a second time and then builds an error message we discard.
 */
function checkParentheses(tokens: readonly Token[]): void {
  let depth = 0;
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth < 0) break;
  }
  if (depth !== 0) reject(Reason.SQL_PARSE_ERROR, 'parentheses are not balanced');
}

const WRITE_WORDS: ReadonlySet<string> = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'DROP',
  'ALTER',
  'CREATE',
  'GRANT',
  'REVOKE',
  'COPY',
]);
const LOCK_STRENGTH: ReadonlySet<string> = new Set(['UPDATE', 'SHARE', 'NO', 'KEY']);

/**
 * Token-level rules the parser cannot be trusted with: it fails or misreads these forms,
 * and the right reason code matters to callers.
 * @example checkTokens(tokenize('SELECT 1; SELECT 2')) // throws SQL_MULTIPLE_STATEMENTS
 */
export function checkTokens(tokens: readonly Token[]): void {
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';')) {
    reject(Reason.SQL_MULTIPLE_STATEMENTS, 'only one statement is allowed');
  }
  checkParentheses(tokens);
  const first = tokens[0];
  const startsLikeSelect =
    first !== undefined &&
    ((first.kind === 'word' && (first.text === 'SELECT' || first.text === 'WITH')) ||
      (first.kind === 'punct' && first.text === '('));
  if (!startsLikeSelect) reject(Reason.SQL_NOT_SELECT, 'only SELECT statements are allowed');
  const words = tokens.map((t) => (t.kind === 'word' ? t.text : ''));
  words.forEach((w, i) => {
    if (w === 'FOR' && LOCK_STRENGTH.has(words[i + 1] ?? '')) {
      reject(Reason.SQL_LOCKING_CLAUSE, 'locking clauses are not allowed');
    }
  });
  if (words.includes('INTO')) reject(Reason.SQL_SELECT_INTO, 'SELECT INTO is not allowed');
  if (words.some((w) => WRITE_WORDS.has(w))) reject(Reason.SQL_NOT_SELECT, 'data-changing statements are not allowed');
  // The parser reads NATURAL and ONLY as table aliases, so its AST would not mean what PostgreSQL runs.
  if (words.includes('NATURAL') || words.includes('ONLY')) {
    reject(Reason.SQL_UNSUPPORTED, 'NATURAL joins and ONLY are not supported');
  }
}
