/**
 * The seeded accumulators agree with the seeded claims, checked with SQL written apart from the
 * generator (src/db/seed/benefits.ts): each person's deductible and out-of-pocket totals are the sums
 * of their processed claims' split, the family's are the sums over its people, the totals stay
 * within the plan year's limits, and each claim's split follows its plan's cost-sharing rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { listFamiliesWithBenefits } from '../../src/db/families.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

/** Processed claims that moved the accumulators, with their plan year. */
const PROCESSED = `
  SELECT c.*, extract(year FROM c.claim_date)::int AS plan_year
  FROM claims_history c WHERE c.claim_status IN ('paid', 'adjusted')`;

describe('accumulators are consistent with the seeded claims', () => {
  let db: TestDatabase;
  const count = async (sql: string, values?: unknown[]) =>
    (await adminQuery<{ n: number }>(db.adminUrl, `SELECT count(*)::int AS n FROM (${sql}) x`, values)).rows[0]?.n;

  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  test('there is something to check: accumulators for every person, plan year and network their plan covers', async () => {
    const res = await adminQuery<{ people: number; rows: number; nonzero: number; families: number }>(
      db.adminUrl,
      `SELECT (SELECT count(*) FROM people)::int AS people, count(*)::int AS rows,
              count(*) FILTER (WHERE oop_met > 0)::int AS nonzero,
              (SELECT count(*) FROM family_accumulator_totals)::int AS families
       FROM accumulators`,
    );
    const r = res.rows[0];
    assert.ok(r && r.people > 1000 && r.rows >= r.people * 4, JSON.stringify(r));
    assert.ok(r.nonzero > r.people, 'most people have met something in some year');
    assert.equal(
      await count(`SELECT p.person_id, l.plan_year, l.network FROM people p JOIN families f USING (member_id)
                   JOIN plan_year_limits l ON l.plan_id = f.plan_id
                   EXCEPT SELECT person_id, plan_year, network FROM accumulators`),
      0,
      'a row for every person, plan year and covered network',
    );
  });

  test("each person's deductible and out-of-pocket totals are the sums of their processed claims' split", async () => {
    const mismatches = await count(`
      SELECT a.person_id, a.plan_year, a.network
      FROM accumulators a
      LEFT JOIN (
        SELECT person_id, plan_year, network, sum(deductible_amount) AS ded,
               sum(deductible_amount + copay_amount + coinsurance_amount) AS oop
        FROM (${PROCESSED}) c GROUP BY person_id, plan_year, network
      ) s ON s.person_id = a.person_id AND s.plan_year = a.plan_year AND s.network = a.network
      WHERE a.deductible_met <> coalesce(s.ded, 0) OR a.oop_met <> coalesce(s.oop, 0)`);
    assert.equal(mismatches, 0);
    // And no processed claim's split is left out of them (a claim outside every accumulator row).
    assert.equal(
      await count(`SELECT 1 FROM (${PROCESSED}) c WHERE c.deductible_amount + c.copay_amount + c.coinsurance_amount > 0
                   AND NOT EXISTS (SELECT 1 FROM accumulators a WHERE a.person_id = c.person_id
                                   AND a.plan_year = c.plan_year AND a.network = c.network)`),
      0,
    );
  });

  test("each family's totals are the sums over its people", async () => {
    assert.equal(
      await count(`
        SELECT t.member_id FROM family_accumulator_totals t
        JOIN (SELECT member_id, plan_year, network, sum(deductible_met) AS ded, sum(oop_met) AS oop
              FROM accumulators GROUP BY 1, 2, 3) s
          ON s.member_id = t.member_id AND s.plan_year = t.plan_year AND s.network = t.network
        WHERE t.deductible_met <> s.ded OR t.oop_met <> s.oop`),
      0,
    );
  });

  test("totals stay within the plan year's deductibles and out-of-pocket maximums", async () => {
    // Individual deductible: embedded plans, and anyone alone on a plan; an aggregate family
    // deductible has no individual part. Out-of-pocket maximums are embedded on every plan.
    assert.equal(
      await count(`
        SELECT a.person_id FROM accumulators a
        JOIN families f ON f.member_id = a.member_id JOIN plans p ON p.plan_id = f.plan_id
        JOIN plan_year_limits l ON l.plan_id = f.plan_id AND l.plan_year = a.plan_year AND l.network = a.network
        WHERE a.oop_met > l.oop_max_individual
           OR (a.deductible_met > l.deductible_individual
               AND (p.family_deductible_kind = 'embedded'
                    OR (SELECT count(*) FROM people o WHERE o.member_id = a.member_id) = 1))`),
      0,
    );
    assert.equal(
      await count(`
        SELECT t.member_id FROM family_accumulator_totals t
        JOIN families f ON f.member_id = t.member_id
        JOIN plan_year_limits l ON l.plan_id = f.plan_id AND l.plan_year = t.plan_year AND l.network = t.network
        WHERE t.deductible_met > l.deductible_family OR t.oop_met > l.oop_max_family`),
      0,
    );
    // Somebody reaches a limit: the cap is exercised, not vacuous.
    assert.ok(
      ((await count(`
        SELECT a.person_id FROM accumulators a JOIN families f ON f.member_id = a.member_id
        JOIN plan_year_limits l ON l.plan_id = f.plan_id AND l.plan_year = a.plan_year AND l.network = a.network
        WHERE a.deductible_met = l.deductible_individual`)) ?? 0) > 0,
    );
  });

  test("each claim's split follows its plan's cost-sharing rule for its service and network", async () => {
    const broken = await count(`
      SELECT c.claim_id
      FROM (${PROCESSED}) c
      JOIN families f ON f.member_id = c.member_id
      JOIN plan_service_benefits b ON b.plan_id = f.plan_id AND b.plan_year = c.plan_year
        AND b.service_category = c.service_category AND b.network = c.network
      WHERE (c.deductible_amount > 0 AND NOT b.deductible_applies)
         OR c.copay_amount > coalesce(b.copay, 0)
         OR c.coinsurance_amount > round((c.allowed_amount - c.deductible_amount - c.copay_amount)
                                         * coalesce(b.coinsurance_percent, 0) / 100.0, 2) + 0.01
         OR (NOT b.covered AND c.deductible_amount + c.copay_amount + c.coinsurance_amount > 0)
         OR c.not_covered_amount IS DISTINCT FROM
            c.patient_responsibility - c.deductible_amount - c.copay_amount - c.coinsurance_amount`);
    assert.equal(broken, 0);
    assert.equal(await count(`SELECT 1 FROM claims_history WHERE service_category IS NULL`), 0);
  });

  test('visit counts are the processed claims of each limited service, per person and plan year', async () => {
    assert.equal(
      await count(`
        SELECT v.person_id FROM visit_counts v
        WHERE v.visits_used <> (SELECT count(*) FROM (${PROCESSED}) c
                                WHERE c.person_id = v.person_id AND c.plan_year = v.plan_year
                                  AND c.service_category = v.service_category)`),
      0,
    );
    assert.equal(
      await count(`SELECT DISTINCT v.service_category FROM visit_counts v
                   EXCEPT SELECT DISTINCT service_category FROM plan_service_benefits WHERE visit_limit IS NOT NULL`),
      0,
    );
  });

  test('denied and pending claims pay nothing and move nothing; every demo person has one of each', async () => {
    assert.equal(
      await count(`SELECT 1 FROM claims_history WHERE claim_status IN ('denied', 'pending')
                   AND (plan_paid_amount <> 0 OR patient_responsibility <> 0 OR allowed_amount <> 0)`),
      0,
    );
    const demo = await adminQuery<{ person_id: string; denied: number; pending: number }>(
      db.adminUrl,
      `SELECT p.person_id, count(*) FILTER (WHERE c.claim_status = 'denied')::int AS denied,
              count(*) FILTER (WHERE c.claim_status = 'pending')::int AS pending
       FROM people p LEFT JOIN claims_history c ON c.person_id = p.person_id
       WHERE p.member_id BETWEEN 1000000001 AND 1000000004 GROUP BY p.person_id ORDER BY 1`,
    );
    assert.equal(demo.rows.length, 12);
    for (const r of demo.rows) assert.ok(r.denied >= 1 && r.pending >= 1, JSON.stringify(r));
  });

  test('claims members lists each family with its plan and accumulators (family = sum of its people)', async () => {
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
    try {
      const families = await listFamiliesWithBenefits(pool);
      const demo = families.find((f) => f.memberId === '1000000003');
      assert.equal(demo?.plan.type, 'HDHP');
      assert.equal(demo?.plan.familyDeductibleKind, 'aggregate');
      assert.equal(demo?.plan.deductibleIndividual, '3200.00');
      for (const f of families) {
        assert.ok(f.accumulators.family, f.memberId);
        const sum = Object.values(f.accumulators.people).reduce((s, a) => s + Math.round(Number(a.oopMet) * 100), 0);
        assert.equal(sum, Math.round(Number(f.accumulators.family?.oopMet) * 100), f.memberId);
        assert.equal(Object.keys(f.accumulators.people).length, f.people.length, f.memberId);
      }
    } finally {
      await pool.end();
    }
  });
});
