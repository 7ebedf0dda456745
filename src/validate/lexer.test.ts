import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reason } from '../core/reasons.ts';
import { SQL_BOUNDS } from '../schema/catalog.ts';
import { checkComplexity, checkTokens, rewriteFetchFirst, tokenize } from './lexer.ts';
import { Rejection } from './rejection.ts';

function codeOf(sql: string): string {
  try {
    checkTokens(tokenize(sql));
    return 'OK';
  } catch (error) {
    assert.ok(error instanceof Rejection);
    return error.code;
  }
}

describe('lexer', () => {
  it('splits words, strings, quoted identifiers, numbers and punctuation', () => {
    const tokens = tokenize(`SELECT "Total", sum(x_1) FROM t WHERE a >= 1.5e3 AND b = 'it''s'`);
    assert.deepEqual(
      tokens.map((t) => `${t.kind}:${t.text}`),
      [
        'word:SELECT',
        'ident:"Total"',
        'punct:,',
        'word:SUM',
        'punct:(',
        'word:X_1',
        'punct:)',
        'word:FROM',
        'word:T',
        'word:WHERE',
        'word:A',
        'punct:>',
        'punct:=',
        'number:1.5e3',
        'word:AND',
        'word:B',
        'punct:=',
        "string:'it''s'",
      ],
    );
  });

  it('refuses unbalanced parentheses before the parser sees them', () => {
    assert.equal(codeOf('SELECT count(*) FROM t WHERE (a = 1'), Reason.SQL_PARSE_ERROR);
    assert.equal(codeOf('SELECT count(*)) FROM t WHERE (a = 1'), Reason.SQL_PARSE_ERROR);
    assert.equal(codeOf('SELECT a FROM t WHERE b = 1)'), Reason.SQL_PARSE_ERROR);
    assert.equal(codeOf('SELECT (a) FROM t WHERE (b = 1) AND ((c = 2))'), 'OK');
  });

  it('counts parentheses inside strings and quoted names as data', () => {
    assert.equal(codeOf(`SELECT a FROM t WHERE b = '(' AND "c)" = 1`), 'OK');
  });

  it('refuses a $ in words and numbers', () => {
    assert.equal(codeOf('SELECT a$b FROM t'), Reason.SQL_UNSUPPORTED);
    assert.equal(codeOf('SELECT 1$ FROM t'), Reason.SQL_UNSUPPORTED);
  });
});

function complexity(sql: string): string {
  try {
    checkComplexity(tokenize(sql));
    return 'OK';
  } catch (error) {
    assert.ok(error instanceof Rejection);
    return error.code;
  }
}

describe('lexer: numbers', () => {
  it('reads decimals and exponents as one token, with offsets', () => {
    const tokens = tokenize('SELECT 1.5e-2, .5, 12 FROM t');
    assert.deepEqual(
      tokens.filter((t) => t.kind === 'number').map((t) => [t.text, t.start]),
      [
        ['1.5e-2', 7],
        ['.5', 15],
        ['12', 19],
      ],
    );
  });

  it('refuses a number that runs into a word (sqlmap 0eunion/scientific; PostgreSQL 15+ calls it trailing junk)', () => {
    for (const sql of ['SELECT 1e0UNION SELECT 2', 'SELECT 0x1F', 'SELECT 1_000', 'SELECT 1.2.3', 'SELECT 1e5e']) {
      assert.equal(codeOf(sql), Reason.SQL_UNSUPPORTED, sql);
    }
  });
});

describe('checkComplexity: bounds counted before the parser runs', () => {
  const b = SQL_BOUNDS;
  const at = (n: number, open: string, close: string, core = '1') =>
    `SELECT ${open.repeat(n)}${core}${close.repeat(n)} FROM t`;

  it('nesting of parentheses and brackets', () => {
    assert.equal(complexity(at(b.maxNesting, '(', ')')), 'OK');
    assert.equal(complexity(at(b.maxNesting + 1, '(', ')')), Reason.SQL_TOO_COMPLEX);
    assert.equal(complexity(at(b.maxNesting + 1, 'ARRAY[', ']')), Reason.SQL_TOO_COMPLEX);
  });

  it('nested SELECTs', () => {
    assert.equal(complexity(at(b.maxQueryNesting - 1, '(SELECT ', ')')), 'OK');
    assert.equal(complexity(at(b.maxQueryNesting, '(SELECT ', ')')), Reason.SQL_TOO_COMPLEX);
    // Sibling sub-queries are not nested.
    assert.equal(complexity(`SELECT ${Array(6).fill('(SELECT 1)').join(' + ')} FROM t`), 'OK');
  });

  it('items of one list, CASE nesting and set branches', () => {
    const list = (n: number) => `SELECT a FROM t WHERE a IN (${Array.from({ length: n }, (_, i) => i).join(', ')})`;
    assert.equal(complexity(list(b.maxListItems)), 'OK');
    assert.equal(complexity(list(b.maxListItems + 1)), Reason.SQL_TOO_COMPLEX);
    assert.equal(complexity(at(b.maxCaseNesting, 'CASE WHEN a = 1 THEN ', ' END')), 'OK');
    assert.equal(complexity(at(b.maxCaseNesting + 1, 'CASE WHEN a = 1 THEN ', ' END')), Reason.SQL_TOO_COMPLEX);
    // Sequential CASEs are not nested.
    assert.equal(complexity(`SELECT ${Array(6).fill('CASE WHEN a = 1 THEN 1 END').join(', ')} FROM t`), 'OK');
    const union = (n: number) => Array.from({ length: n }, () => 'SELECT a FROM t').join(' UNION ALL ');
    assert.equal(complexity(union(b.maxSetBranches)), 'OK');
    assert.equal(complexity(union(b.maxSetBranches + 1)), Reason.SQL_TOO_COMPLEX);
  });

  it('tokens', () => {
    const sql = (n: number) => `SELECT a FROM t WHERE a = 1${' AND a = 1'.repeat(n)}`;
    const under = Math.floor((b.maxTokens - 8) / 4);
    assert.equal(tokenize(sql(under)).length <= b.maxTokens, true);
    assert.equal(complexity(sql(under)), 'OK');
    assert.equal(complexity(sql(under + 1)), Reason.SQL_TOO_COMPLEX);
  });
});

describe('rewriteFetchFirst', () => {
  const rewrite = (sql: string) => rewriteFetchFirst(sql, tokenize(sql));

  it('writes the standard row limit as LIMIT, keeping everything else as written', () => {
    assert.equal(rewrite('SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY'), 'SELECT a FROM t ORDER BY a LIMIT 5');
    assert.equal(rewrite('SELECT a FROM t fetch next row only'), 'SELECT a FROM t LIMIT 1');
    assert.equal(rewrite('SELECT a FROM t OFFSET 2 ROW FETCH NEXT 3 ROWS ONLY'), 'SELECT a FROM t LIMIT 3 OFFSET 2');
    assert.equal(
      rewrite('SELECT (SELECT a FROM t FETCH FIRST 1 ROW ONLY) FROM u FETCH FIRST 2 ROWS ONLY'),
      'SELECT (SELECT a FROM t LIMIT 1) FROM u LIMIT 2',
    );
  });

  it('leaves what it does not recognise for the later checks to refuse', () => {
    for (const sql of [
      "SELECT a FROM t WHERE b = 'FETCH FIRST 1 ROW ONLY'",
      'SELECT a FROM t FETCH FIRST 5 ROWS WITH TIES',
      'SELECT a FROM t FETCH FIRST (5) ROWS ONLY',
      'SELECT a FROM t FETCH FIRST 5.5 ROWS ONLY',
      'SELECT "fetch" FROM t',
    ]) {
      assert.equal(rewrite(sql), sql);
    }
  });
});
