import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadMigrations, type MigrateResult, migrate } from '../../src/db/migrate.ts';
import { MEMBER_TABLES } from '../../src/schema/catalog.ts';
import { adminQuery, emptyDatabase, freshDatabase, type TestDatabase } from '../support/db.ts';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await emptyDatabase();
  });
  after(() => db.drop());

  test('apply every file once, then running again is a no-op', async () => {
    const all = (await loadMigrations()).map((m) => m.version);
    const first = await migrate(db.adminUrl);
    assert.deepEqual(first.applied, all);
    const second = await migrate(db.adminUrl);
    assert.deepEqual(second.applied, []);
    const recorded = await adminQuery<{ version: number }>(
      db.adminUrl,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      recorded.rows.map((r) => r.version),
      all,
    );
  });

  test('two migrators racing on the same database both succeed and apply each file once', async () => {
    const other = await emptyDatabase();
    try {
      // Both finish before the database is dropped, so a failure shows its own error.
      const settled = await Promise.allSettled([migrate(other.adminUrl), migrate(other.adminUrl)]);
      const [a, b] = settled.map((r) => {
        if (r.status === 'rejected') throw r.reason;
        return r.value;
      }) as [MigrateResult, MigrateResult];
      const all = (await loadMigrations()).map((m) => m.version);
      assert.deepEqual(
        [...a.applied, ...b.applied].sort((x, y) => x - y),
        all,
      );
    } finally {
      await other.drop();
    }
  });
});

describe('schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  test('claims_history columns and types match the catalog exactly (plus person_id)', async () => {
    const res = await adminQuery<{ name: string; type: string; notnull: boolean }>(
      db.adminUrl,
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
       FROM pg_attribute a
       WHERE a.attrelid = 'public.claims_history'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
    );
    const expected = Object.entries(MEMBER_TABLES.claims_history.columns).map(([name, spec]) => ({
      name,
      type: spec.type,
    }));
    expected.push({ name: 'person_id', type: 'text' });
    // Columns added by later migrations come after person_id: compare by name.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    assert.deepEqual(res.rows.map(({ name, type }) => ({ name, type })).sort(byName), expected.sort(byName));
    const notNull = new Set(res.rows.filter((r) => r.notnull).map((r) => r.name));
    assert.ok(notNull.has('member_id'), 'member_id is NOT NULL');
  });

  test('every catalog enumeration is enforced by a CHECK', async () => {
    for (const [column, spec] of Object.entries(MEMBER_TABLES.claims_history.columns)) {
      if (!('values' in spec)) continue;
      const bogus = await adminQuery<{ ok: boolean }>(
        db.adminUrl,
        `SELECT EXISTS (
           SELECT 1 FROM pg_constraint
           WHERE conrelid = 'public.claims_history'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%' || $1 || '%'
         ) AS ok`,
        [column],
      );
      assert.ok(bogus.rows[0]?.ok, `CHECK on ${column}`);
      await assert.rejects(
        adminQuery(
          db.adminUrl,
          `UPDATE claims_history SET ${column} = 'not-a-value' WHERE claim_id = (SELECT min(claim_id) FROM claims_history)`,
        ),
        { code: '23514' },
      );
    }
  });

  test('the amounts rule is a constraint', async () => {
    await assert.rejects(
      adminQuery(
        db.adminUrl,
        `UPDATE claims_history SET plan_paid_amount = allowed_amount + 1
         WHERE claim_id = (SELECT min(claim_id) FROM claims_history)`,
      ),
      { code: '23514' },
    );
    await assert.rejects(
      adminQuery(
        db.adminUrl,
        `UPDATE claims_history SET allowed_amount = charged_amount + 1
         WHERE claim_id = (SELECT min(claim_id) FROM claims_history)`,
      ),
      { code: '23514' },
    );
  });

  test('roles have the attributes and memberships the design needs', async () => {
    const res = await adminQuery<{ rolname: string; rolcanlogin: boolean; rolinherit: boolean; rolbypassrls: boolean }>(
      db.adminUrl,
      `SELECT rolname, rolcanlogin, rolinherit, rolbypassrls FROM pg_roles
       WHERE rolname IN ('claims_owner', 'claims_member', 'claims_app', 'claims_admin') ORDER BY rolname`,
    );
    const byName = Object.fromEntries(res.rows.map((r) => [r.rolname, r]));
    assert.equal(byName.claims_app?.rolcanlogin, true);
    assert.equal(byName.claims_app?.rolinherit, false);
    for (const r of ['claims_owner', 'claims_member', 'claims_admin']) assert.equal(byName[r]?.rolcanlogin, false, r);
    for (const r of res.rows) assert.equal(r.rolbypassrls, false, r.rolname);
    const member = await adminQuery<{ ok: boolean }>(
      db.adminUrl,
      "SELECT pg_has_role('claims_app', 'claims_member', 'SET') AND NOT pg_has_role('claims_app', 'claims_member', 'USAGE') AS ok",
    );
    assert.ok(member.rows[0]?.ok, 'claims_app can SET ROLE claims_member but does not inherit it');
  });

  test("claims_member may read the catalog's relations and nothing else in public or app", async () => {
    // Column grants (test/db/column-grants.test.ts): SELECT on any column counts as readable.
    const res = await adminQuery<{ table: string; can: boolean }>(
      db.adminUrl,
      `SELECT c.oid::regclass::text AS table,
              has_table_privilege('claims_member', c.oid, 'SELECT,INSERT,UPDATE,DELETE')
              OR has_any_column_privilege('claims_member', c.oid, 'SELECT,INSERT,UPDATE') AS can
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'app') AND c.relkind IN ('r', 'v', 'm', 'p')`,
    );
    const all = res.rows
      .filter((r) => r.can)
      .map((r) => r.table)
      .sort();
    assert.deepEqual(all, Object.keys(MEMBER_TABLES).sort());
    const writes = await adminQuery<{ can: boolean }>(
      db.adminUrl,
      "SELECT has_table_privilege('claims_member', 'public.claims_history', 'INSERT,UPDATE,DELETE,TRUNCATE') AS can",
    );
    assert.equal(writes.rows[0]?.can, false);
  });

  test('RLS is enabled and forced on claims_history', async () => {
    const res = await adminQuery<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      db.adminUrl,
      "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.claims_history'::regclass",
    );
    assert.deepEqual(res.rows[0], { relrowsecurity: true, relforcerowsecurity: true });
  });

  test('risky functions are not executable by PUBLIC (nor so by the member role)', async () => {
    const risky = [
      'set_config(text,text,boolean)',
      'current_setting(text)',
      'current_setting(text,boolean)',
      'query_to_xml(text,boolean,boolean,text)',
      'pg_sleep(double precision)',
      'pg_advisory_lock(bigint)',
      'pg_try_advisory_lock(bigint)',
      'lo_import(text)',
      'pg_read_file(text)',
      'pg_terminate_backend(integer,bigint)',
      'pg_notify(text,text)',
      'txid_current()',
      'pg_current_xact_id()',
    ];
    for (const fn of risky) {
      const res = await adminQuery<{ can: boolean }>(
        db.adminUrl,
        "SELECT has_function_privilege('claims_member', $1::regprocedure, 'EXECUTE') AS can",
        [fn],
      );
      assert.equal(res.rows[0]?.can, false, fn);
    }
  });

  test('PUBLIC may not create in schema public or make temp tables (also in a cloned database)', async () => {
    const res = await adminQuery<{ create: boolean; temp: boolean }>(
      db.adminUrl,
      `SELECT has_schema_privilege('claims_member', 'public', 'CREATE') AS create,
              has_database_privilege('claims_app', current_database(), 'TEMP') AS temp`,
    );
    assert.deepEqual(res.rows[0], { create: false, temp: false });
  });
});
