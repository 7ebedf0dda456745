/** Loads generated seed rows (generate.ts) into a migrated database. */
import type pg from 'pg';
import { buildSeedData, type SeedData, type SeedOptions } from './generate.ts';
import { PLAN_DESIGNS } from './plan-designs.ts';

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
      `INSERT INTO public.plans (plan_id, name, deductible, out_of_pocket_max, plan_type, family_deductible_kind)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::text[], $6::text[])`,
      [
        data.plans.map((p) => p.planId),
        data.plans.map((p) => p.name),
        data.plans.map((p) => p.deductible),
        data.plans.map((p) => p.outOfPocketMax),
        data.plans.map((p) => PLAN_DESIGNS[p.planId]?.planType ?? null),
        data.plans.map((p) => PLAN_DESIGNS[p.planId]?.familyDeductibleKind ?? 'embedded'),
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
    await insertBenefits(client, data);
    const BATCH = 5000;
    for (let i = 0; i < data.claims.length; i += BATCH) {
      const batch = data.claims.slice(i, i + BATCH);
      await client.query(
        `INSERT INTO public.claims_history (member_id, person_id, member_name, relationship_code, claim_type,
           claim_date, provider_name, diagnosis_code, procedure_code, ndc_code, charged_amount, allowed_amount,
           plan_paid_amount, patient_responsibility, claim_status, processed_date, denial_code, service_category,
           network, deductible_amount, copay_amount, coinsurance_amount, not_covered_amount)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[],
           $15::text[], $16::date[], $17::text[], $18::text[], $19::text[], $20::numeric[], $21::numeric[],
           $22::numeric[], $23::numeric[])`,
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
          batch.map((c) => c.status),
          batch.map((c) => c.processedDate),
          batch.map((c) => c.denialCode),
          batch.map((c) => c.serviceCategory),
          batch.map((c) => c.network),
          batch.map((c) => c.deductibleAmount),
          batch.map((c) => c.copayAmount),
          batch.map((c) => c.coinsuranceAmount),
          batch.map((c) => c.notCoveredAmount),
        ],
      );
    }
    await insertAccumulators(client, data);
    await client.query('COMMIT');
    await client.query(
      `ANALYZE public.claims_history, public.people, public.families, public.accumulators, public.visit_counts,
         public.family_accumulator_totals, public.plan_year_limits, public.plan_service_benefits`,
    );
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

/** Plan terms per plan year (plan_year_limits, plan_service_benefits). */
async function insertBenefits(client: pg.PoolClient, data: SeedData): Promise<void> {
  const l = data.planYearLimits;
  await client.query(
    `INSERT INTO public.plan_year_limits (plan_id, plan_year, network, deductible_individual, deductible_family,
       oop_max_individual, oop_max_family)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[])`,
    [
      l.map((r) => r.planId),
      l.map((r) => r.planYear),
      l.map((r) => r.network),
      l.map((r) => r.deductibleIndividual),
      l.map((r) => r.deductibleFamily),
      l.map((r) => r.oopMaxIndividual),
      l.map((r) => r.oopMaxFamily),
    ],
  );
  const b = data.planServices;
  await client.query(
    `INSERT INTO public.plan_service_benefits (plan_id, plan_year, service_category, network, covered, copay,
       coinsurance_percent, deductible_applies, visit_limit)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::boolean[], $6::numeric[], $7::int[],
       $8::boolean[], $9::int[])`,
    [
      b.map((r) => r.planId),
      b.map((r) => r.planYear),
      b.map((r) => r.serviceCategory),
      b.map((r) => r.network),
      b.map((r) => r.covered),
      b.map((r) => r.copay),
      b.map((r) => r.coinsurancePercent),
      b.map((r) => r.deductibleApplies),
      b.map((r) => r.visitLimit),
    ],
  );
}

/** The payer's running totals: per person, per family, visit counts. */
async function insertAccumulators(client: pg.PoolClient, data: SeedData): Promise<void> {
  const a = data.accumulators;
  await client.query(
    `INSERT INTO public.accumulators (member_id, person_id, member_name, relationship_code, plan_year, network,
       deductible_met, oop_met, as_of_date)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::numeric[],
       $8::numeric[], $9::date[])`,
    [
      a.map((r) => r.memberId),
      a.map((r) => r.personId),
      a.map((r) => r.memberName),
      a.map((r) => r.relationship),
      a.map((r) => r.planYear),
      a.map((r) => r.network),
      a.map((r) => r.deductibleMet),
      a.map((r) => r.oopMet),
      a.map((r) => r.asOfDate),
    ],
  );
  const f = data.familyTotals;
  await client.query(
    `INSERT INTO public.family_accumulator_totals (member_id, plan_year, network, deductible_met, oop_met, as_of_date)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::numeric[], $5::numeric[], $6::date[])`,
    [
      f.map((r) => r.memberId),
      f.map((r) => r.planYear),
      f.map((r) => r.network),
      f.map((r) => r.deductibleMet),
      f.map((r) => r.oopMet),
      f.map((r) => r.asOfDate),
    ],
  );
  const v = data.visitCounts;
  await client.query(
    `INSERT INTO public.visit_counts (member_id, person_id, member_name, relationship_code, plan_year,
       service_category, visits_used, as_of_date)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[],
       $8::date[])`,
    [
      v.map((r) => r.memberId),
      v.map((r) => r.personId),
      v.map((r) => r.memberName),
      v.map((r) => r.relationship),
      v.map((r) => r.planYear),
      v.map((r) => r.serviceCategory),
      v.map((r) => r.visitsUsed),
      v.map((r) => r.asOfDate),
    ],
  );
}
