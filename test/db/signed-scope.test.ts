/**
 * The signed member scope (migration 172) holds in the database on its own: with set_config and
 * current_setting granted back to the member role (as on a managed server, where migration 005
 * cannot revoke them), a member statement still cannot forge, replay, widen or mint a scope, nor
 * read the key; an expired scope is refused; member queries run on read-only transactions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Reason } from '../../src/core/reasons.ts';
import { DbTimeoutError } from '../../src/db/errors.ts';
import { createAppPool, PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const F = DEMO_MEMBER_IDS.family; // -01 subscriber, -02 spouse, -03 adult daughter (private), -04 minor son
const OTHER = DEMO_MEMBER_IDS.single;
const CAP = { rowCap: 10_000 };

describe('signed member scope', () => {
  let db: TestDatabase;
  const clients: pg.Client[] = [];
  const connect = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    c.on('notice', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  };
  /** A claims_app connection whose transaction has the scope of `memberId` and runs as the member. */
  const asMember = async (memberId: string, personId?: string, ttlMs = 60_000) => {
    const c = await connect(db.appUrl);
    const person = personId ? `'${personId}'` : 'NULL';
    await c.query(
      `BEGIN; SELECT app.open_scope(${memberId}, ${person}, false, ${ttlMs}); SET LOCAL transaction_read_only = on; SET LOCAL ROLE claims_member`,
    );
    return c;
  };
  const claimCount = async (c: pg.Client) =>
    Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM public.claims_history')).rows[0]?.n);
  /** A valid token of `memberId`'s scope, read by the superuser inside its own transaction. */
  const tokenOf = async (c: pg.Client, memberId: string, personId?: string) => {
    const person = personId ? `'${personId}'` : 'NULL';
    const res = (await c.query(
      `BEGIN; SELECT app.open_scope(${memberId}, ${person}); SELECT current_setting('app.scope', true) AS t`,
    )) as unknown as pg.QueryResult<{ t: string }>[];
    const token = res[2]?.rows[0]?.t ?? '';
    await c.query('ROLLBACK');
    return token;
  };

  before(async () => {
    db = await freshDatabase();
    // A managed server: these stay PUBLIC there. Function ACLs are per database: this one only.
    await adminQuery(
      db.adminUrl,
      'GRANT EXECUTE ON FUNCTION set_config(text, text, boolean), current_setting(text, boolean) TO claims_member',
    );
  });
  after(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await db.drop();
  });

  test('a scope opened in the first message works, and the member reads only what it may see', async () => {
    const c = await asMember(F, `${F}-03`);
    const own = await adminQuery<{ n: number }>(
      db.adminUrl,
      `SELECT count(*)::int AS n FROM claims_history WHERE person_id = '${F}-03'`,
    );
    assert.ok((own.rows[0]?.n ?? 0) > 0);
    assert.equal(await claimCount(c), own.rows[0]?.n);
    await c.query('ROLLBACK');
  });

  test('the token binds member, person, whom they may see, key, expiry and a signature', async () => {
    const admin = await connect(db.adminUrl);
    const token = await tokenOf(admin, F, `${F}-01`);
    assert.match(token, new RegExp(`^1\\|\\d+\\|${F}\\|${F}-01\\|${F}-01,${F}-02,${F}-04\\|\\d+\\|[0-9a-f]{64}$`));
  });

  test('forged: a token for another family with any signature is refused (CL004), not read as "no rows"', async () => {
    const c = await asMember(F);
    const forged = `1|1|${OTHER}|${OTHER}-01|${OTHER}-01|99999999999999999|${'0'.repeat(64)}`;
    await c.query('SAVEPOINT s');
    await assert.rejects(
      c.query(`SELECT count(*) FROM (SELECT set_config('app.scope', '${forged}', true)) s, public.claims_history`),
      { code: 'CL004' },
    );
    await c.query('ROLLBACK TO SAVEPOINT s');
    await c.query(`SELECT set_config('app.scope', '${forged}', true)`);
    await assert.rejects(claimCount(c), { code: 'CL004' });
    await c.query('ROLLBACK');
  });

  test('widened: the own token with another person added to "visible" is refused', async () => {
    const c = await asMember(F, `${F}-04`);
    const own = String((await c.query<{ t: string }>("SELECT current_setting('app.scope', true) AS t")).rows[0]?.t);
    const parts = own.split('|');
    parts[4] = `${F}-01,${F}-02,${F}-03,${F}-04`;
    await c.query(`SELECT set_config('app.scope', '${parts.join('|')}', true)`);
    await assert.rejects(claimCount(c), { code: 'CL004' });
    parts[2] = OTHER;
    parts[4] = own.split('|')[4] ?? '';
    await c.query('ROLLBACK');
    const d = await asMember(F, `${F}-04`);
    await d.query(`SELECT set_config('app.scope', '${parts.join('|')}', true)`);
    await assert.rejects(claimCount(d), { code: 'CL004' });
    await d.query('ROLLBACK');
  });

  test("replayed: another family's valid token from another transaction is refused, even on the same connection", async () => {
    const c = await connect(db.appUrl);
    const admin = await connect(db.adminUrl);
    // From another connection (another backend pid).
    const otherToken = await tokenOf(admin, OTHER);
    await c.query(
      `BEGIN; SELECT app.open_scope(${F}, NULL); SET LOCAL transaction_read_only = on; SET LOCAL ROLE claims_member`,
    );
    await c.query(`SELECT set_config('app.scope', '${otherToken}', true)`);
    await assert.rejects(claimCount(c), { code: 'CL004' });
    await c.query('ROLLBACK');
    // From this very connection's previous transaction (same pid, another transaction start).
    const res = (await c.query(
      `BEGIN; SELECT app.open_scope(${OTHER}, NULL); SET LOCAL ROLE claims_member; SELECT current_setting('app.scope', true) AS t`,
    )) as unknown as pg.QueryResult<{ t: string }>[];
    const sameBackendToken = String(res[3]?.rows[0]?.t);
    await c.query('ROLLBACK');
    await c.query(
      `BEGIN; SELECT app.open_scope(${F}, NULL); SET LOCAL transaction_read_only = on; SET LOCAL ROLE claims_member`,
    );
    assert.ok((await claimCount(c)) > 0, 'its own scope works');
    await c.query(`SELECT set_config('app.scope', '${sameBackendToken}', true)`);
    await assert.rejects(claimCount(c), { code: 'CL004' });
    await c.query('ROLLBACK');
  });

  test('expired: a statement that starts after the scope expired is refused (CL005 → DB_TIMEOUT)', async () => {
    const c = await asMember(F, undefined, 1);
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(claimCount(c), { code: 'CL005' });
    await c.query('ROLLBACK');
    const { toDbError } = await import('../../src/db/errors.ts');
    const mapped = toDbError(Object.assign(new Error('x'), { code: 'CL005' }));
    assert.ok(mapped instanceof DbTimeoutError);
    assert.equal(mapped.code, Reason.DB_TIMEOUT);
  });

  test('minting: only in the message that began the transaction, whoever calls it', async () => {
    // claims_app itself, one message later (the member's SQL is always a later message).
    const app = await connect(db.appUrl);
    await app.query('BEGIN');
    await assert.rejects(app.query(`SELECT app.open_scope(${OTHER}, NULL)`), { code: 'CL003' });
    await app.query('ROLLBACK');
    // The member switching back to claims_app with set_config('role'), then minting.
    const c = await asMember(F);
    await c.query("SELECT set_config('role', 'claims_app', true)");
    await assert.rejects(c.query(`SELECT app.open_scope(${OTHER}, NULL)`), { code: 'CL003' });
    await c.query('ROLLBACK');
    // As the member role: no EXECUTE at all.
    const d = await asMember(F);
    await assert.rejects(d.query(`SELECT app.open_scope(${OTHER}, NULL)`), { code: '42501' });
    await d.query('ROLLBACK');
  });

  test('the key: neither the member role nor claims_app can read it or call the verifier', async () => {
    const c = await asMember(F);
    for (const sql of [
      'SELECT * FROM app.scope_keys',
      'SELECT * FROM app.current_scope()',
      'SELECT app.rotate_scope_key()',
    ]) {
      await c.query('SAVEPOINT s');
      await assert.rejects(c.query(sql), { code: '42501' }, sql);
      await c.query('ROLLBACK TO SAVEPOINT s');
    }
    await c.query('ROLLBACK');
    const app = await connect(db.appUrl);
    for (const sql of ['SELECT * FROM app.scope_keys', 'SELECT * FROM app.current_scope()']) {
      await assert.rejects(app.query(sql), { code: '42501' }, sql);
    }
    const privileges = await adminQuery<{ grantee: string }>(
      db.adminUrl,
      `SELECT r.rolname AS grantee FROM pg_roles r
       WHERE r.rolname IN ('claims_app', 'claims_member', 'claims_admin')
         AND (has_table_privilege(r.rolname, 'app.scope_keys', 'SELECT')
              OR has_function_privilege(r.rolname, 'app.scope_hmac(text, bytea)', 'EXECUTE'))`,
    );
    assert.deepEqual(privileges.rows, []);
  });

  test('key rotation: new scopes use the new key; a scope opened before it still verifies', async () => {
    const c = await asMember(F);
    const before = Number(
      (await c.query<{ t: string }>("SELECT current_setting('app.scope', true) AS t")).rows[0]?.t.split('|')[1],
    );
    await adminQuery(db.adminUrl, 'SELECT app.rotate_scope_key()');
    assert.ok((await claimCount(c)) > 0, 'the scope opened before the rotation');
    await c.query('ROLLBACK');
    const d = await asMember(F);
    const after = Number(
      (await d.query<{ t: string }>("SELECT current_setting('app.scope', true) AS t")).rows[0]?.t.split('|')[1],
    );
    assert.ok(after > before);
    assert.ok((await claimCount(d)) > 0);
    await d.query('ROLLBACK');
    await adminQuery(db.adminUrl, 'SELECT app.rotate_scope_key()');
    const keys = await adminQuery<{ n: number }>(db.adminUrl, 'SELECT count(*)::int AS n FROM app.scope_keys');
    assert.equal(keys.rows[0]?.n, 2, 'the newest two are kept');
  });

  test('no scope: the member sees nothing (and the benefit views nothing)', async () => {
    const c = await connect(db.appUrl);
    await c.query('BEGIN; SET LOCAL ROLE claims_member');
    assert.equal(await claimCount(c), 0);
    for (const rel of ['plan_benefits', 'plan_cost_sharing', 'accumulators', 'visit_counts', 'family_accumulators']) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM public.${rel}`);
      assert.equal(r.rows[0]?.n, '0', rel);
    }
    await c.query('ROLLBACK');
  });

  test('member queries give the same rows on a connection whose transactions are read-only', async () => {
    const writer = PgMemberDb.connect(db.appUrl, {}, { max: 1 });
    const readOnly = new PgMemberDb(
      createAppPool(db.appUrl, { max: 1 }),
      {},
      createAppPool(db.appUrl, { max: 1, options: '-c default_transaction_read_only=on' }),
    );
    try {
      const check = await readOnly.readerPool.query<{ default_transaction_read_only: string }>(
        'SHOW default_transaction_read_only',
      );
      assert.equal(check.rows[0]?.default_transaction_read_only, 'on');
      const queries = [
        'SELECT claim_id, member_name, claim_date, charged_amount FROM claims_history ORDER BY claim_id',
        'SELECT plan_year, network, deductible_individual, oop_max_family FROM plan_benefits ORDER BY 1, 2',
        'SELECT service_category, copay, visit_limit FROM plan_cost_sharing ORDER BY 1, 2, 3',
        'SELECT member_name, plan_year, deductible_met FROM accumulators ORDER BY 1, 2, 3',
        'SELECT plan_year, network, deductible_met, includes_everyone FROM family_accumulators ORDER BY 1, 2',
        'SELECT member_name, service_category, visits_used FROM visit_counts ORDER BY 1, 2',
      ];
      for (const scope of [{ memberId: F }, { memberId: F, personId: `${F}-03` }, { memberId: OTHER }]) {
        for (const sql of queries) {
          const a = await writer.runMemberQuery(sql, scope, CAP);
          const b = await readOnly.runMemberQuery(sql, scope, CAP);
          assert.deepEqual(b.rows, a.rows, `${sql} for ${JSON.stringify(scope)}`);
        }
        assert.deepEqual(await readOnly.roster(scope), await writer.roster(scope));
        assert.deepEqual(await readOnly.describeAsker(scope), await writer.describeAsker(scope));
      }
      // The audit row still goes to the writer (a read-only connection would refuse it).
      await readOnly.writeAudit({ requestId: 'ro-1', memberId: F, reasonCode: 'OK', rowCount: 1, timings: {} });
      const audit = await adminQuery<{ n: number }>(
        db.adminUrl,
        "SELECT count(*)::int AS n FROM ask_audit WHERE request_id = 'ro-1'",
      );
      assert.equal(audit.rows[0]?.n, 1);
    } finally {
      await writer.close();
      await readOnly.close();
    }
  });
});
