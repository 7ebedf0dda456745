-- plan_benefits, like family_accumulators in migration 185: a view over one SECURITY DEFINER
-- function that reads the scoped family's plan once (app.scope_plan(): the verified scope) and its
-- yearly limits (plan_year_limits, whose RLS still admits only that plan), instead of a join the
-- member query's planner expands and plans twice per ask. Same columns, types, rows and grants;
-- the plan's terms hold no person data (everyone in the family may read them).
SET LOCAL ROLE claims_owner;
CREATE FUNCTION app.scope_plan_benefits()
RETURNS TABLE (member_id bigint, plan_name text, plan_type text, coverage_level text, family_deductible_kind text,
               plan_year integer, network text, deductible_individual numeric(10, 2), deductible_family numeric(10, 2),
               oop_max_individual numeric(10, 2), oop_max_family numeric(10, 2))
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 4
SET search_path = pg_catalog, app
AS $$
BEGIN
  RETURN QUERY
    SELECT sp.member_id, sp.plan_name, sp.plan_type, sp.coverage_level, sp.family_deductible_kind,
           l.plan_year, l.network, l.deductible_individual, l.deductible_family, l.oop_max_individual, l.oop_max_family
    FROM app.scope_plan() sp
    JOIN public.plan_year_limits l ON l.plan_id = sp.plan_id;
END
$$;
REVOKE EXECUTE ON FUNCTION app.scope_plan_benefits() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.scope_plan_benefits() TO claims_member;
CREATE OR REPLACE VIEW public.plan_benefits WITH (security_barrier = true) AS
  SELECT b.member_id, b.plan_name, b.plan_type, b.coverage_level, b.family_deductible_kind,
         b.plan_year, b.network, b.deductible_individual::numeric(10, 2), b.deductible_family::numeric(10, 2),
         b.oop_max_individual::numeric(10, 2), b.oop_max_family::numeric(10, 2)
  FROM app.scope_plan_benefits() b;
