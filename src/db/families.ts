/** Runtime queries about families (who is in which family), for tooling and the local demo picker. */
import type pg from 'pg';
import type { RelationshipCode } from '../schema/catalog.ts';

export interface FamilySummary {
  readonly memberId: string;
  readonly planId: string;
  readonly people: { personId: string; name: string; relationship: RelationshipCode; birthDate: string }[];
}

/**
 * Families and their people, for the `claims members` CLI and the chat page's picker
 * (needs an admin or claims_admin connection: claims_app cannot read people).
 *
 * @example
 * const families = await listFamilies(adminPool);
 */
export async function listFamilies(pool: pg.Pool): Promise<FamilySummary[]> {
  const res = await pool.query<{
    member_id: string;
    plan_id: string;
    person_id: string;
    name: string;
    relationship_code: RelationshipCode;
    birth_date: string;
  }>(
    `SELECT f.member_id::text AS member_id, f.plan_id, p.person_id, p.first_name || ' ' || p.last_name AS name,
            p.relationship_code, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date
     FROM public.families f JOIN public.people p ON p.member_id = f.member_id
     ORDER BY f.member_id, p.person_id`,
  );
  const byMember = new Map<string, FamilySummary>();
  for (const r of res.rows) {
    let family = byMember.get(r.member_id);
    if (!family) {
      family = { memberId: r.member_id, planId: r.plan_id, people: [] };
      byMember.set(r.member_id, family);
    }
    family.people.push({
      personId: r.person_id,
      name: r.name,
      relationship: r.relationship_code,
      birthDate: r.birth_date,
    });
  }
  return [...byMember.values()];
}

/** In-network totals of one plan year. Money as decimal strings. */
export interface Accumulated {
  readonly deductibleMet: string;
  readonly oopMet: string;
}

export interface FamilyBenefits extends FamilySummary {
  readonly plan: {
    readonly name: string;
    readonly type: string | null;
    readonly familyDeductibleKind: string;
    readonly planYear: number;
    /** In-network limits of the plan year. */
    readonly deductibleIndividual: string | null;
    readonly deductibleFamily: string | null;
    readonly oopMaxIndividual: string | null;
    readonly oopMaxFamily: string | null;
  };
  /** The payer's in-network totals for the plan year: the family's and each person's. */
  readonly accumulators: {
    readonly asOf: string | null;
    readonly family: Accumulated | null;
    readonly people: Readonly<Record<string, Accumulated>>;
  };
}

/**
 * Families with their plan and in-network accumulators for a plan year (default: the database's
 * current year), for `claims members` (admin connection: it reads every person's totals).
 *
 * @example
 * const families = await listFamiliesWithBenefits(adminPool);
 */
export async function listFamiliesWithBenefits(pool: pg.Pool, planYear?: number): Promise<FamilyBenefits[]> {
  const families = await listFamilies(pool);
  const year =
    planYear ??
    Number((await pool.query<{ y: number }>('SELECT extract(year FROM current_date)::int AS y')).rows[0]?.y);
  const plans = await pool.query<{
    member_id: string;
    name: string;
    plan_type: string | null;
    family_deductible_kind: string;
    deductible_individual: string | null;
    deductible_family: string | null;
    oop_max_individual: string | null;
    oop_max_family: string | null;
    deductible_met: string | null;
    oop_met: string | null;
    as_of: string | null;
  }>(
    `SELECT f.member_id::text AS member_id, p.name, p.plan_type, p.family_deductible_kind,
            l.deductible_individual::text, l.deductible_family::text, l.oop_max_individual::text, l.oop_max_family::text,
            t.deductible_met::text, t.oop_met::text, to_char(t.as_of_date, 'YYYY-MM-DD') AS as_of
     FROM public.families f
     JOIN public.plans p ON p.plan_id = f.plan_id
     LEFT JOIN public.plan_year_limits l ON l.plan_id = f.plan_id AND l.plan_year = $1 AND l.network = 'in_network'
     LEFT JOIN public.family_accumulator_totals t
       ON t.member_id = f.member_id AND t.plan_year = $1 AND t.network = 'in_network'`,
    [year],
  );
  const people = await pool.query<{ person_id: string; deductible_met: string; oop_met: string }>(
    `SELECT person_id, deductible_met::text, oop_met::text FROM public.accumulators
     WHERE plan_year = $1 AND network = 'in_network'`,
    [year],
  );
  const personTotals = new Map(
    people.rows.map((r) => [r.person_id, { deductibleMet: r.deductible_met, oopMet: r.oop_met }]),
  );
  const byMember = new Map(plans.rows.map((r) => [r.member_id, r]));
  return families.map((f) => {
    const r = byMember.get(f.memberId);
    return {
      ...f,
      plan: {
        name: r?.name ?? f.planId,
        type: r?.plan_type ?? null,
        familyDeductibleKind: r?.family_deductible_kind ?? 'embedded',
        planYear: year,
        deductibleIndividual: r?.deductible_individual ?? null,
        deductibleFamily: r?.deductible_family ?? null,
        oopMaxIndividual: r?.oop_max_individual ?? null,
        oopMaxFamily: r?.oop_max_family ?? null,
      },
      accumulators: {
        asOf: r?.as_of ?? null,
        family:
          r?.deductible_met != null && r.oop_met != null
            ? { deductibleMet: r.deductible_met, oopMet: r.oop_met }
            : null,
        people: Object.fromEntries(
          f.people.flatMap((p) => {
            const t = personTotals.get(p.personId);
            return t ? [[p.personId, t]] : [];
          }),
        ),
      },
    };
  });
}
