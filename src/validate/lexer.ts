/**
 * A small SQL lexer that runs before the parser. It knows PostgreSQL's quoting rules well enough
 * to find comments, extra statements and exotic literals outside string literals, which the
 * parser would otherwise swallow or misread.
 */
import { Reason } from '../core/reasons.ts';
import { SQL_BOUNDS } from '../schema/catalog.ts';
import { reject } from './rejection.ts';

export type TokenKind = 'word' | 'string' | 'ident' | 'number' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Source text; for words it is upper-cased so keyword checks are simple. */
  readonly text: string;
  /** Offset of the token's first character in the SQL. */
  readonly start: number;
}

// Character classes by code unit: the lexer runs on every query, so no regex per character.
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isWordStart = (c: string): boolean => isLetter(c) || c === '_';
const isWordPart = (c: string | undefined): boolean =>
  c !== undefined && (isLetter(c) || isDigit(c) || c === '_' || c === '$');
/** A numeric literal as both PostgreSQL and the parser read it: 12, 1.5, .5, 1e3, 2.5E-4. */
const NUMBER = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
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
      tokens.push({ kind: 'string', text: sql.slice(i, end), start: i });
      i = end;
    } else if (c === '"') {
      const end = endOfQuoted(sql, i, '"');
      tokens.push({ kind: 'ident', text: sql.slice(i, end), start: i });
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
      tokens.push({ kind: 'word', text: word, start: i });
      i = end;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const text = (NUMBER.exec(sql.slice(i, i + 64)) as RegExpExecArray)[0];
      const end = i + text.length;
      // `1e0UNION`, `0x1F`, `1_000`: PostgreSQL 15+ calls a letter right after a number trailing
      // junk, older servers and the parser split it; neither reading is worth the doubt.
      if (isWordPart(sql[end]) || sql[end] === '.') {
        reject(Reason.SQL_UNSUPPORTED, 'a number must not run into a word');
      }
      tokens.push({ kind: 'number', text, start: i });
      i = end;
    } else if (PUNCTUATION.has(c) || c === ';') {
      tokens.push({ kind: 'punct', text: c, start: i });
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

const QUERY_STARTS: ReadonlySet<string> = new Set(['SELECT', 'WITH']);
const SET_OPERATORS: ReadonlySet<string> = new Set(['UNION', 'INTERSECT', 'EXCEPT']);

interface Group {
  /** '(' or '['. */
  readonly open: string;
  /** A query in parentheses: a sub-query, CTE body or derived table. */
  readonly query: boolean;
  items: number;
}

/**
 * Bounds on the statement's size and shape, counted in one pass over the tokens, before the
 * parser sees them (SQL_TOO_COMPLEX): the parser's work grows with the token count, and
 * exponentially with nesting when a syntax error hides inside it. Limits: SQL_BOUNDS.
 * @example checkComplexity(tokenize('SELECT ((((((((((1))))))))))')) // throws SQL_TOO_COMPLEX
 */
export function checkComplexity(tokens: readonly Token[]): void {
  const b = SQL_BOUNDS;
  if (tokens.length > b.maxTokens) reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxTokens} tokens`);
  const groups: Group[] = [];
  let queries = 1;
  let cases = 0;
  let branches = 1;
  tokens.forEach((t, i) => {
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[') {
        const next = tokens[i + 1];
        const query = next?.kind === 'word' && QUERY_STARTS.has(next.text);
        groups.push({ open: t.text, query, items: 1 });
        if (groups.length > b.maxNesting)
          reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxNesting} nested parentheses`);
        if (query && ++queries > b.maxQueryNesting) {
          reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxQueryNesting} nested SELECTs`);
        }
      } else if (t.text === ')' || t.text === ']') {
        if (groups.pop()?.query) queries--;
      } else if (t.text === ',') {
        const group = groups[groups.length - 1];
        if (group && ++group.items > b.maxListItems) {
          reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxListItems} items in one list`);
        }
      }
      return;
    }
    if (t.kind !== 'word') return;
    if (t.text === 'CASE' && ++cases > b.maxCaseNesting) {
      reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxCaseNesting} nested CASE expressions`);
    } else if (t.text === 'END') {
      cases--;
    } else if (SET_OPERATORS.has(t.text) && ++branches > b.maxSetBranches) {
      reject(Reason.SQL_TOO_COMPLEX, `more than ${b.maxSetBranches} UNION, INTERSECT or EXCEPT branches`);
    }
  });
}

const isWord = (t: Token | undefined, ...words: string[]): boolean =>
  t !== undefined && t.kind === 'word' && words.includes(t.text);
const isCount = (t: Token | undefined): t is Token =>
  t !== undefined && t.kind === 'number' && /^\d{1,9}$/.test(t.text);

/**
 * The SQL-standard row limit, which node-sql-parser cannot read, written as PostgreSQL's own
 * equivalent: `[OFFSET n {ROW|ROWS}] FETCH {FIRST|NEXT} [n] {ROW|ROWS} ONLY` becomes
 * `LIMIT n [OFFSET n]` (the same rows in PostgreSQL). Only integer literals; anything else
 * (an expression, WITH TIES) is left as written and refused later. The result is the text that
 * is then checked and run.
 * @example rewriteFetchFirst('SELECT 1 FETCH FIRST 3 ROWS ONLY') // 'SELECT 1 LIMIT 3'
 */
export function rewriteFetchFirst(sql: string, tokens: readonly Token[]): string {
  if (!tokens.some((t) => isWord(t, 'FETCH'))) return sql;
  let out = '';
  let copied = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'FETCH') || !isWord(tokens[i + 1], 'FIRST', 'NEXT')) continue;
    let j = i + 2;
    const count = isCount(tokens[j]) ? (tokens[j++] as Token).text : '1';
    if (!isWord(tokens[j], 'ROW', 'ROWS') || !isWord(tokens[j + 1], 'ONLY')) continue;
    const end = tokens[j + 1] as Token;
    // An OFFSET just before it, in the standard's form: OFFSET n ROW(S).
    const offset =
      isWord(tokens[i - 3], 'OFFSET') && isCount(tokens[i - 2]) && isWord(tokens[i - 1], 'ROW', 'ROWS')
        ? (tokens[i - 2] as Token)
        : undefined;
    const from = offset ? (tokens[i - 3] as Token).start : (tokens[i] as Token).start;
    if (from < copied) continue;
    out += `${sql.slice(copied, from)}LIMIT ${count}${offset ? ` OFFSET ${offset.text}` : ''}`;
    copied = end.start + end.text.length;
    i = j + 1;
  }
  return out + sql.slice(copied);
}
