/**
 * Every member relation of the schema catalog exists in the database with exactly the catalog's
 * columns and types, the member role can read exactly those columns, and every table behind them
 * has row-level security (ENABLE + FORCE).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MEMBER_TABLES, type TableSpec } from '../../src/schema/catalog.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const CATALOG = MEMBER_TABLES as Record<string, TableSpec>;
/** Tables that hold member data only members' views read (never granted to claims_member). */
const BASE_TABLES = ['plan_year_limits', 'plan_service_benefits', 'family_accumulator_totals'];

describe('benefit tables match the catalog', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  for (const [name, spec] of Object.entries(CATALOG)) {
    test(`${name}: a ${spec.relkind} with the catalog's columns and types; the member role reads exactly those`, async () => {
      const kind = await adminQuery<{ relkind: string }>(
        db.adminUrl,
        "SELECT relkind FROM pg_class WHERE oid = to_regclass('public.' || $1)",
        [name],
      );
      assert.equal(kind.rows[0]?.relkind, spec.relkind === 'view' ? 'v' : 'r', `${name} kind`);
      const res = await adminQuery<{ name: string; type: string; member: boolean }>(
        db.adminUrl,
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                has_column_privilege('claims_member', a.attrelid, a.attnum, 'SELECT') AS member
         FROM pg_attribute a
         WHERE a.attrelid = to_regclass('public.' || $1) AND a.attnum > 0 AND NOT a.attisdropped`,
        [name],
      );
      const inDb = new Map(res.rows.map((r) => [r.name, r]));
      for (const [column, col] of Object.entries(spec.columns)) {
        assert.equal(inDb.get(column)?.type, col.type, `${name}.${column} type`);
        assert.equal(inDb.get(column)?.member, true, `${name}.${column} readable by claims_member`);
      }
      const extra = res.rows.filter((r) => !(r.name in spec.columns));
      // The only column outside the catalog is person_id: it ties a row to a person for family
      // privacy, and member SQL may not read it.
      for (const r of extra) {
        assert.equal(r.name, 'person_id', `${name} has an uncatalogued column ${r.name}`);
        if (name !== 'claims_history') assert.equal(r.member, false, `${name}.person_id must not be readable`);
      }
    });
  }

  test('row-level security is enabled and forced on every table behind a member relation', async () => {
    const tables = [
      ...Object.entries(CATALOG)
        .filter(([, s]) => s.relkind === 'table')
        .map(([n]) => n),
      ...BASE_TABLES,
    ];
    const res = await adminQuery<{ name: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      db.adminUrl,
      `SELECT relname AS name, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relname = ANY ($1::text[]) ORDER BY relname`,
      [tables],
    );
    assert.equal(res.rows.length, tables.length);
    for (const r of res.rows) assert.ok(r.relrowsecurity && r.relforcerowsecurity, r.name);
  });

  test('the internal tables are not readable by the member role at all', async () => {
    for (const table of BASE_TABLES) {
      const res = await adminQuery<{ can: boolean }>(
        db.adminUrl,
        "SELECT has_any_column_privilege('claims_member', to_regclass('public.' || $1), 'SELECT') AS can",
        [table],
      );
      assert.equal(res.rows[0]?.can, false, table);
    }
  });

  test('every catalog enumeration of the new relations is enforced by a CHECK on the table behind it', async () => {
    const cases: [string, string][] = [
      ['accumulators', 'network'],
      ['accumulators', 'relationship_code'],
      ['visit_counts', 'service_category'],
      ['plan_service_benefits', 'service_category'],
      ['plan_year_limits', 'network'],
      ['plans', 'plan_type'],
      ['denial_reasons', 'group_code'],
      ['claims_history', 'claim_status'],
      ['claims_history', 'service_category'],
    ];
    for (const [table, column] of cases) {
      await assert.rejects(
        adminQuery(
          db.adminUrl,
          `UPDATE public.${table} SET ${column} = 'not-a-value' WHERE ctid = (SELECT min(ctid) FROM public.${table})`,
        ),
        { code: '23514' },
        `${table}.${column}`,
      );
    }
  });

  test('claim status rules are constraints: a denied claim has a reason and pays nothing, a pending one is not processed', async () => {
    const one = "(SELECT min(claim_id) FROM claims_history WHERE claim_status = 'paid' AND plan_paid_amount > 0)";
    for (const sql of [
      `UPDATE claims_history SET claim_status = 'denied', denial_code = NULL WHERE claim_id = ${one}`,
      `UPDATE claims_history SET claim_status = 'denied', denial_code = '16' WHERE claim_id = ${one}`,
      `UPDATE claims_history SET claim_status = 'pending' WHERE claim_id = ${one}`,
      `UPDATE claims_history SET processed_date = claim_date - 1 WHERE claim_id = ${one}`,
      `UPDATE claims_history SET deductible_amount = patient_responsibility + 1 WHERE claim_id = ${one}`,
      `UPDATE claims_history SET not_covered_amount = not_covered_amount + 1 WHERE claim_id = ${one}`,
    ]) {
      await assert.rejects(adminQuery(db.adminUrl, sql), { code: '23514' }, sql);
    }
    await assert.rejects(
      adminQuery(db.adminUrl, `UPDATE claims_history SET denial_code = '999' WHERE claim_id = ${one}`),
      { code: '23503' },
    );
  });

  test('a claim inserted without the new columns is a paid claim whose share is not broken down', async () => {
    const res = await adminQuery<{ claim_status: string; network: string; not_covered_amount: string }>(
      db.adminUrl,
      `INSERT INTO claims_history (member_id, person_id, member_name, relationship_code, claim_type, claim_date,
         provider_name, charged_amount, allowed_amount, plan_paid_amount, patient_responsibility)
       VALUES (1000000002, '1000000002-01', 'Priya Raman', 'subscriber', 'Medical', current_date, 'X', 100, 80, 50, 30)
       RETURNING claim_status, network, not_covered_amount::text`,
    );
    assert.deepEqual(res.rows[0], { claim_status: 'paid', network: 'in_network', not_covered_amount: null });
    // Rows copy with SELECT * (no generated column in the way).
    await adminQuery(
      db.adminUrl,
      `CREATE TEMP TABLE x AS SELECT * FROM claims_history WHERE person_id = '1000000002-01';
       DELETE FROM claims_history WHERE person_id = '1000000002-01';
       INSERT INTO claims_history SELECT * FROM x;`,
    );
  });
});
