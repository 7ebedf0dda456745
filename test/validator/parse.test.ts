import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pkg from 'node-sql-parser/build/postgresql.js';
import { Reason } from '../../src/core/reasons.ts';
import { SQL_BOUNDS } from '../../src/schema/catalog.ts';
import { normalizeSql } from '../../src/validate/index.ts';
import { parserWork, parseStatement } from '../../src/validate/parse.ts';
import { Rejection } from '../../src/validate/rejection.ts';
import { ATTACKS, renderAttack } from '../attacks/corpus.ts';

const M = '1234567890';
const plain = new pkg.Parser();

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (error) {
    assert.ok(error instanceof Rejection, String(error));
    return error.code;
  }
}

describe('parseStatement: the budgeted parse', () => {
  const texts = ATTACKS.map((c) => normalizeSql(renderAttack(c, M, '9876543210'))).filter((s) => s.length <= 2000);

  it('gives the same AST as the plain parser (the parser reads its input only through the budgeted methods)', () => {
    let parsed = 0;
    for (const sql of texts) {
      let expected: unknown;
      try {
        expected = plain.astify(sql, { database: 'postgresql' });
      } catch {
        expected = 'parse error';
      }
      let got: unknown;
      try {
        got = parseStatement(sql, Number.MAX_SAFE_INTEGER);
        got = Array.isArray(expected) ? [got] : got;
      } catch (error) {
        assert.ok(error instanceof Rejection);
        got = error.code === Reason.SQL_PARSE_ERROR ? 'parse error' : error.code;
      }
      if (got !== 'parse error' && got !== Reason.SQL_MULTIPLE_STATEMENTS) parsed++;
      if (got === Reason.SQL_MULTIPLE_STATEMENTS) continue;
      assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(expected)), sql);
    }
    assert.ok(parsed > 50, `${parsed} attacks parsed`);
  });

  it('stops a parse that needs more than the budget with SQL_TOO_COMPLEX', () => {
    const sql = `SELECT claim_id FROM claims_history WHERE member_id = ${M}`;
    const { spent } = parserWork(sql);
    assert.ok(spent > 100, `${spent}`);
    assert.equal(
      codeOf(() => parseStatement(sql, spent)),
      'OK',
    );
    assert.equal(
      codeOf(() => parseStatement(sql, spent - 1)),
      Reason.SQL_TOO_COMPLEX,
    );
    assert.deepEqual(parserWork(sql, spent - 1), { spent: spent - 1, outOfBudget: true, parsed: false });
  });

  it('stops the issue 12 query (a minute of parsing without the budget) within the default budget', () => {
    const sql = `SELECT ((((((((((((((((claim_id *)))))))))))))))) FROM claims_history WHERE member_id = ${M}`;
    assert.equal(
      codeOf(() => parseStatement(sql)),
      Reason.SQL_TOO_COMPLEX,
    );
    assert.deepEqual(parserWork(sql), { spent: SQL_BOUNDS.parserBudget, outOfBudget: true, parsed: false });
  });

  it('does not build the parser error message (it sorts every alternative tried, and could quote the input)', () => {
    assert.throws(
      () => plain.astify("SELECT FROM WHERE 'Zebulon'", { database: 'postgresql' }),
      (error: Error) => error.message === 'syntax error',
    );
  });
});
