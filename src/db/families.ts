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
