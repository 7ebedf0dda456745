/** Loads generated seed rows (generate.ts) into a migrated database. */
import type pg from 'pg';
import { buildSeedData, type SeedData, type SeedOptions } from './generate.ts';

/**
 * Loads the seed into an empty, migrated database. Needs a role that bypasses row-level
 * security (the local superuser): claims_history has FORCE ROW LEVEL SECURITY.
 *
 * @example
 * await seedDatabase(adminPool, { families: 500, today: '2025-06-30' });
 */
export async function seedDatabase(pool: pg.Pool, options: SeedOptions = {}): Promise<SeedData> {
  const data = buildSeedData(options);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const who = await client.query<{ ok: boolean }>(
      'SELECT rolsuper OR rolbypassrls AS ok FROM pg_catalog.pg_roles WHERE rolname = current_user',
    );
    if (!who.rows[0]?.ok) throw new Error('seeding needs a superuser or BYPASSRLS role (claims_history forces RLS)');
    await client.query(
      `INSERT INTO public.plans (plan_id, name, deductible, out_of_pocket_max)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[])`,
      [
        data.plans.map((p) => p.planId),
        data.plans.map((p) => p.name),
        data.plans.map((p) => p.deductible),
        data.plans.map((p) => p.outOfPocketMax),
      ],
    );
    await client.query(
      `INSERT INTO public.plan_policies (plan_id, adult_age, guardians_see_minors)
       SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[])`,
      [data.plans.map((p) => p.planId), data.plans.map((p) => p.adultAge), data.plans.map((p) => p.guardiansSeeMinors)],
    );
    await client.query(
      'INSERT INTO public.families (member_id, plan_id) SELECT * FROM unnest($1::bigint[], $2::text[])',
      [data.families.map((f) => f.memberId), data.families.map((f) => f.planId)],
    );
    await client.query(
      `INSERT INTO public.people (person_id, member_id, first_name, last_name, relationship_code, birth_date)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::date[])`,
      [
        data.people.map((p) => p.personId),
        data.people.map((p) => p.memberId),
        data.people.map((p) => p.firstName),
        data.people.map((p) => p.lastName),
        data.people.map((p) => p.relationship),
        data.people.map((p) => p.birthDate),
      ],
    );
    const BATCH = 5000;
    for (let i = 0; i < data.claims.length; i += BATCH) {
      const batch = data.claims.slice(i, i + BATCH);
      await client.query(
        `INSERT INTO public.claims_history (member_id, person_id, member_name, relationship_code, claim_type,
           claim_date, provider_name, diagnosis_code, procedure_code, ndc_code, charged_amount, allowed_amount,
           plan_paid_amount, patient_responsibility)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[])`,
        [
          batch.map((c) => c.memberId),
          batch.map((c) => c.personId),
          batch.map((c) => c.memberName),
          batch.map((c) => c.relationship),
          batch.map((c) => c.claimType),
          batch.map((c) => c.claimDate),
          batch.map((c) => c.providerName),
          batch.map((c) => c.diagnosisCode),
          batch.map((c) => c.procedureCode),
          batch.map((c) => c.ndcCode),
          batch.map((c) => c.charged),
          batch.map((c) => c.allowed),
          batch.map((c) => c.planPaid),
          batch.map((c) => c.patientResponsibility),
        ],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE public.claims_history, public.people, public.families');
    return data;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Seeds only when there are no families yet; returns whether it seeded.
 *
 * @example
 * if (await seedIfEmpty(adminPool)) console.log('seeded');
 */
export async function seedIfEmpty(pool: pg.Pool, options: SeedOptions = {}): Promise<boolean> {
  const res = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM public.families) AS any');
  if (res.rows[0]?.any) return false;
  await seedDatabase(pool, options);
  return true;
}
