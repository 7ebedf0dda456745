/**
 * Member reads on a real hot standby (what an Aurora reader is to the writer): a primary of its
 * own (migrated, a small seed), a standby streaming from it (test/support/standby.ts), and
 * PgMemberDb with the writer pool on the primary and the reader pool on the standby. Member
 * queries, the roster and the asker run on the standby with the signed scope and give the
 * primary's answers; the audit row goes to the primary; a key rotated on the primary reaches the
 * standby; a standby that is gone is DB_UNAVAILABLE (503 + Retry-After at the edge).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Reason } from '../../src/core/reasons.ts';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { DbConnectionError } from '../../src/db/errors.ts';
import { createAppPool, PgMemberDb } from '../../src/db/member-db.ts';
import { migrate } from '../../src/db/migrate.ts';
import { appConnectionString, configureAppRole, withDatabase } from '../../src/db/roles.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { seedDatabase } from '../../src/db/seed/load.ts';
import { type Standby, startStandby } from '../support/standby.ts';

const F = DEMO_MEMBER_IDS.family;
const T = DEMO_MEMBER_IDS.teenPrivacy;
const CAP = { rowCap: 10_000 };
const DB = 'claims_replica';

describe('member reads on a hot standby', () => {
  let dir: string;
  let primary: EmbeddedPostgresHandle;
  let standby: Standby;
  let onPrimary: PgMemberDb;
  let split: PgMemberDb;
  let primaryAdmin: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'claims-replica-'));
    primary = await startEmbeddedPostgres({ dataDir: path.join(dir, 'primary') });
    const admin = new pg.Client({ connectionString: primary.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
    primaryAdmin = withDatabase(primary.adminUrl, DB);
    await migrate(primaryAdmin);
    const pool = new pg.Pool({ connectionString: primaryAdmin, max: 1 });
    await seedDatabase(pool, { families: 20, today: new Date().toISOString().slice(0, 10) });
    await pool.end();
    const appUrl = await configureAppRole(primaryAdmin);
    standby = await startStandby(primary);
    await standby.caughtUp();
    const readerUrl = appConnectionString(standby.urlOf(DB));
    onPrimary = PgMemberDb.connect(appUrl, {}, { max: 1 });
    split = PgMemberDb.connect(appUrl, {}, { max: 1 }, readerUrl);
  });
  after(async () => {
    await onPrimary?.close().catch(() => undefined);
    await split?.close().catch(() => undefined);
    await standby?.stop().catch(() => undefined);
    await primary?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test('the reader pool is on a server in recovery that refuses writes', async () => {
    const r = await split.readerPool.query<{ rec: boolean }>('SELECT pg_is_in_recovery() AS rec');
    assert.equal(r.rows[0]?.rec, true);
    await assert.rejects(
      split.readerPool.query(
        "INSERT INTO public.ask_audit (request_id, member_id, reason_code) VALUES ('x', 1000000001, 'OK')",
      ),
      { code: '25006' },
    );
    const w = await split.pool.query<{ rec: boolean }>('SELECT pg_is_in_recovery() AS rec');
    assert.equal(w.rows[0]?.rec, false);
  });

  test('member queries, the roster and the asker give the same answers on the standby', async () => {
    const queries = [
      'SELECT claim_id, member_name, claim_date, charged_amount, claim_status FROM claims_history ORDER BY claim_id',
      "SELECT count(*) AS n, sum(patient_responsibility) AS spent FROM claims_history WHERE claim_type = 'RX'",
      'SELECT plan_year, network, deductible_individual, deductible_family FROM plan_benefits ORDER BY 1, 2',
      'SELECT member_name, plan_year, network, deductible_met FROM accumulators ORDER BY 1, 2, 3',
      'SELECT plan_year, network, deductible_met, people_included, includes_everyone FROM family_accumulators ORDER BY 1, 2',
    ];
    const scopes = [
      { memberId: F },
      { memberId: F, personId: `${F}-03` },
      { memberId: F, personId: `${F}-04` },
      { memberId: T, personId: `${T}-03` },
    ];
    let rows = 0;
    for (const scope of scopes) {
      for (const sql of queries) {
        const a = await onPrimary.runMemberQuery(sql, scope, CAP);
        const b = await split.runMemberQuery(sql, scope, CAP);
        assert.deepEqual(b, a, `${sql} for ${JSON.stringify(scope)}`);
        rows += a.rows.length;
      }
      assert.deepEqual(await split.roster(scope), await onPrimary.roster(scope));
      assert.deepEqual(await split.describeAsker(scope), await onPrimary.describeAsker(scope));
    }
    assert.ok(rows > 20, 'the queries returned rows');
  });

  test('the audit row goes to the writer', async () => {
    await split.writeAudit({ requestId: 'replica-1', memberId: F, reasonCode: 'OK', rowCount: 2, timings: {} });
    const c = new pg.Client({ connectionString: primaryAdmin });
    await c.connect();
    const r = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM ask_audit WHERE request_id = 'replica-1'");
    await c.end();
    assert.equal(r.rows[0]?.n, 1);
  });

  test('a key rotated on the writer reaches the standby; scopes opened there use it', async () => {
    const c = new pg.Client({ connectionString: primaryAdmin });
    await c.connect();
    const newKey = (await c.query<{ k: number }>('SELECT app.rotate_scope_key() AS k')).rows[0]?.k;
    await c.end();
    await standby.caughtUp();
    const reader = new pg.Client({ connectionString: standby.urlOf(DB) });
    await reader.connect();
    try {
      const res = (await reader.query(
        `BEGIN; SELECT app.open_scope(${F}, NULL); SELECT current_setting('app.scope', true) AS t`,
      )) as unknown as pg.QueryResult<{ t: string }>[];
      assert.equal(Number(res[2]?.rows[0]?.t.split('|')[1]), newKey);
      await reader.query('ROLLBACK');
    } finally {
      await reader.end();
    }
    const { rows } = await split.runMemberQuery('SELECT count(*) AS n FROM claims_history', { memberId: F }, CAP);
    assert.ok(Number(rows[0]?.n) > 0);
  });

  test('a forged scope is refused on the standby too', async () => {
    const c = new pg.Client({ connectionString: standby.urlOf(DB) });
    await c.connect();
    try {
      await c.query('GRANT EXECUTE ON FUNCTION set_config(text, text, boolean) TO claims_member').catch((e) => {
        assert.equal(e.code, '25006', 'a standby refuses even a GRANT');
      });
      await c.query(
        `BEGIN; SELECT app.open_scope(${F}, NULL); SET LOCAL ROLE claims_member; SET LOCAL app.scope = '1|1|${T}|${T}-01|${T}-01|99999999999999999|${'0'.repeat(64)}'`,
      );
      await assert.rejects(c.query('SELECT count(*) FROM public.claims_history'), { code: 'CL004' });
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
  });

  test('a standby that is gone: DB_UNAVAILABLE, and the writer still takes the audit', async () => {
    await standby.stop();
    await assert.rejects(
      split.runMemberQuery('SELECT count(*) AS n FROM claims_history', { memberId: F }, CAP),
      (err: unknown) => err instanceof DbConnectionError && err.code === Reason.DB_UNAVAILABLE,
    );
    await assert.rejects(split.roster({ memberId: F }), (err: unknown) => err instanceof DbConnectionError);
    await split.writeAudit({
      requestId: 'replica-2',
      memberId: F,
      reasonCode: 'DB_UNAVAILABLE',
      rowCount: 0,
      timings: {},
    });
    // A fresh pool to the same (stopped) reader fails the same way, at connect.
    const fresh = new PgMemberDb(createAppPool(appConnectionString(primaryAdmin), { max: 1 }), {}, split.readerPool);
    await assert.rejects(
      fresh.runMemberQuery('SELECT 1 AS x', { memberId: F }, CAP),
      (err: unknown) => err instanceof DbConnectionError,
    );
    await fresh.pool.end();
  });
});
