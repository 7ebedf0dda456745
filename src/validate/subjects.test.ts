import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mayBeAbout, type PersonFacts, subjectsOf } from './subjects.ts';

const M = 1000000001;
const FAMILY: PersonFacts[] = [
  { name: 'Daniel Whitfield', relationship: 'subscriber' },
  { name: 'Elena Whitfield', relationship: 'spouse' },
  { name: 'Sophie Whitfield', relationship: 'daughter' },
  { name: 'Lucas Whitfield', relationship: 'son' },
  { name: "Amara O'Hara", relationship: 'other' },
];
const EVERYONE = FAMILY.map((p) => p.name);

/** The names of the family people the SQL may be about. */
const about = (sql: string) => FAMILY.filter((p) => mayBeAbout(subjectsOf(sql), p)).map((p) => p.name);
const where = (predicate: string) => `SELECT count(*) FROM claims_history WHERE member_id = ${M} AND ${predicate}`;

describe('who a query is about', () => {
  const cases: [string, string, string[]][] = [
    ['relationship equality', where("relationship_code = 'daughter'"), ['Sophie Whitfield']],
    ['literal on the left', where("'daughter' = relationship_code"), ['Sophie Whitfield']],
    ['IN list', where("relationship_code IN ('son', 'daughter')"), ['Sophie Whitfield', 'Lucas Whitfield']],
    ['= ANY (ARRAY[...])', where("relationship_code = ANY (ARRAY['son'])"), ['Lucas Whitfield']],
    [
      'NOT IN',
      where("relationship_code NOT IN ('son', 'daughter')"),
      ['Daniel Whitfield', 'Elena Whitfield', "Amara O'Hara"],
    ],
    ['<>', where("relationship_code <> 'daughter'"), EVERYONE.filter((n) => n !== 'Sophie Whitfield')],
    ['NOT (...)', where("NOT (relationship_code = 'daughter')"), EVERYONE.filter((n) => n !== 'Sophie Whitfield')],
    ['exact name', where("member_name = 'Sophie Whitfield'"), ['Sophie Whitfield']],
    ['name with a quote', where("member_name = 'Amara O''Hara'"), ["Amara O'Hara"]],
    ['ILIKE', where("member_name ILIKE '%sophie%'"), ['Sophie Whitfield']],
    ['LIKE is case-sensitive', where("member_name LIKE '%sophie%'"), []],
    ['LIKE with _', where("member_name LIKE 'L_cas %'"), ['Lucas Whitfield']],
    ['NOT LIKE', where("member_name NOT LIKE 'Sophie%'"), EVERYONE.filter((n) => n !== 'Sophie Whitfield')],
    ['lower(...)', where("lower(member_name) = 'sophie whitfield'"), ['Sophie Whitfield']],
    ['upper(trim(...))', where("upper(trim(member_name)) LIKE 'ELENA%'"), ['Elena Whitfield']],
    ['cast literal', where("relationship_code = 'son'::text"), ['Lucas Whitfield']],
    [
      'qualified by alias',
      `SELECT c.claim_id FROM claims_history c WHERE c.member_id = ${M} AND c.relationship_code = 'son'`,
      ['Lucas Whitfield'],
    ],
    ['AND of two person predicates', where("relationship_code = 'son' AND member_name ILIKE 'sophie%'"), []],
    [
      'OR of two person predicates',
      where("(relationship_code = 'son' OR member_name ILIKE 'sophie%')"),
      ['Sophie Whitfield', 'Lucas Whitfield'],
    ],
    [
      'other predicates do not narrow',
      where("relationship_code = 'daughter' AND diagnosis_code = 'Z23' AND claim_date >= '2024-01-01'"),
      ['Sophie Whitfield'],
    ],
    [
      'a CTE names its people',
      `WITH d AS (SELECT claim_id FROM claims_history WHERE member_id = ${M} AND relationship_code = 'daughter') SELECT count(*) FROM d`,
      ['Sophie Whitfield'],
    ],
    [
      'UNION: both branches',
      `SELECT claim_id FROM claims_history WHERE member_id = ${M} AND relationship_code = 'son' UNION ALL SELECT claim_id FROM claims_history WHERE member_id = ${M} AND relationship_code = 'spouse'`,
      ['Elena Whitfield', 'Lucas Whitfield'],
    ],
    [
      'self-join: both sides',
      `SELECT count(*) FROM claims_history a JOIN claims_history b ON a.claim_date = b.claim_date WHERE a.member_id = ${M} AND b.member_id = ${M} AND a.relationship_code = 'subscriber' AND b.relationship_code = 'son'`,
      ['Daniel Whitfield', 'Lucas Whitfield'],
    ],
    [
      'inner-join ON narrows',
      `SELECT count(*) FROM claims_history a JOIN claims_history b ON a.claim_date = b.claim_date AND b.relationship_code = 'son' AND a.relationship_code = 'son' WHERE a.member_id = ${M} AND b.member_id = ${M}`,
      ['Lucas Whitfield'],
    ],
    ['no member table', 'SELECT 1 AS one', []],
  ];
  for (const [name, sql, expected] of cases) {
    test(name, () => assert.deepEqual(about(sql), expected));
  }
});

describe('anything it cannot read with confidence is about everyone', () => {
  const cases: [string, string][] = [
    ['no person predicate', `SELECT count(*) FROM claims_history WHERE member_id = ${M}`],
    ['OR with a claim predicate', where("(relationship_code = 'daughter' OR claim_type = 'RX')")],
    [
      'a predicate outside the SELECT that reads the table',
      `WITH d AS (SELECT * FROM claims_history WHERE member_id = ${M}) SELECT count(*) FROM d WHERE relationship_code = 'daughter'`,
    ],
    [
      'outer query narrows, inner reference does not',
      where(`claim_id IN (SELECT claim_id FROM claims_history WHERE member_id = ${M})`) +
        " AND relationship_code = 'son'",
    ],
    [
      'HAVING',
      `SELECT relationship_code, count(*) FROM claims_history WHERE member_id = ${M} GROUP BY relationship_code HAVING relationship_code = 'son'`,
    ],
    ['FILTER', `SELECT count(*) FILTER (WHERE relationship_code = 'son') FROM claims_history WHERE member_id = ${M}`],
    ['concatenation', where("member_name = 'Sophie' || ' Whitfield'")],
    ['comparison other than equality', where("member_name > 'S'")],
    [
      'LEFT JOIN ON does not narrow the left side',
      `SELECT count(*) FROM claims_history a LEFT JOIN claims_history b ON b.claim_id = a.claim_id AND a.relationship_code = 'son' WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    ],
    ['unparseable', 'SELECT FROM WHERE ((('],
  ];
  for (const [name, sql] of cases) {
    test(name, () => assert.deepEqual(about(sql), EVERYONE));
  }

  test('case rules outside ASCII are not guessed', () => {
    const zoe = { name: 'Zoë Whitfield', relationship: 'other' };
    const sophie = { name: 'Sophie Whitfield', relationship: 'daughter' };
    const subjects = subjectsOf(where("member_name ILIKE 'sophie%'"));
    assert.equal(mayBeAbout(subjects, zoe), true, 'ILIKE on a non-ASCII name: cannot tell, so included');
    assert.equal(mayBeAbout(subjects, sophie), true);
    assert.equal(mayBeAbout(subjectsOf(where("member_name = 'Sophie Whitfield'")), zoe), false, 'exact match is exact');
  });

  test('a correlated reference to an outer table does not narrow the inner one', () => {
    const sql = `SELECT count(*) FROM claims_history o WHERE o.member_id = ${M} AND EXISTS (SELECT 1 FROM claims_history i WHERE i.member_id = ${M} AND o.relationship_code = 'son')`;
    assert.deepEqual(about(sql), EVERYONE);
  });
});
