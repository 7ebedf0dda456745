/**
 * The database holds on its own: member SQL goes straight to PgMemberDb, no validator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Reason } from '../../src/core/reasons.ts';
import { DbQueryError, DbTimeoutError } from '../../src/db/errors.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family; // subscriber, spouse, adult daughter, minor son
const OTHER = DEMO_MEMBER_IDS.single;
const scope = { memberId: FAMILY };
const CAP = { rowCap: 10_000 };

describe('row-level security without a validator', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;
  let tableCounts: () => Promise<Record<string, number>>;

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, { statementTimeoutMs: 1500 }, { max: 2 });
    tableCounts = async () => {
      const res = await adminQuery<{ t: string; n: number }>(
        db.adminUrl,
        `SELECT 'claims_history' AS t, count(*)::int AS n FROM claims_history
         UNION ALL SELECT 'people', count(*)::int FROM people
         UNION ALL SELECT 'families', count(*)::int FROM families
         UNION ALL SELECT 'scope_keys', count(*)::int FROM app.scope_keys
         UNION ALL SELECT 'ask_audit', count(*)::int FROM ask_audit`,
      );
      return Object.fromEntries(res.rows.map((r) => [r.t, r.n]));
    };
  });
  after(async () => {
    await memberDb.close();
    await db.drop();
  });

  test('a query with no WHERE returns exactly the rows the subscriber may see, all of the family', async () => {
    const { rows, truncated } = await memberDb.runMemberQuery(
      'SELECT claim_id, member_id FROM claims_history',
      scope,
      CAP,
    );
    assert.equal(truncated, false);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => String(r.member_id) === FAMILY));
    const expected = await adminQuery<{ claim_id: string }>(
      db.adminUrl,
      `SELECT claim_id::text FROM claims_history WHERE member_id = $1
         AND person_id IN ('1000000001-01', '1000000001-02', '1000000001-04') ORDER BY claim_id`,
      [FAMILY],
    );
    assert.deepEqual(rows.map((r) => String(r.claim_id)).sort(), expected.rows.map((r) => r.claim_id).sort());
  });

  test("another family's rows are invisible, even asked for by member id or with OR true", async () => {
    for (const sql of [
      `SELECT claim_id, member_id FROM claims_history WHERE member_id = ${OTHER}`,
      `SELECT claim_id, member_id FROM claims_history WHERE member_id = ${FAMILY} OR true`,
      `SELECT claim_id, member_id FROM claims_history WHERE member_id <> ${FAMILY}`,
    ]) {
      const { rows } = await memberDb.runMemberQuery(sql, scope, CAP);
      assert.ok(
        rows.every((r) => String(r.member_id) === FAMILY),
        sql,
      );
    }
    const count = await memberDb.runMemberQuery('SELECT count(*) AS n FROM claims_history', { memberId: OTHER }, CAP);
    const own = await adminQuery<{ n: number }>(
      db.adminUrl,
      'SELECT count(*)::int AS n FROM claims_history WHERE member_id = $1',
      [OTHER],
    );
    assert.equal(count.rows[0]?.n, own.rows[0]?.n);
  });

  const refused: [string, string][] = [
    ['set_config in the select list', "SELECT set_config('app.member_id', '1000000002', false)"],
    [
      'set_config(role) in WHERE',
      "SELECT claim_id FROM claims_history WHERE set_config('role', 'none', true) IS NOT NULL",
    ],
    [
      'set_config in a CTE',
      "WITH x AS (SELECT set_config('role', 'claims_app', true) AS v) SELECT c.claim_id FROM claims_history c, x",
    ],
    [
      'set_config in a LATERAL',
      "SELECT c.claim_id FROM claims_history c, LATERAL (SELECT set_config('row_security', 'off', true)) s",
    ],
    ['current_setting', "SELECT current_setting('role') AS r"],
    ['query_to_xml', "SELECT query_to_xml('select * from claims_history', true, false, '') AS x"],
    ['table_to_xml', "SELECT table_to_xml('people', true, false, '') AS x"],
    ['ts_stat runs SQL text', "SELECT * FROM ts_stat('select to_tsvector(first_name) from people')"],
    ['reading people', 'SELECT * FROM people'],
    ['reading families', 'SELECT * FROM families'],
    ['reading the scope key', 'SELECT * FROM app.scope_keys'],
    ['opening a scope', `SELECT app.open_scope(${OTHER}, NULL)`],
    [
      'forging a scope',
      `SELECT set_config('app.scope', '1|1|${OTHER}|${OTHER}-01|${OTHER}-01|1|${'0'.repeat(64)}', true)`,
    ],
    ['reading the audit table', 'SELECT * FROM ask_audit'],
    ['reading pg_authid', 'SELECT rolname, rolpassword FROM pg_authid'],
    ['opening a family-wide scope', `SELECT app.open_scope(${OTHER}, NULL, true)`],
    ['advisory lock (outlives ROLLBACK)', 'SELECT pg_advisory_lock(42)'],
    ['large object', 'SELECT lo_create(0)'],
    ['server file', "SELECT pg_read_file('/etc/passwd')"],
    ['terminate a backend', 'SELECT pg_terminate_backend(pg_backend_pid())'],
    ['notify', "SELECT pg_notify('x', 'y')"],
    ['txid', 'SELECT txid_current()'],
    ['data-modifying CTE', 'WITH d AS (DELETE FROM claims_history RETURNING claim_id) SELECT * FROM d'],
    ['write via a volatile function', "SELECT nextval('claims_history_claim_id_seq')"],
    ['stacked statements', 'SELECT 1 AS a; DELETE FROM claims_history'],
    ['closing the wrapper', 'SELECT 1 AS a) AS x; DELETE FROM claims_history; SELECT * FROM (SELECT 1'],
    ['select into', 'SELECT claim_id INTO stolen FROM claims_history'],
    ['locking clause', 'SELECT claim_id FROM claims_history FOR UPDATE'],
  ];
  for (const [name, sql] of refused) {
    test(`refused: ${name}`, async () => {
      const before = await tableCounts();
      await assert.rejects(memberDb.runMemberQuery(sql, scope, CAP), (err: unknown) => {
        assert.ok(err instanceof DbQueryError, `${name}: ${String(err)}`);
        assert.equal(err.code, Reason.DB_ERROR);
        assert.doesNotMatch(err.message, /claims_history|people|denied|syntax/i, 'no raw server message');
        return true;
      });
      assert.deepEqual(await tableCounts(), before);
    });
  }

  test('pg_sleep is refused at once, not slept', async () => {
    const started = Date.now();
    await assert.rejects(memberDb.runMemberQuery('SELECT pg_sleep(10)', scope, CAP), DbQueryError);
    assert.ok(Date.now() - started < 1500);
  });

  test('a slow query stops at the statement timeout with DB_TIMEOUT', async () => {
    // The plan check would refuse this cross join before it runs (test/db/plan-cost.test.ts):
    // lift it here, so the timeout itself is what is tested.
    const unlimited = {
      maxPlanCost: Number.MAX_SAFE_INTEGER,
      maxPlanRows: Number.MAX_SAFE_INTEGER,
      maxPlanWork: Number.MAX_SAFE_INTEGER,
    };
    const fast = PgMemberDb.connect(db.appUrl, { statementTimeoutMs: 300, ...unlimited }, { max: 1 });
    try {
      const started = Date.now();
      await assert.rejects(
        fast.runMemberQuery(
          'SELECT count(*) FROM claims_history a, claims_history b, claims_history c, claims_history d, claims_history e',
          scope,
          CAP,
        ),
        (err: unknown) => err instanceof DbTimeoutError && err.code === Reason.DB_TIMEOUT,
      );
      assert.ok(Date.now() - started < 3000, 'stopped near the timeout');
    } finally {
      await fast.close();
    }
  });

  test('claims_app itself cannot read claims, read the scope key or open a scope after BEGIN', async () => {
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await assert.rejects(client.query('SELECT count(*) FROM claims_history'), { code: '42501' });
      await assert.rejects(client.query('SELECT * FROM app.scope_keys'), { code: '42501' });
      await client.query('BEGIN');
      await assert.rejects(client.query(`SELECT app.open_scope(${OTHER}, NULL)`), { code: 'CL003' });
      await client.query('ROLLBACK');
      await assert.rejects(client.query('SELECT * FROM ask_audit'), { code: '42501' });
      // As the member role but with no scope row in this transaction: nothing.
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE claims_member');
      const res = await client.query<{ n: string }>('SELECT count(*) AS n FROM claims_history');
      assert.equal(res.rows[0]?.n, '0');
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  test("a scope is seen only by its own transaction (concurrent families don't mix)", async () => {
    const families = [
      DEMO_MEMBER_IDS.family,
      DEMO_MEMBER_IDS.single,
      DEMO_MEMBER_IDS.grandparent,
      DEMO_MEMBER_IDS.teenPrivacy,
    ];
    const results = await Promise.all(
      [...families, ...families].map((memberId) =>
        memberDb.runMemberQuery('SELECT DISTINCT member_id FROM claims_history', { memberId }, CAP),
      ),
    );
    results.forEach((r, i) => {
      assert.deepEqual(
        r.rows.map((row) => String(row.member_id)),
        [families[i % families.length]],
      );
    });
  });

  test('after hostile queries the pooled connection carries no setting, role, lock or scope', async () => {
    const single = PgMemberDb.connect(db.appUrl, { statementTimeoutMs: 400 }, { max: 1 });
    try {
      const pidBefore = (await single.runMemberQuery('SELECT pg_backend_pid() AS pid', scope, CAP)).rows[0]?.pid;
      const hostile = [
        "SELECT set_config('statement_timeout', '0', false)",
        'SELECT pg_advisory_lock(7)',
        'SELECT count(*) FROM claims_history a, claims_history b, claims_history c, claims_history d, claims_history e',
        'SELECT claim_id FROM claims_history FOR UPDATE',
        'SELECT 1/0 AS boom',
      ];
      for (const sql of hostile) await single.runMemberQuery(sql, scope, CAP).catch(() => undefined);
      await single.runMemberQuery('SELECT claim_id FROM claims_history', scope, { rowCap: 5 });

      const client = await single.pool.connect();
      try {
        const state = await client.query(
          `SELECT pg_backend_pid() AS pid, current_user AS cu, session_user AS su,
                  (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS advisory,
                  (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'public.claims_history'::regclass) AS rel,
                  (SELECT setting FROM pg_settings WHERE name = 'statement_timeout') AS st,
                  (SELECT setting FROM pg_settings WHERE name = 'transaction_read_only') AS ro,
                  (SELECT setting FROM pg_settings WHERE name = 'work_mem') AS wm`,
        );
        const s = state.rows[0];
        assert.equal(s.pid, pidBefore, 'the same pooled connection');
        assert.equal(s.cu, 'claims_app');
        assert.equal(s.su, 'claims_app');
        assert.equal(s.advisory, 0);
        assert.equal(s.rel, 0);
        assert.equal(s.st, '0', 'no statement_timeout left over');
        assert.equal(s.ro, 'off');
        const role = await client.query('SHOW role');
        assert.equal(role.rows[0]?.role, 'none');
        const scopeLeft = await client.query<Record<string, string>>('SHOW app.scope');
        assert.equal(scopeLeft.rows[0]?.['app.scope'], '', 'no scope left on the connection');
        const txn = await client.query('SELECT now() = statement_timestamp() AS fresh');
        assert.equal(txn.rows[0]?.fresh, true, 'not inside a leftover transaction');
      } finally {
        client.release();
      }
    } finally {
      await single.close();
    }
  });
});
