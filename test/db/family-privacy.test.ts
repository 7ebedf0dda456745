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
  /** person_id by name, read as the superuser (member SQL cannot read person_id). */
  let personIdByName: Map<string, string>;
  const visiblePeople = async (scope: MemberScope) => {
    const { rows } = await memberDb.runMemberQuery(
      'SELECT DISTINCT member_name FROM claims_history ORDER BY member_name',
      scope,
      CAP,
    );
    return rows.map((r) => personIdByName.get(String(r.member_name)) ?? '?').sort();
  };

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 2 });
    const people = await adminQuery<{ person_id: string; name: string }>(
      db.adminUrl,
      `SELECT person_id, first_name || ' ' || last_name AS name FROM people WHERE member_id IN (${F}, ${G}, ${T}, ${DEMO_MEMBER_IDS.single})`,
    );
    personIdByName = new Map(people.rows.map((p) => [p.name, p.person_id]));
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
    test(`${name}: the roster marks exactly those people visible`, async () => {
      const roster = await memberDb.roster(scope);
      const ids = roster.map((p) => personIdByName.get(p.name) ?? '?');
      const family = [...personIdByName.values()].filter((id) => id.startsWith(`${scope.memberId}-`)).sort();
      assert.deepEqual([...ids].sort(), family, 'everyone in the family, nobody else');
      assert.deepEqual(ids.filter((_, i) => roster[i]?.visible).sort(), expected);
      const self = roster.filter((p) => p.self).map((p) => personIdByName.get(p.name));
      assert.deepEqual(self, [scope.personId ?? `${scope.memberId}-01`]);
    });
  }

  test('an empty answer is the same whether or not hidden claims would match (no oracle)', async () => {
    // The reproduction: a parent asking about an adult daughter's diagnosis.
    const daughterHad = await adminQuery<{ code: string }>(
      db.adminUrl,
      `SELECT diagnosis_code AS code FROM claims_history WHERE person_id = '${F}-03' LIMIT 1`,
    );
    const had = daughterHad.rows[0]?.code ?? '';
    assert.notEqual(had, '');
    const ask = (code: string) =>
      memberDb.runMemberQuery(
        `SELECT count(*) AS n FROM claims_history WHERE member_id = ${F} AND relationship_code = 'daughter' AND diagnosis_code = '${code}'`,
        { memberId: F },
        CAP,
      );
    assert.deepEqual(await ask(had), { rows: [{ n: 0 }], truncated: false });
    assert.deepEqual(await ask('Q99.99'), { rows: [{ n: 0 }], truncated: false });
  });

  test('the family-wide scope that made the oracle is gone from the database', async () => {
    await assert.rejects(
      adminQuery(db.adminUrl, `BEGIN; SET LOCAL ROLE claims_app; SELECT app.open_scope(${F}, NULL, true); ROLLBACK`),
      { code: 'CL002' },
    );
  });

  test('the roster is for trusted code only: the member role cannot call it', async () => {
    await assert.rejects(memberDb.runMemberQuery(`SELECT * FROM app.family_roster(${F}, NULL)`, { memberId: F }, CAP), {
      name: 'DbQueryError',
    });
    assert.deepEqual(await memberDb.roster({ memberId: F, personId: `${F}-09` }), [], 'unknown person: nobody');
  });

  test('a plan that hides minors from guardians is honoured', async () => {
    await adminQuery(db.adminUrl, "UPDATE plan_policies SET guardians_see_minors = false WHERE plan_id = 'GOLD-PPO'");
    try {
      assert.deepEqual(await visiblePeople({ memberId: F }), [`${F}-01`, `${F}-02`]);
      const roster = await memberDb.roster({ memberId: F });
      assert.deepEqual(
        roster.filter((p) => p.visible).map((p) => p.relationship),
        ['subscriber', 'spouse'],
      );
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
    personIdByName.set('Ada Raman', `${S}-02`);
    personIdByName.set('Ben Raman', `${S}-03`);
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
