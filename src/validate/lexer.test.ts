import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reason } from '../core/reasons.ts';
import { checkTokens, tokenize } from './lexer.ts';
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
