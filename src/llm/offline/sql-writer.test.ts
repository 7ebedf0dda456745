import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nodeSqlParser from 'node-sql-parser';
import type { Asker } from '../../core/ports.ts';
import { Measure, parseQuestion } from './question.ts';
import { sqlString, writeSql } from './sql-writer.ts';

const MEMBER = '1000000001';
const TODAY = { year: 2026, month: 11, day: 25 };
const SUBSCRIBER: Asker = { name: 'Maria Lopez', relationship: 'subscriber' };
const CLAIM_COLUMNS =
  'claim_date, member_name, relationship_code, claim_type, provider_name, ndc_code, procedure_code, diagnosis_code, charged_amount, allowed_amount, plan_paid_amount, patient_responsibility';
const parser = new nodeSqlParser.Parser();

function sqlFor(question: string, asker: Asker = SUBSCRIBER): string {
  const parsed = parseQuestion(question, { memberId: MEMBER, today: TODAY });
  assert.ok(parsed.ok, `expected SQL for: ${question} (refused: ${parsed.ok ? '' : parsed.reason})`);
  return writeSql(parsed.intent, MEMBER, asker);
}

type Expr = { type?: string; operator?: string; left?: Expr; right?: Expr; column?: unknown; value?: unknown };

/** The top-level AND conjuncts of a WHERE clause. */
function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  return e.type === 'binary_expr' && e.operator === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The SQL parses as one PostgreSQL SELECT whose WHERE has `member_id = MEMBER` as a top-level conjunct. */
function assertScoped(sql: string): void {
  const ast = parser.astify(sql, { database: 'postgresql' });
  const stmt = (Array.isArray(ast) ? ast : [ast])[0] as { type: string; where?: Expr };
  assert.equal(stmt.type, 'select');
  const scope = conjuncts(stmt.where).find(
    (c) =>
      c.operator === '=' && JSON.stringify(c.left?.column).includes('"member_id"') && String(c.right?.value) === MEMBER,
  );
  assert.ok(scope, `member scope missing as a top-level conjunct: ${sql}`);
}

const where = (...conds: string[]) => `FROM claims_history WHERE ${[`member_id = ${MEMBER}`, ...conds].join(' AND ')}`;

describe('writeSql: question kinds → SQL', () => {
  const cases: [string, string][] = [
    [
      'How much did I spend on prescriptions this year?',
      `SELECT sum(allowed_amount) AS total_spent ${where("relationship_code = 'subscriber'", "claim_type = 'RX'", "claim_date >= DATE '2026-01-01'", "claim_date < DATE '2027-01-01'")}`,
    ],
    [
      'Show all claims for my son',
      `SELECT ${CLAIM_COLUMNS} ${where("relationship_code = 'son'")} ORDER BY claim_date DESC`,
    ],
    [
      'How many claims did our family have in 2024?',
      `SELECT count(*) AS claim_count ${where("claim_date >= DATE '2024-01-01'", "claim_date < DATE '2025-01-01'")}`,
    ],
    ["Show Emma's claims", `SELECT ${CLAIM_COLUMNS} ${where("member_name ILIKE '%Emma%'")} ORDER BY claim_date DESC`],
    [
      'Which providers did Liam visit on 1/19?',
      `SELECT DISTINCT provider_name ${where("member_name ILIKE '%Liam%'", "claim_date = DATE '2026-01-19'")} ORDER BY provider_name`,
    ],
    [
      'What is our total spend over the last 12 months?',
      `SELECT sum(allowed_amount) AS total_spent ${where("claim_date >= DATE '2025-11-25'")}`,
    ],
    [
      'How much did the plan pay for my wife last year?',
      `SELECT sum(plan_paid_amount) AS plan_paid ${where("relationship_code = 'spouse'", "claim_date >= DATE '2025-01-01'", "claim_date < DATE '2026-01-01'")}`,
    ],
    [
      'What do I owe from CVS?',
      `SELECT sum(patient_responsibility) AS out_of_pocket ${where("relationship_code = 'subscriber'", "provider_name ILIKE '%CVS%'")}`,
    ],
    [
      'Which doctor did I see the most?',
      `SELECT provider_name, count(*) AS visit_count ${where("relationship_code = 'subscriber'", "claim_type = 'Medical'")} GROUP BY provider_name ORDER BY count(*) DESC, provider_name LIMIT 1`,
    ],
    [
      'What was my most expensive claim?',
      `SELECT ${CLAIM_COLUMNS} ${where("relationship_code = 'subscriber'")} ORDER BY charged_amount DESC LIMIT 1`,
    ],
    [
      'Claims at Riverside Clinic in March',
      `SELECT ${CLAIM_COLUMNS} ${where("claim_date >= DATE '2026-03-01'", "claim_date < DATE '2026-04-01'", "provider_name ILIKE '%Riverside Clinic%'")} ORDER BY claim_date DESC`,
    ],
  ];
  for (const [question, expected] of cases) {
    it(question, () => {
      const sql = sqlFor(question);
      assert.equal(sql, expected);
      assertScoped(sql);
    });
  }
});

describe('writeSql: whose claims', () => {
  it('"I" is the subscriber for the subscriber, the exact name for anyone else', () => {
    assert.match(sqlFor('How many claims did I have?'), /AND relationship_code = 'subscriber'$/);
    const spouse: Asker = { name: "Ana O'Neil", relationship: 'spouse' };
    assert.match(sqlFor('How many claims did I have?', spouse), /AND member_name = 'Ana O''Neil'$/);
  });

  it('children, daughters and several people', () => {
    assert.match(sqlFor('List my kids claims'), /relationship_code IN \('son', 'daughter'\)/);
    assert.match(sqlFor("Show my daughter's prescriptions"), /relationship_code = 'daughter' AND claim_type = 'RX'/);
    const both = sqlFor('How much did my wife and I spend?');
    assert.match(both, /\(relationship_code = 'subscriber' OR relationship_code = 'spouse'\)/);
    assertScoped(both);
    assert.match(
      sqlFor('Did Emma or Liam see a doctor?'),
      /\(member_name ILIKE '%Emma%' OR member_name ILIKE '%Liam%'\)/,
    );
  });

  it('"we", "our family" and no person at all mean the whole family', () => {
    for (const q of [
      'How much did we spend this year?',
      'Total for our family this year',
      'How many claims this year?',
    ]) {
      const sql = sqlFor(q);
      assert.doesNotMatch(sql, /relationship_code|member_name/, q);
    }
  });
});

describe('writeSql: types, measures and providers', () => {
  it('reads claim types from everyday words', () => {
    assert.match(sqlFor('How many pharmacy claims did I have?'), /claim_type = 'RX'/);
    assert.match(sqlFor('How much did my medication cost?'), /claim_type = 'RX'/);
    assert.match(sqlFor('How many hospital claims did I have?'), /claim_type = 'Medical'/);
    assert.doesNotMatch(sqlFor('How many claims did I have?'), /claim_type/);
  });

  it('out of pocket, latest claim and counting providers', () => {
    assert.match(
      sqlFor('What was my out of pocket cost this year?'),
      /^SELECT sum\(patient_responsibility\) AS out_of_pocket /,
    );
    assert.match(sqlFor('When was my last doctor visit?'), /ORDER BY claim_date DESC LIMIT 1$/);
    assert.match(
      sqlFor('How many different doctors did my kids see?'),
      /^SELECT count\(DISTINCT provider_name\) AS provider_count /,
    );
  });

  it('providers after "at"/"from", "Dr." and capitalized clinic names; not periods or generic places', () => {
    assert.match(
      sqlFor('How much did I spend at the Riverside Clinic this year?'),
      /provider_name ILIKE '%Riverside Clinic%'$/,
    );
    assert.match(sqlFor('Claims with Dr. Patel'), /provider_name ILIKE '%Patel%'/);
    assert.match(
      sqlFor('Did Liam go to Lakeside Pediatrics?'),
      /member_name ILIKE '%Liam%' AND provider_name ILIKE '%Lakeside Pediatrics%'/,
    );
    assert.doesNotMatch(sqlFor('Show claims from last year'), /provider_name ILIKE/);
    assert.doesNotMatch(sqlFor('How much did I spend at the pharmacy?'), /provider_name ILIKE/);
    assert.match(sqlFor('How much did I spend at the pharmacy?'), /claim_type = 'RX'/);
  });

  it('keeps literals safe: quotes doubled, other characters dropped', () => {
    assert.equal(sqlString("St. Mary's"), "'St. Mary''s'");
    assert.equal(sqlString("x'); DROP TABLE t; --%_"), "'x'' DROP TABLE t --'");
    const sql = sqlFor("Claims at St. Mary's Hospital");
    assert.match(sql, /provider_name ILIKE '%St. Mary''s Hospital%'/);
    assertScoped(sql);
  });

  it('never writes * over claims_history, for any measure: only count(*)', () => {
    const parsed = parseQuestion("Show my kids' prescriptions at Riverside Pharmacy last year", {
      memberId: MEMBER,
      today: TODAY,
    });
    assert.ok(parsed.ok);
    for (const measure of Object.values(Measure)) {
      const sql = writeSql({ ...parsed.intent, measure }, MEMBER, SUBSCRIBER);
      assert.doesNotMatch(sql.replace(/count\(\*\)/gi, ''), /\*/, measure);
      assertScoped(sql);
    }
  });

  it('refuses to write SQL for a member id that is not digits', () => {
    const parsed = parseQuestion('How many claims?', { memberId: MEMBER, today: TODAY });
    assert.ok(parsed.ok);
    assert.throws(() => writeSql(parsed.intent, '1 OR 1=1'));
  });
});

describe('writeSql: periods relative to <today> (2026-11-25)', () => {
  const cases: [string, RegExp][] = [
    ['How many claims this year?', /claim_date >= DATE '2026-01-01' AND claim_date < DATE '2027-01-01'/],
    ['How many claims last year?', /claim_date >= DATE '2025-01-01' AND claim_date < DATE '2026-01-01'/],
    ['How many claims in the last 3 months?', /claim_date >= DATE '2026-08-25'$/],
    ['How many claims in the past year?', /claim_date >= DATE '2025-11-25'$/],
    ['How many claims last month?', /claim_date >= DATE '2026-10-01' AND claim_date < DATE '2026-11-01'/],
    ['How many claims in March?', /claim_date >= DATE '2026-03-01' AND claim_date < DATE '2026-04-01'/],
    ['How many claims in December?', /claim_date >= DATE '2025-12-01' AND claim_date < DATE '2026-01-01'/],
    ['How many claims in May 2024?', /claim_date >= DATE '2024-05-01' AND claim_date < DATE '2024-06-01'/],
    ['How many claims on 1/19/2025?', /claim_date = DATE '2025-01-19'/],
    ['How many claims on 2/3/25?', /claim_date = DATE '2025-02-03'/],
    ['How many claims on January 19?', /claim_date = DATE '2026-01-19'/],
    ['How many claims in 2024?', /claim_date >= DATE '2024-01-01' AND claim_date < DATE '2025-01-01'/],
    ['How many claims since 2025?', /claim_date >= DATE '2025-01-01'$/],
  ];
  for (const [question, expected] of cases) {
    it(question, () => {
      const sql = sqlFor(question);
      assert.match(sql, expected);
      assertScoped(sql);
    });
  }

  it('"may" the verb is not the month', () => {
    assert.doesNotMatch(sqlFor('May I see my claims?'), /claim_date [>=<]/);
    assert.match(sqlFor('May I see my claims from May?'), /claim_date >= DATE '2026-05-01'/);
  });
});
