import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { listFamilies } from '../../src/db/families.ts';
import { migrate } from '../../src/db/migrate.ts';
import { buildSeedData } from '../../src/db/seed/generate.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { seedDatabase, seedIfEmpty } from '../../src/db/seed/load.ts';
import { adminQuery, emptyDatabase, freshDatabase, TEMPLATE_SEED, type TestDatabase } from '../support/db.ts';

const CHECKSUM_SQL = `SELECT md5(string_agg(concat_ws('|', claim_id, member_id, person_id, member_name, relationship_code,
  claim_type, claim_date, provider_name, diagnosis_code, procedure_code, ndc_code, charged_amount, allowed_amount,
  plan_paid_amount, patient_responsibility), E'\\n' ORDER BY claim_id)) AS sum FROM claims_history`;

describe('seeded template', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  test('has at least 500 families with 10-digit member ids and one subscriber each', async () => {
    const res = await adminQuery<{ families: number; bad_ids: number; no_sub: number }>(
      db.adminUrl,
      `SELECT count(*)::int AS families,
              count(*) FILTER (WHERE member_id::text !~ '^[0-9]{10}$')::int AS bad_ids,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.member_id = f.member_id
                                                 AND p.relationship_code = 'subscriber'))::int AS no_sub
       FROM families f`,
    );
    assert.ok((res.rows[0]?.families ?? 0) >= 500);
    assert.equal(res.rows[0]?.bad_ids, 0);
    assert.equal(res.rows[0]?.no_sub, 0);
  });

  test('every relationship appears, with adults and minors among dependents', async () => {
    const res = await adminQuery<{ relationship_code: string; adults: number; minors: number }>(
      db.adminUrl,
      `SELECT relationship_code,
              count(*) FILTER (WHERE age(birth_date) >= interval '18 years')::int AS adults,
              count(*) FILTER (WHERE age(birth_date) < interval '18 years')::int AS minors
       FROM people GROUP BY 1`,
    );
    const by = Object.fromEntries(res.rows.map((r) => [r.relationship_code, r]));
    for (const rel of ['subscriber', 'spouse', 'son', 'daughter', 'other']) assert.ok(by[rel], rel);
    assert.ok((by.son?.adults ?? 0) > 0 && (by.son?.minors ?? 0) > 0);
    assert.ok((by.daughter?.adults ?? 0) > 0 && (by.daughter?.minors ?? 0) > 0);
  });

  test('amounts follow responsibility + plan paid <= allowed <= charged, dates lie in the last 3 years', async () => {
    const res = await adminQuery<{ bad_amounts: number; min_date: string; max_date: string; n: number }>(
      db.adminUrl,
      `SELECT count(*) FILTER (WHERE patient_responsibility + plan_paid_amount > allowed_amount
                                  OR allowed_amount > charged_amount
                                  OR least(patient_responsibility, plan_paid_amount) < 0)::int AS bad_amounts,
              to_char(min(claim_date), 'YYYY-MM-DD') AS min_date, to_char(max(claim_date), 'YYYY-MM-DD') AS max_date,
              count(*)::int AS n
       FROM claims_history`,
    );
    const r = res.rows[0];
    assert.ok(r);
    assert.equal(r.bad_amounts, 0);
    assert.ok(r.n > 5000, `${r.n} claims`);
    const today = new Date(`${TEMPLATE_SEED.today}T00:00:00Z`);
    const threeYearsAgo = new Date(today);
    threeYearsAgo.setUTCFullYear(today.getUTCFullYear() - 3);
    assert.ok(r.max_date <= TEMPLATE_SEED.today, r.max_date);
    assert.ok(r.min_date >= threeYearsAgo.toISOString().slice(0, 10), r.min_date);
  });

  test('codes have the right shapes for the claim type', async () => {
    const res = await adminQuery<{ bad: number }>(
      db.adminUrl,
      `SELECT count(*)::int AS bad FROM claims_history
       WHERE diagnosis_code !~ '^[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?$'
          OR (claim_type = 'Medical' AND (procedure_code !~ '^[0-9]{5}$' OR ndc_code IS NOT NULL))
          OR (claim_type = 'RX' AND (ndc_code !~ '^[0-9]{5}-[0-9]{4}-[0-9]{2}$' OR procedure_code IS NOT NULL))
          OR member_name <> (SELECT p.first_name || ' ' || p.last_name FROM people p WHERE p.person_id = claims_history.person_id)
          OR relationship_code <> (SELECT p.relationship_code FROM people p WHERE p.person_id = claims_history.person_id)`,
    );
    assert.equal(res.rows[0]?.bad, 0);
  });

  test('the demo family is there as documented', async () => {
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
    try {
      const families = await listFamilies(pool);
      assert.ok(families.length >= 500);
      const demo = families.find((f) => f.memberId === DEMO_MEMBER_IDS.family);
      assert.deepEqual(
        demo?.people.map((p) => [p.personId, p.name, p.relationship]),
        [
          ['1000000001-01', 'Daniel Whitfield', 'subscriber'],
          ['1000000001-02', 'Elena Whitfield', 'spouse'],
          ['1000000001-03', 'Sophie Whitfield', 'daughter'],
          ['1000000001-04', 'Lucas Whitfield', 'son'],
        ],
      );
      assert.match(demo?.people[0]?.birthDate ?? '', /^\d{4}-\d\d-\d\d$/);
      assert.equal(await seedIfEmpty(pool), false, 'an already seeded database is left alone');
    } finally {
      await pool.end();
    }
  });
});

describe('seed determinism', () => {
  test('same options build the same data; another seed builds other data', () => {
    const hash = (seed: number) =>
      createHash('sha256')
        .update(JSON.stringify(buildSeedData({ families: 40, today: '2025-06-30', seed })))
        .digest('hex');
    assert.equal(hash(7), hash(7));
    assert.notEqual(hash(7), hash(8));
  });

  test('benefits come from their own random stream: the claims generated before them keep every value', () => {
    // The hash of the first 2,079 claims (families 40, seed 7, 2025-06-30) as the generator made them
    // before benefits existed (commit 76ab017): the same rows, in the same order, hence the same ids.
    const data = buildSeedData({ families: 40, today: '2025-06-30', seed: 7 });
    const fields = [
      'memberId',
      'personId',
      'memberName',
      'relationship',
      'claimType',
      'claimDate',
      'providerName',
      'diagnosisCode',
      'procedureCode',
      'ndcCode',
      'charged',
      'allowed',
      'planPaid',
      'patientResponsibility',
    ] as const;
    const original = data.claims.slice(0, 2079).map((c) => Object.fromEntries(fields.map((k) => [k, c[k]])));
    assert.equal(
      createHash('sha256').update(JSON.stringify(original)).digest('hex'),
      '051c82f9126042bb9d6c3b32fcbea09b103802a011a833b166d427cfd020f9ab',
    );
    // After them: denied and pending claims, then the visits of the services with a visit limit
    // (chiropractic, occupational and speech therapy), which generate.ts never draws.
    const added = data.claims.slice(2079);
    const limited = new Set(['chiropractic', 'occupational_therapy', 'speech_therapy']);
    assert.ok(added.some((c) => c.status === 'denied' || c.status === 'pending'));
    assert.ok(added.some((c) => limited.has(c.serviceCategory) && c.status === 'paid'));
    assert.ok(
      added.every((c) => c.status === 'denied' || c.status === 'pending' || limited.has(c.serviceCategory)),
      'nothing else is added',
    );
  });

  test('two databases seeded alike hold identical rows (checksum), and it is quick', async () => {
    const dbs = await Promise.all([emptyDatabase(), emptyDatabase()]);
    try {
      const sums: string[] = [];
      for (const db of dbs) {
        await migrate(db.adminUrl);
        const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
        try {
          const started = Date.now();
          assert.equal(await seedIfEmpty(pool, { families: 60, today: '2025-06-30', seed: 11 }), true);
          assert.ok(Date.now() - started < 10_000);
        } finally {
          await pool.end();
        }
        sums.push((await adminQuery<{ sum: string }>(db.adminUrl, CHECKSUM_SQL)).rows[0]?.sum ?? '');
      }
      assert.equal(sums[0], sums[1]);
      assert.match(sums[0] ?? '', /^[0-9a-f]{32}$/);
    } finally {
      await Promise.all(dbs.map((d) => d.drop()));
    }
  });

  test('seeding refuses a role that does not bypass RLS', async () => {
    const db = await emptyDatabase();
    try {
      await migrate(db.adminUrl);
      const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
      try {
        const client = await pool.connect();
        // Same connection, but acting as the (non-superuser) owner role.
        await client.query('SET ROLE claims_owner');
        client.release();
        await assert.rejects(seedDatabase(pool, { families: 5, today: '2025-06-30' }), /BYPASSRLS/);
      } finally {
        await pool.end();
      }
    } finally {
      await db.drop();
    }
  });
});
