/**
 * Member SQL sees exactly the schema catalog's columns (migration 051, src/schema/catalog.ts):
 * the grants are compared with the catalog, `SELECT *` is refused by the database, and row-level
 * security (which reads person_id, a column the member role may not) still holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { MEMBER_TABLES } from '../../src/schema/catalog.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const F = DEMO_MEMBER_IDS.family;
const CAP = { rowCap: 10_000 };

describe('member column grants', () => {
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

  for (const [table, spec] of Object.entries(MEMBER_TABLES)) {
    test(`${table}: claims_member may SELECT exactly the catalog's columns, and nothing table-wide`, async () => {
      const res = await adminQuery<{ column: string; can: boolean }>(
        db.adminUrl,
        `SELECT a.attname AS column, has_column_privilege('claims_member', a.attrelid, a.attnum, 'SELECT') AS can
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [`public.${table}`],
      );
      const granted = res.rows.filter((r) => r.can).map((r) => r.column);
      assert.deepEqual(granted, Object.keys(spec.columns));
      const hidden = res.rows.filter((r) => !r.can).map((r) => r.column);
      // person_id (per-person tables) is the one column outside the catalog; views and reference
      // tables have none.
      const personRows = res.rows.some((r) => r.column === 'person_id');
      assert.deepEqual(hidden, personRows ? ['person_id'] : [], 'only the column outside the catalog');
      const tableWide = await adminQuery<{ can: boolean }>(
        db.adminUrl,
        "SELECT has_table_privilege('claims_member', $1::regclass, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') AS can",
        [`public.${table}`],
      );
      assert.equal(tableWide.rows[0]?.can, false);
    });
  }

  test('SELECT * and person_id are refused by the database; the catalog columns are not', async () => {
    const scope = { memberId: F };
    for (const sql of [
      `SELECT * FROM claims_history WHERE member_id = ${F}`,
      `SELECT c.* FROM claims_history c WHERE c.member_id = ${F}`,
      `SELECT person_id FROM claims_history WHERE member_id = ${F}`,
      `SELECT count(*) FROM claims_history WHERE member_id = ${F} AND person_id LIKE '%-03'`,
      `SELECT count(DISTINCT person_id) FROM claims_history`,
      `SELECT claim_id FROM claims_history ORDER BY person_id`,
    ]) {
      await assert.rejects(memberDb.runMemberQuery(sql, scope, CAP), { name: 'DbQueryError' }, sql);
    }
    const columns = Object.keys(MEMBER_TABLES.claims_history.columns);
    const { rows } = await memberDb.runMemberQuery(
      `SELECT ${columns.join(', ')} FROM claims_history WHERE member_id = ${F}`,
      scope,
      CAP,
    );
    assert.ok(rows.length > 0);
    assert.deepEqual(Object.keys(rows[0] ?? {}), columns);
  });

  test('row-level security still filters on person_id the member cannot read', async () => {
    const expected = await adminQuery<{ n: number }>(
      db.adminUrl,
      `SELECT count(*)::int AS n FROM claims_history WHERE member_id = $1 AND person_id IN ($2, $3, $4)`,
      [F, `${F}-01`, `${F}-02`, `${F}-04`],
    );
    const family = await adminQuery<{ n: number }>(
      db.adminUrl,
      'SELECT count(*)::int AS n FROM claims_history WHERE member_id = $1',
      [F],
    );
    const seen = await memberDb.runMemberQuery('SELECT count(*) AS n FROM claims_history', { memberId: F }, CAP);
    assert.equal(seen.rows[0]?.n, expected.rows[0]?.n);
    assert.ok(Number(family.rows[0]?.n) > Number(expected.rows[0]?.n), 'the adult daughter is hidden');
    const daughter = await memberDb.runMemberQuery(
      `SELECT count(*) AS n FROM claims_history WHERE member_id = ${F}`,
      { memberId: F, personId: `${F}-03` },
      CAP,
    );
    const hers = await adminQuery<{ n: number }>(
      db.adminUrl,
      'SELECT count(*)::int AS n FROM claims_history WHERE person_id = $1',
      [`${F}-03`],
    );
    assert.equal(daughter.rows[0]?.n, hers.rows[0]?.n);
  });
});
