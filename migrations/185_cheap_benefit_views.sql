-- Benefit views that are cheap to plan (issue 14: the deductible question at 5 M claims).
--
-- PgMemberDb plans every member query twice (the plan check's EXPLAIN, then the query), so a view's
-- planning cost is paid twice per ask. family_accumulators was a UNION ALL of the family's totals
-- (RLS: only when the whole family is visible) and the sum over the visible people (when not), with
-- a correlated count: seven scope sub-selects to plan, about half a millisecond, twice. It is now a
-- view over one SECURITY DEFINER function that reads the verified scope once and applies the same
-- rule (docs/family-privacy.md):
--   * the person may see everyone in the family: the payer's family totals
--     (includes_everyone = true, people_included = the people with an accumulator row);
--   * otherwise: the sums over the people they may see (includes_everyone = false), which reveal
--     nothing they could not add up from those people's own accumulator rows.
-- No scope, no rows. The tables' row-level security still applies inside (the policies are the
-- owner's too), so the function cannot read more than the scope allows even if its own filter were
-- wrong. The view keeps its name, columns, types and grants.
--
-- app.scope_plan() (plan_benefits, plan_cost_sharing) becomes PL/pgSQL: same signature and rows,
-- but its query's plan is cached for the session instead of being set up on every call.
SET LOCAL ROLE claims_owner;

CREATE FUNCTION app.scope_family_accumulators()
RETURNS TABLE (member_id bigint, plan_year integer, network text, deductible_met numeric(10, 2),
               oop_met numeric(10, 2), people_included integer, includes_everyone boolean, as_of_date date)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 4
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_scope record;
BEGIN
  SELECT s.member_id, s.visible_person_ids INTO v_scope FROM app.current_scope() s;
  IF v_scope.member_id IS NULL THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.people o
                 WHERE o.member_id = v_scope.member_id AND NOT (o.person_id = ANY (v_scope.visible_person_ids))) THEN
    RETURN QUERY
      SELECT t.member_id, t.plan_year, t.network, t.deductible_met, t.oop_met,
             (SELECT count(*) FROM public.accumulators a
              WHERE a.member_id = t.member_id AND a.plan_year = t.plan_year AND a.network = t.network)::integer,
             true, t.as_of_date
      FROM public.family_accumulator_totals t
      WHERE t.member_id = v_scope.member_id;
  ELSE
    RETURN QUERY
      SELECT a.member_id, a.plan_year, a.network, sum(a.deductible_met)::numeric(10, 2),
             sum(a.oop_met)::numeric(10, 2), count(*)::integer, false, max(a.as_of_date)
      FROM public.accumulators a
      WHERE a.member_id = v_scope.member_id AND a.person_id = ANY (v_scope.visible_person_ids)
      GROUP BY a.member_id, a.plan_year, a.network;
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION app.scope_family_accumulators() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.scope_family_accumulators() TO claims_member;

CREATE OR REPLACE VIEW public.family_accumulators WITH (security_barrier = true) AS
  SELECT f.member_id, f.plan_year, f.network, f.deductible_met::numeric(10, 2), f.oop_met::numeric(10, 2), f.people_included,
         f.includes_everyone, f.as_of_date
  FROM app.scope_family_accumulators() f;

CREATE OR REPLACE FUNCTION app.scope_plan()
RETURNS TABLE (member_id bigint, plan_id text, plan_name text, plan_type text, family_deductible_kind text,
               coverage_level text)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1
SET search_path = pg_catalog, app
AS $$
BEGIN
  RETURN QUERY
    SELECT f.member_id, p.plan_id, p.name, p.plan_type, p.family_deductible_kind,
           CASE WHEN (SELECT count(*) FROM public.people o WHERE o.member_id = f.member_id) > 1
                THEN 'family' ELSE 'individual' END
    FROM app.current_scope() s
    JOIN public.families f ON f.member_id = s.member_id
    JOIN public.plans p ON p.plan_id = f.plan_id;
END
$$;
