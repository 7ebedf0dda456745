/**
 * Family privacy on the benefit tables, enforced by the database alone (PgMemberDb, no validator):
 * per-person rows follow the family-privacy rule, plan terms are the family's own, and a family
 * total is the family's own only for someone who may see everyone; for anyone else it is the sum
 * over the people they may see. Then the oracle test: change everything about a person someone may
 * not see (their claims, accumulators, visit counts and the family totals they are part of) and
 * every answer that someone can get from any member relation stays byte for byte the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemberScope, Row } from '../../src/core/ports.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { MEMBER_TABLES, type TableSpec } from '../../src/schema/catalog.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const CAP = { rowCap: 10_000 };
const CATALOG = MEMBER_TABLES as Record<string, TableSpec>;
const DEMO = Object.values(DEMO_MEMBER_IDS);

/** Every catalog column of a relation, every row, in a stable order: what a member can get from it. */
function everything(table: string): string {
  const cols = Object.keys(CATALOG[table]?.columns ?? {});
  return `SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`;
}

describe('family privacy on benefits and accumulators', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;
  let people: { member_id: string; person_id: string; name: string; visible: string[]; all: boolean }[];
  const rowsAs = async (scope: MemberScope, sql: string): Promise<Row[]> =>
    (await memberDb.runMemberQuery(sql, scope, CAP)).rows;

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 2 });
    people = (
      await adminQuery<{ member_id: string; person_id: string; name: string; visible: string[]; all: boolean }>(
        db.adminUrl,
        `SELECT p.member_id::text, p.person_id, p.first_name || ' ' || p.last_name AS name,
                app.visible_person_ids(p.member_id, p.person_id) AS visible,
                cardinality(app.visible_person_ids(p.member_id, p.person_id))
                  = (SELECT count(*) FROM people o WHERE o.member_id = p.member_id) AS all
         FROM people p WHERE p.member_id = ANY ($1::bigint[]) ORDER BY p.person_id`,
        [DEMO],
      )
    ).rows;
  });
  after(async () => {
    await memberDb.close();
    await db.drop();
  });

  test('the demo families have people who see everyone and people who do not', () => {
    assert.equal(people.length, 12);
    assert.ok(people.some((p) => p.all) && people.some((p) => !p.all));
  });

  test('per-person rows (accumulators, visit counts) are exactly those of the people one may see', async () => {
    for (const p of people) {
      const scope = { memberId: p.member_id, personId: p.person_id };
      const expected = (
        await adminQuery<{ name: string }>(
          db.adminUrl,
          "SELECT first_name || ' ' || last_name AS name FROM people WHERE person_id = ANY ($1::text[]) ORDER BY 1",
          [p.visible],
        )
      ).rows.map((r) => r.name);
      for (const table of ['accumulators', 'visit_counts']) {
        const seen = await rowsAs(scope, `SELECT DISTINCT member_name FROM ${table} ORDER BY 1`);
        assert.deepEqual(
          seen.map((r) => r.member_name),
          expected,
          `${p.person_id} ${table}`,
        );
      }
    }
  });

  test("plan terms are the family's own plan, the same for everyone in it, and nobody else's", async () => {
    for (const p of people) {
      const scope = { memberId: p.member_id, personId: p.person_id };
      const limits = await rowsAs(scope, everything('plan_benefits'));
      const own = await adminQuery<{ n: number }>(
        db.adminUrl,
        `SELECT count(*)::int AS n FROM plan_year_limits l JOIN families f ON f.plan_id = l.plan_id
         WHERE f.member_id = $1`,
        [p.member_id],
      );
      assert.equal(limits.length, own.rows[0]?.n, p.person_id);
      assert.ok(limits.every((r) => String(r.member_id) === p.member_id));
      const services = await rowsAs(scope, everything('plan_cost_sharing'));
      assert.ok(services.length >= 13 * 4, `${p.person_id}: ${services.length} cost-sharing rows`);
      assert.ok(services.every((r) => String(r.member_id) === p.member_id));
      const other = await rowsAs(scope, `SELECT count(*) AS n FROM plan_benefits WHERE member_id <> ${p.member_id}`);
      assert.equal(Number(other[0]?.n), 0);
    }
  });

  test('a family total is the real one only for someone who sees everyone; otherwise the sum over whom they see', async () => {
    for (const p of people) {
      const scope = { memberId: p.member_id, personId: p.person_id };
      const rows = await rowsAs(
        scope,
        'SELECT plan_year, network, deductible_met, oop_met, people_included, includes_everyone FROM family_accumulators ORDER BY 1, 2',
      );
      const expected = await adminQuery<Row>(
        db.adminUrl,
        p.all
          ? `SELECT plan_year, network, deductible_met, oop_met,
                    (SELECT count(*) FROM people o WHERE o.member_id = t.member_id)::int AS people_included,
                    true AS includes_everyone
             FROM family_accumulator_totals t WHERE member_id = $1 AND $2::text[] IS NOT NULL ORDER BY 1, 2`
          : `SELECT plan_year, network, sum(deductible_met)::numeric(10,2) AS deductible_met,
                    sum(oop_met)::numeric(10,2) AS oop_met, count(*)::int AS people_included, false AS includes_everyone
             FROM accumulators WHERE member_id = $1 AND person_id = ANY ($2::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
        [p.member_id, p.visible],
      );
      assert.deepEqual(
        rows.map((r) => JSON.stringify(Object.values(r).map(String))),
        expected.rows.map((r) => JSON.stringify(Object.values(r).map(String))),
        p.person_id,
      );
      assert.ok(rows.length >= 4, p.person_id);
    }
  });

  test('the tables behind the views, and person_id, cannot be read by the member role', async () => {
    for (const sql of [
      'SELECT * FROM family_accumulator_totals',
      'SELECT * FROM plan_year_limits',
      'SELECT * FROM plan_service_benefits',
      'SELECT person_id FROM accumulators',
      'SELECT * FROM visit_counts',
    ]) {
      await assert.rejects(memberDb.runMemberQuery(sql, { memberId: DEMO_MEMBER_IDS.single }, CAP), sql);
    }
  });

  test('the views work without USAGE on schema app (the member role may lose it; functions are called by OID)', async () => {
    const scope = { memberId: DEMO_MEMBER_IDS.family, personId: `${DEMO_MEMBER_IDS.family}-02` };
    const before = await Promise.all(
      ['plan_benefits', 'plan_cost_sharing', 'family_accumulators'].map((t) => rowsAs(scope, everything(t))),
    );
    await adminQuery(db.adminUrl, 'REVOKE USAGE ON SCHEMA app FROM claims_member');
    try {
      const after = await Promise.all(
        ['plan_benefits', 'plan_cost_sharing', 'family_accumulators'].map((t) => rowsAs(scope, everything(t))),
      );
      assert.deepEqual(after, before);
      assert.ok(after.every((rows) => rows.length > 0));
    } finally {
      await adminQuery(db.adminUrl, 'GRANT USAGE ON SCHEMA app TO claims_member');
    }
  });

  test('without a scope row the views and tables show nothing', async () => {
    const res = await adminQuery<{ n: number }>(
      db.adminUrl,
      `BEGIN; SET LOCAL ROLE claims_member;
       SELECT (SELECT count(*) FROM plan_benefits) + (SELECT count(*) FROM plan_cost_sharing)
            + (SELECT count(*) FROM family_accumulators) + (SELECT count(member_id) FROM accumulators)
            + (SELECT count(member_id) FROM visit_counts) + (SELECT count(*) FROM claims_history) AS n;
       ROLLBACK;`,
    ).catch((e: Error) => e);
    // A multi-statement text returns the last result; read the SELECT's.
    const rows = Array.isArray(res) ? (res[2] as { rows: { n: string }[] }).rows : [];
    assert.equal(Number(rows[0]?.n), 0);
  });
});

describe('no oracle: changing a hidden person changes nothing anyone who may not see them can read', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 2 });
  });
  after(async () => {
    await memberDb.close();
    await db.drop();
  });

  /** Everything a person can read from every member relation, plus the aggregate shapes members ask for. */
  const snapshot = async (scope: MemberScope): Promise<string> => {
    const queries = [
      ...Object.keys(CATALOG).map(everything),
      'SELECT sum(deductible_met), sum(oop_met), count(*) FROM accumulators',
      'SELECT plan_year, sum(oop_met) FROM family_accumulators GROUP BY 1 ORDER BY 1',
      "SELECT count(*), sum(charged_amount) FROM claims_history WHERE claim_status IN ('denied', 'pending')",
      'SELECT sum(visits_used) FROM visit_counts',
    ];
    const out: Row[][] = [];
    for (const q of queries) out.push((await memberDb.runMemberQuery(q, scope, CAP)).rows);
    return JSON.stringify(out);
  };

  // [who asks, the person they may not see]
  const pairs: [string, MemberScope, string][] = [
    ['subscriber about the adult daughter', { memberId: '1000000001', personId: '1000000001-01' }, '1000000001-03'],
    ['spouse about the adult daughter', { memberId: '1000000001', personId: '1000000001-02' }, '1000000001-03'],
    ['minor son about his father', { memberId: '1000000001', personId: '1000000001-04' }, '1000000001-01'],
    ['adult daughter about her mother', { memberId: '1000000001', personId: '1000000001-03' }, '1000000001-02'],
    ['grandparent about the adult son', { memberId: '1000000003', personId: '1000000003-01' }, '1000000003-02'],
    ['adult son about the grandchild', { memberId: '1000000003', personId: '1000000003-02' }, '1000000003-03'],
    [
      '16-year-old (adult on her plan) about her father',
      { memberId: '1000000004', personId: '1000000004-03' },
      '1000000004-02',
    ],
    ['parent about the 16-year-old', { memberId: '1000000004', personId: '1000000004-01' }, '1000000004-03'],
  ];

  for (const [name, scope, hidden] of pairs) {
    test(name, async () => {
      const before = await snapshot(scope);
      // Everything about the hidden person moves: accumulators, visit counts, claims (amounts,
      // status, a new denied claim) and the family totals that include them.
      await adminQuery(
        db.adminUrl,
        `BEGIN;
         UPDATE accumulators SET deductible_met = deductible_met + 111.11, oop_met = oop_met + 222.22
           WHERE person_id = '${hidden}';
         UPDATE family_accumulator_totals SET deductible_met = deductible_met + 111.11, oop_met = oop_met + 222.22
           WHERE member_id = ${scope.memberId};
         UPDATE visit_counts SET visits_used = visits_used + 3 WHERE person_id = '${hidden}';
         UPDATE claims_history SET claim_status = 'adjusted', processed_date = claim_date + 1,
           coinsurance_amount = coinsurance_amount + least(not_covered_amount, 1),
           not_covered_amount = not_covered_amount - least(not_covered_amount, 1)
           WHERE person_id = '${hidden}' AND claim_status = 'paid';
         INSERT INTO claims_history (member_id, person_id, member_name, relationship_code, claim_type, claim_date,
           provider_name, diagnosis_code, procedure_code, charged_amount, allowed_amount, plan_paid_amount,
           patient_responsibility, claim_status, processed_date, denial_code, service_category)
         SELECT member_id, person_id, first_name || ' ' || last_name, relationship_code, 'Medical', current_date - 3,
           'Willow Creek Behavioral Health', 'F41.1', '90834', 250, 0, 0, 0, 'denied', current_date, '197', 'mental_health'
         FROM people WHERE person_id = '${hidden}';
         COMMIT;`,
      );
      assert.equal(await snapshot(scope), before);
    });
  }

  test('control: the same change IS visible to someone who may see that person', async () => {
    const daniel = { memberId: '1000000001', personId: '1000000001-01' };
    const before = await snapshot(daniel);
    await adminQuery(
      db.adminUrl,
      "UPDATE accumulators SET oop_met = oop_met + 1 WHERE person_id = '1000000001-04' AND plan_year = extract(year FROM current_date)::int AND network = 'in_network'",
    );
    assert.notEqual(await snapshot(daniel), before);
  });
});
