/**
 * Family privacy (docs/family-privacy.md), enforced by the database for every relationship.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemberScope } from '../../src/core/ports.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const CAP = { rowCap: 10_000 };
const F = DEMO_MEMBER_IDS.family; // -01 subscriber, -02 spouse, -03 daughter 22, -04 son 11
const G = DEMO_MEMBER_IDS.grandparent; // -01 subscriber, -02 son 19, -03 other 9
const T = DEMO_MEMBER_IDS.teenPrivacy; // adult_age 16: -01 subscriber, -02 spouse, -03 daughter 16, -04 son 12

describe('family privacy', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;
  const visiblePeople = async (scope: MemberScope) => {
    const { rows } = await memberDb.runMemberQuery(
      'SELECT DISTINCT person_id FROM claims_history ORDER BY person_id',
      scope,
      CAP,
    );
    return rows.map((r) => String(r.person_id));
  };

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 2 });
  });
  after(async () => {
    await memberDb.close();
    await db.drop();
  });

  const cases: [string, MemberScope, string[]][] = [
    ['subscriber (no person id)', { memberId: F }, [`${F}-01`, `${F}-02`, `${F}-04`]],
    ['subscriber', { memberId: F, personId: `${F}-01` }, [`${F}-01`, `${F}-02`, `${F}-04`]],
    ['spouse', { memberId: F, personId: `${F}-02` }, [`${F}-01`, `${F}-02`, `${F}-04`]],
    ['adult daughter', { memberId: F, personId: `${F}-03` }, [`${F}-03`]],
    ['minor son', { memberId: F, personId: `${F}-04` }, [`${F}-04`]],
    ['subscriber with an adult son and a minor "other"', { memberId: G }, [`${G}-01`, `${G}-03`]],
    ['adult son', { memberId: G, personId: `${G}-02` }, [`${G}-02`]],
    ['minor "other"', { memberId: G, personId: `${G}-03` }, [`${G}-03`]],
    ['subscriber on a plan with adult_age 16', { memberId: T }, [`${T}-01`, `${T}-02`, `${T}-04`]],
    ['16-year-old on that plan', { memberId: T, personId: `${T}-03` }, [`${T}-03`]],
  ];
  for (const [name, scope, expected] of cases) {
    test(`${name} sees ${expected.length} people's claims`, async () => {
      assert.deepEqual(await visiblePeople(scope), expected);
    });
  }

  test('an empty answer that hides someone else\'s claims is "withheld"', async () => {
    const sophie = { memberId: F, personId: `${F}-03` };
    const hidden = await memberDb.runMemberQuery(
      "SELECT * FROM claims_history WHERE member_name LIKE 'Daniel%'",
      sophie,
      CAP,
    );
    assert.deepEqual(hidden, { rows: [], truncated: false, withheld: true });

    const parentAskingAboutAdult = await memberDb.runMemberQuery(
      "SELECT claim_date FROM claims_history WHERE relationship_code = 'daughter'",
      { memberId: F },
      CAP,
    );
    assert.deepEqual(parentAskingAboutAdult, { rows: [], truncated: false, withheld: true });

    const minorAskingAboutParent = await memberDb.runMemberQuery(
      "SELECT * FROM claims_history WHERE relationship_code = 'spouse'",
      { memberId: F, personId: `${F}-04` },
      CAP,
    );
    assert.equal(minorAskingAboutParent.withheld, true);
  });

  test('an aggregate over hidden claims (count 0, sum null) is "withheld", not a false "none"', async () => {
    const count = await memberDb.runMemberQuery(
      "SELECT count(*) AS claim_count FROM claims_history WHERE relationship_code = 'daughter'",
      { memberId: F },
      CAP,
    );
    assert.deepEqual(count, { rows: [{ claim_count: 0 }], truncated: false, withheld: true });
    const sum = await memberDb.runMemberQuery(
      "SELECT sum(allowed_amount) AS total FROM claims_history WHERE relationship_code = 'daughter'",
      { memberId: F },
      CAP,
    );
    assert.equal(sum.withheld, true);
    // Zero for a visible person with nothing to hide stays an ordinary answer.
    const visibleZero = await memberDb.runMemberQuery(
      "SELECT count(*) AS claim_count FROM claims_history WHERE provider_name = 'No Such Clinic'",
      { memberId: F },
      CAP,
    );
    assert.deepEqual(visibleZero, { rows: [{ claim_count: 0 }], truncated: false, withheld: false });
  });

  test('a truly empty answer is not "withheld"', async () => {
    const none = await memberDb.runMemberQuery(
      "SELECT * FROM claims_history WHERE provider_name = 'No Such Clinic'",
      { memberId: F, personId: `${F}-03` },
      CAP,
    );
    assert.deepEqual(none, { rows: [], truncated: false, withheld: false });
    // Another family's claims are not "withheld" either: the family-wide check stays in the family.
    const other = await adminQuery<{ name: string }>(
      db.adminUrl,
      'SELECT member_name AS name FROM claims_history WHERE member_id = $1 LIMIT 1',
      [DEMO_MEMBER_IDS.single],
    );
    const name = other.rows[0]?.name ?? '';
    const elsewhere = await memberDb.runMemberQuery(
      `SELECT * FROM claims_history WHERE member_name = '${name.replaceAll("'", "''")}'`,
      { memberId: F },
      CAP,
    );
    assert.deepEqual(elsewhere, { rows: [], truncated: false, withheld: false });
  });

  test('a plan that hides minors from guardians is honoured', async () => {
    await adminQuery(db.adminUrl, "UPDATE plan_policies SET guardians_see_minors = false WHERE plan_id = 'GOLD-PPO'");
    try {
      assert.deepEqual(await visiblePeople({ memberId: F }), [`${F}-01`, `${F}-02`]);
    } finally {
      await adminQuery(db.adminUrl, "UPDATE plan_policies SET guardians_see_minors = true WHERE plan_id = 'GOLD-PPO'");
    }
  });

  test('a dependent becomes private on their 18th birthday, not a day before', async () => {
    const S = DEMO_MEMBER_IDS.single;
    await adminQuery(
      db.adminUrl,
      `INSERT INTO people (person_id, member_id, first_name, last_name, relationship_code, birth_date) VALUES
         ('${S}-02', ${S}, 'Ada', 'Raman', 'daughter', (current_date - interval '18 years')::date),
         ('${S}-03', ${S}, 'Ben', 'Raman', 'son', (current_date - interval '18 years' + interval '1 day')::date)`,
    );
    await adminQuery(
      db.adminUrl,
      `INSERT INTO claims_history (member_id, person_id, member_name, relationship_code, claim_type, claim_date,
         provider_name, diagnosis_code, procedure_code, charged_amount, allowed_amount, plan_paid_amount,
         patient_responsibility)
       SELECT ${S}, p.person_id, p.first_name || ' ' || p.last_name, p.relationship_code, 'Medical', current_date,
              'Riverside Family Medicine', 'Z00.00', '99395', 200, 150, 120, 30
       FROM people p WHERE p.person_id IN ('${S}-02', '${S}-03')`,
    );
    assert.deepEqual(await visiblePeople({ memberId: S }), [`${S}-01`, `${S}-03`]);
    assert.deepEqual(await visiblePeople({ memberId: S, personId: `${S}-02` }), [`${S}-02`]);
  });

  test('a person id of another family is refused', async () => {
    await assert.rejects(memberDb.runMemberQuery('SELECT 1 AS one', { memberId: F, personId: `${G}-01` }, CAP), {
      name: 'DbScopeError',
    });
    await assert.rejects(memberDb.runMemberQuery('SELECT 1 AS one', { memberId: F, personId: `${F}-09` }, CAP), {
      name: 'DbScopeError',
    });
  });

  test('describeAsker names the signed-in person', async () => {
    assert.deepEqual(await memberDb.describeAsker({ memberId: F }), {
      name: 'Daniel Whitfield',
      relationship: 'subscriber',
    });
    assert.deepEqual(await memberDb.describeAsker({ memberId: F, personId: `${F}-03` }), {
      name: 'Sophie Whitfield',
      relationship: 'daughter',
    });
    assert.equal(await memberDb.describeAsker({ memberId: '9999999990' }), undefined);
  });
});
