/**
 * The member-scope proof over every catalog table (benefits, accumulators, claim status): each
 * reference of each member table pinned to the family, joins between them included; reference
 * tables need no pin but cannot be cross-joined.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { MEMBER_TABLES, type TableSpec } from '../schema/catalog.ts';
import { validateSql } from './index.ts';
import { mayBeAbout, type PersonFacts, subjectsOf } from './subjects.ts';

const M = '1234567890';
const OTHER = '9876543210';
const ctx = { memberId: M };

const ACCEPTED: readonly string[] = [
  `SELECT deductible_individual, oop_max_individual FROM plan_benefits WHERE member_id = ${M} AND plan_year = 2026 AND network = 'in_network'`,
  `SELECT copay, coinsurance_percent, deductible_applies FROM plan_cost_sharing WHERE member_id = ${M} AND service_category = 'specialist' AND plan_year = 2026`,
  `SELECT member_name, deductible_met, oop_met FROM accumulators WHERE member_id = ${M} AND plan_year = 2026`,
  `SELECT deductible_met, includes_everyone FROM family_accumulators WHERE member_id = ${M} AND plan_year = 2026`,
  `SELECT visits_used FROM visit_counts WHERE member_id = ${M} AND service_category = 'physical_therapy'`,
  `SELECT reason_code, explanation FROM denial_reasons`,
  `SELECT claim_date, provider_name, claim_status FROM claims_history WHERE member_id = ${M} AND claim_status = 'pending'`,
  // a reference table joined on its key
  `SELECT c.claim_date, d.explanation, d.next_steps FROM claims_history c JOIN denial_reasons d ON d.reason_code = c.denial_code WHERE c.member_id = ${M} AND c.claim_status = 'denied'`,
  `SELECT c.claim_date, d.title FROM claims_history c LEFT JOIN denial_reasons d ON d.reason_code = c.denial_code WHERE c.member_id = ${M}`,
  // two member tables, each pinned by a literal
  `SELECT b.deductible_individual - a.deductible_met AS left_to_meet FROM accumulators a JOIN plan_benefits b ON b.plan_year = a.plan_year AND b.network = a.network WHERE a.member_id = ${M} AND b.member_id = ${M} AND a.plan_year = 2026`,
  // one pinned by a literal, the other through the member_id join key (inner join: both ways)
  `SELECT b.deductible_individual - a.deductible_met FROM accumulators a JOIN plan_benefits b ON b.member_id = a.member_id AND b.plan_year = a.plan_year AND b.network = a.network WHERE a.member_id = ${M}`,
  `SELECT b.deductible_individual - a.deductible_met FROM accumulators a JOIN plan_benefits b ON a.member_id = b.member_id AND b.plan_year = a.plan_year WHERE b.member_id = ${M}`,
  `SELECT p.visit_limit - v.visits_used FROM visit_counts v JOIN plan_cost_sharing p ON p.plan_year = v.plan_year AND p.service_category = v.service_category WHERE v.member_id = ${M} AND p.member_id = v.member_id AND p.network = 'in_network'`,
  // LEFT JOIN: the left table pins the joined one
  `SELECT p.service_category, v.visits_used FROM plan_cost_sharing p LEFT JOIN visit_counts v ON v.member_id = p.member_id AND v.plan_year = p.plan_year AND v.service_category = p.service_category WHERE p.member_id = ${M} AND p.visit_limit IS NOT NULL`,
  // USING (member_id, ...) after a pinned table pins the joined one
  `SELECT b.deductible_individual - a.deductible_met FROM accumulators a JOIN plan_benefits b USING (member_id, plan_year, network) JOIN family_accumulators f USING (member_id, plan_year, network) WHERE a.member_id = ${M}`,
  `SELECT p.service_category, v.visits_used FROM plan_cost_sharing p LEFT JOIN visit_counts v USING (member_id, plan_year, service_category) WHERE p.member_id = ${M}`,
  // three tables, chained
  `SELECT c.claim_date, p.copay, d.title FROM claims_history c JOIN plan_cost_sharing p ON p.member_id = c.member_id AND p.service_category = c.service_category AND p.network = c.network JOIN denial_reasons d ON d.reason_code = c.denial_code WHERE c.member_id = ${M}`,
  // sub-queries over member tables, each pinned
  `SELECT oop_max_family - (SELECT oop_met FROM family_accumulators WHERE member_id = ${M} AND plan_year = 2026 AND network = 'in_network') FROM plan_benefits WHERE member_id = ${M} AND plan_year = 2026 AND network = 'in_network'`,
  `WITH a AS (SELECT plan_year, sum(oop_met) AS met FROM accumulators WHERE member_id = ${M} GROUP BY plan_year) SELECT b.plan_year, b.oop_max_family - a.met FROM plan_benefits b JOIN a ON a.plan_year = b.plan_year WHERE b.member_id = ${M}`,
];

const REJECTED: readonly (readonly [string, string, ReasonCode])[] = [
  ['plan benefits unscoped', `SELECT * FROM plan_benefits`, Reason.SQL_MISSING_MEMBER_SCOPE],
  [
    'cost sharing unscoped',
    `SELECT copay FROM plan_cost_sharing WHERE service_category = 'lab'`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  ['accumulators of another family', `SELECT * FROM accumulators WHERE member_id = ${OTHER}`, Reason.SQL_WRONG_MEMBER],
  [
    'family totals with OR',
    `SELECT * FROM family_accumulators WHERE member_id = ${M} OR plan_year = 2026`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'visit counts unscoped in a sub-query',
    `SELECT * FROM accumulators WHERE member_id = ${M} AND plan_year IN (SELECT plan_year FROM visit_counts)`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'join with the second table unpinned',
    `SELECT * FROM accumulators a JOIN plan_benefits b ON b.plan_year = a.plan_year WHERE a.member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'LEFT JOIN does not pin the table before it',
    `SELECT * FROM accumulators a LEFT JOIN plan_benefits b ON a.member_id = b.member_id AND b.plan_year = a.plan_year WHERE b.member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'USING without member_id pins nothing',
    `SELECT * FROM accumulators a JOIN plan_benefits b USING (plan_year, network) WHERE a.member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'LEFT JOIN USING does not pin the table before it',
    `SELECT p.visit_limit FROM visit_counts v LEFT JOIN plan_cost_sharing p USING (member_id, plan_year, service_category) WHERE p.member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'join key pins nothing when neither side is pinned',
    `SELECT * FROM accumulators a JOIN plan_benefits b ON a.member_id = b.member_id AND b.plan_year = a.plan_year`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'member_id join key inside OR',
    `SELECT * FROM accumulators a JOIN plan_benefits b ON b.plan_year = a.plan_year AND (a.member_id = b.member_id OR a.network = b.network) WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'member_id compared with a non-scope column',
    `SELECT * FROM accumulators a JOIN visit_counts v ON a.member_id = v.visits_used WHERE a.member_id = ${M} AND v.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'member_id inequality between tables',
    `SELECT * FROM accumulators a JOIN plan_benefits b ON b.plan_year = a.plan_year AND a.member_id <> b.member_id WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'reference table cross-joined',
    `SELECT * FROM claims_history c, denial_reasons d WHERE c.member_id = ${M}`,
    Reason.SQL_CARTESIAN_PRODUCT,
  ],
  [
    'reference table has no member_id',
    `SELECT * FROM denial_reasons WHERE member_id = ${M}`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'hidden person_id of accumulators',
    `SELECT person_id FROM accumulators WHERE member_id = ${M}`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'internal base table',
    `SELECT * FROM family_accumulator_totals WHERE member_id = ${M}`,
    Reason.SQL_TABLE_NOT_ALLOWED,
  ],
  ['internal plan table', `SELECT * FROM plan_year_limits`, Reason.SQL_TABLE_NOT_ALLOWED],
  ['plans table', `SELECT * FROM plans`, Reason.SQL_TABLE_NOT_ALLOWED],
  [
    'a CTE may not shadow a new table',
    `WITH accumulators AS (SELECT 1 AS x) SELECT * FROM accumulators`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'RIGHT JOIN with a reference table',
    `SELECT * FROM claims_history c RIGHT JOIN denial_reasons d ON d.reason_code = c.denial_code WHERE c.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
];

describe('member tables beyond claims_history', () => {
  it('every catalog table with a scope column is refused without the scope', () => {
    for (const [name, spec] of Object.entries(MEMBER_TABLES as Record<string, TableSpec>)) {
      const unscoped = validateSql(`SELECT count(*) FROM ${name}`, ctx);
      if (spec.scopeColumn) {
        assert.equal(unscoped.ok, false, name);
        if (!unscoped.ok) assert.equal(unscoped.code, Reason.SQL_MISSING_MEMBER_SCOPE, name);
        const scoped = validateSql(`SELECT count(*) FROM ${name} WHERE ${spec.scopeColumn} = ${M}`, ctx);
        assert.ok(scoped.ok, name);
        const other = validateSql(`SELECT count(*) FROM ${name} WHERE ${spec.scopeColumn} = ${OTHER}`, ctx);
        assert.equal(other.ok ? undefined : other.code, Reason.SQL_WRONG_MEMBER, name);
      } else {
        assert.ok(unscoped.ok, `${name}: reference data needs no scope`);
      }
    }
  });

  for (const sql of ACCEPTED) {
    it(`accepts: ${sql.slice(0, 90)}`, () => {
      const v = validateSql(sql, ctx);
      assert.ok(v.ok, v.ok ? '' : `${v.code}: ${v.reason}`);
    });
  }
  for (const [why, sql, code] of REJECTED) {
    it(`${why} → ${code}`, () => {
      const v = validateSql(sql, ctx);
      assert.equal(v.ok, false, 'expected a rejection');
      if (!v.ok) assert.equal(v.code, code, v.reason);
    });
  }
});

describe('who a query over the new tables is about (family privacy reads it)', () => {
  const family: PersonFacts[] = [
    { name: 'Daniel Whitfield', relationship: 'subscriber' },
    { name: 'Elena Whitfield', relationship: 'spouse' },
    { name: 'Sophie Whitfield', relationship: 'daughter' },
  ];
  const about = (sql: string) => family.filter((p) => mayBeAbout(subjectsOf(sql), p)).map((p) => p.name);
  it('per-person rows are about the people their predicates select', () => {
    assert.deepEqual(
      about(`SELECT oop_met FROM accumulators WHERE member_id = ${M} AND member_name ILIKE '%sophie%'`),
      ['Sophie Whitfield'],
    );
    assert.deepEqual(
      about(`SELECT visits_used FROM visit_counts WHERE member_id = ${M} AND relationship_code = 'spouse'`),
      ['Elena Whitfield'],
    );
    assert.deepEqual(
      about(
        `SELECT a.oop_met, b.oop_max_individual FROM accumulators a JOIN plan_benefits b ON b.member_id = a.member_id AND b.plan_year = a.plan_year WHERE a.member_id = ${M} AND a.relationship_code = 'subscriber'`,
      ),
      ['Daniel Whitfield'],
      'the plan view joined in adds nobody',
    );
  });
  it('family totals (which never hold a hidden amount), plan terms and reference data are about nobody', () => {
    assert.deepEqual(about(`SELECT oop_met FROM family_accumulators WHERE member_id = ${M}`), []);
    assert.deepEqual(
      about(
        `SELECT a.deductible_met, f.deductible_met FROM accumulators a JOIN family_accumulators f ON f.member_id = a.member_id AND f.plan_year = a.plan_year WHERE a.member_id = ${M} AND a.member_name ILIKE '%sophie%'`,
      ),
      ['Sophie Whitfield'],
      'a question about one person stays about that person when the family row is joined in',
    );
    assert.deepEqual(
      about(`SELECT copay FROM plan_cost_sharing WHERE member_id = ${M} AND service_category = 'lab'`),
      [],
    );
    assert.deepEqual(about(`SELECT * FROM plan_benefits WHERE member_id = ${M}`), []);
    assert.deepEqual(about('SELECT explanation FROM denial_reasons'), []);
  });
});
