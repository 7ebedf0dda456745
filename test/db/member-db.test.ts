import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Reason } from '../../src/core/reasons.ts';
import { DbConnectionError, DbQueryError, DbScopeError, DbTimeoutError, toDbError } from '../../src/db/errors.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const scope = { memberId: DEMO_MEMBER_IDS.family };

describe('PgMemberDb', () => {
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

  test('cells are JSON-safe: money as decimal strings, dates as YYYY-MM-DD, counts as numbers', async () => {
    const { rows } = await memberDb.runMemberQuery(
      `SELECT claim_id, member_id, claim_date, charged_amount, count(*) OVER () AS n,
              sum(allowed_amount) OVER () AS total, claim_date - 1 AS day_before,
              now() AS at, localtimestamp AS local_at, interval '1 day' AS span, 2.5::float8 AS f, true AS yes
       FROM claims_history ORDER BY claim_id LIMIT 1`,
      scope,
      { rowCap: 10 },
    );
    const r = rows[0];
    assert.ok(r);
    assert.equal(typeof r.claim_id, 'number');
    assert.equal(r.member_id, 1000000001);
    assert.match(String(r.claim_date), /^\d{4}-\d\d-\d\d$/);
    assert.match(String(r.day_before), /^\d{4}-\d\d-\d\d$/);
    assert.match(String(r.charged_amount), /^\d+\.\d\d$/);
    assert.equal(typeof r.n, 'number');
    assert.equal(typeof r.total, 'string');
    assert.match(String(r.at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(String(r.local_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.equal(typeof r.span, 'string');
    assert.equal(r.f, 2.5);
    assert.equal(r.yes, true);
    assert.deepEqual(JSON.parse(JSON.stringify(rows)), rows, 'round-trips through JSON unchanged');
  });

  test('a count too big for a JS number stays an exact string', async () => {
    const { rows } = await memberDb.runMemberQuery('SELECT 9007199254740993::bigint AS big', scope, { rowCap: 1 });
    assert.equal(rows[0]?.big, '9007199254740993');
  });

  test('rowCap: at most rowCap rows, truncated when there were more', async () => {
    const all = await memberDb.runMemberQuery('SELECT claim_id FROM claims_history', scope, { rowCap: 10_000 });
    const n = all.rows.length;
    assert.ok(n > 10);
    const capped = await memberDb.runMemberQuery('SELECT claim_id FROM claims_history', scope, { rowCap: 10 });
    assert.equal(capped.rows.length, 10);
    assert.equal(capped.truncated, true);
    const exact = await memberDb.runMemberQuery('SELECT claim_id FROM claims_history', scope, { rowCap: n });
    assert.equal(exact.rows.length, n);
    assert.equal(exact.truncated, false);
  });

  test('a trailing semicolon and a trailing line comment do not break the wrapper', async () => {
    const a = await memberDb.runMemberQuery('SELECT count(*) AS n FROM claims_history;', scope, { rowCap: 1 });
    const b = await memberDb.runMemberQuery('SELECT count(*) AS n FROM claims_history -- note', scope, { rowCap: 1 });
    assert.ok(Number(a.rows[0]?.n) > 0);
    assert.equal(a.rows[0]?.n, b.rows[0]?.n);
  });

  test('bad scopes are refused before reaching the database', async () => {
    for (const bad of [
      { memberId: '12' },
      { memberId: "1000000001' OR '1'='1" },
      { memberId: '1000000001', personId: 'x' },
    ]) {
      await assert.rejects(memberDb.runMemberQuery('SELECT 1 AS one', bad, { rowCap: 1 }), DbScopeError);
    }
    await assert.rejects(memberDb.runMemberQuery('SELECT 1 AS one', scope, { rowCap: 0 }), RangeError);
  });

  test('writeAudit appends a row claims_app cannot read back', async () => {
    await memberDb.writeAudit({
      requestId: 'req-test-1',
      memberId: DEMO_MEMBER_IDS.family,
      personId: `${DEMO_MEMBER_IDS.family}-02`,
      reasonCode: Reason.OK,
      rowCount: 3,
      timings: { generate: 10, total: 42 },
    });
    const res = await adminQuery(
      db.adminUrl,
      "SELECT member_id::text, person_id, reason_code, row_count, timings FROM ask_audit WHERE request_id = 'req-test-1'",
    );
    assert.deepEqual(res.rows, [
      {
        member_id: DEMO_MEMBER_IDS.family,
        person_id: `${DEMO_MEMBER_IDS.family}-02`,
        reason_code: 'OK',
        row_count: 3,
        timings: { generate: 10, total: 42 },
      },
    ]);
    await assert.rejects(memberDb.pool.query('SELECT * FROM ask_audit'), { code: '42501' });
    const admin = await adminQuery<{ can: boolean }>(
      db.adminUrl,
      "SELECT has_table_privilege('claims_admin', 'ask_audit', 'SELECT') AS can",
    );
    assert.equal(admin.rows[0]?.can, true);
  });

  test('errors map to typed errors with reason codes and keep the cause', () => {
    const timeout = toDbError(
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    );
    assert.ok(timeout instanceof DbTimeoutError);
    assert.equal(timeout.code, Reason.DB_TIMEOUT);
    assert.equal(timeout.sqlState, '57014');
    assert.doesNotMatch(timeout.message, /statement timeout/);
    const denied = toDbError(Object.assign(new Error('permission denied for table people'), { code: '42501' }));
    assert.ok(denied instanceof DbQueryError);
    assert.equal(denied.code, Reason.DB_ERROR);
    assert.match(String((denied.cause as Error).message), /people/);
    assert.ok(
      toDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) instanceof
        DbConnectionError,
    );
  });

  test('an unreachable database is a DbConnectionError', async () => {
    const url = new URL(db.appUrl);
    url.port = '1';
    const down = PgMemberDb.connect(url.toString(), {}, { max: 1, connectionTimeoutMillis: 1000 });
    try {
      await assert.rejects(down.runMemberQuery('SELECT 1 AS one', scope, { rowCap: 1 }), (err: unknown) => {
        return err instanceof DbConnectionError && err.code === Reason.DB_UNAVAILABLE;
      });
    } finally {
      await down.close();
    }
  });
});
