-- Family privacy without an oracle (docs/family-privacy.md).
--
-- 1. The family-wide scope is gone: app.open_scope keeps its signature (old callers pass false)
--    but refuses p_family_wide = true. It used to let trusted code re-run an empty member query
--    over the whole family and report "withheld" when hidden claims matched: one boolean that
--    answered any yes/no question about a private person.
-- 2. app.family_roster(member, person): the family's people as the signed-in person may know
--    them (name, relationship) and whether their claims are visible to that person under the
--    plan's policy. Trusted code decides "I can't share that" from WHO a question is about
--    (the SQL's predicates evaluated on this roster), never from hidden claims.
SET LOCAL ROLE claims_owner;

CREATE OR REPLACE FUNCTION app.open_scope(p_member_id bigint, p_person_id text DEFAULT NULL, p_family_wide boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_person text;
  v_visible text[];
BEGIN
  IF p_family_wide THEN
    RAISE EXCEPTION 'family-wide scopes are not available' USING ERRCODE = 'CL002';
  END IF;
  SELECT p.person_id INTO v_person
  FROM public.people p
  WHERE p.member_id = p_member_id
    AND (p.person_id = p_person_id OR (p_person_id IS NULL AND p.relationship_code = 'subscriber'));
  IF v_person IS NULL THEN
    RAISE EXCEPTION 'no such person in this family' USING ERRCODE = 'CL001';
  END IF;
  v_visible := app.visible_person_ids(p_member_id, v_person);
  INSERT INTO app.request_scope (member_id, person_id, visible_person_ids)
  VALUES (p_member_id, v_person, v_visible);
  RETURN cardinality(v_visible);
END
$$;

-- Everyone in the family, with whether the signed-in person (the subscriber when p_person_id is
-- NULL) may see their claims, by the same rule the RLS scope uses. No rows for an unknown person.
CREATE FUNCTION app.family_roster(p_member_id bigint, p_person_id text DEFAULT NULL)
RETURNS TABLE (person_id text, name text, relationship_code text, visible boolean, is_self boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  WITH me AS (
    SELECT p.person_id
    FROM public.people p
    WHERE p.member_id = p_member_id
      AND (p.person_id = p_person_id OR (p_person_id IS NULL AND p.relationship_code = 'subscriber'))
  ), sees AS (
    SELECT me.person_id AS self_id, app.visible_person_ids(p_member_id, me.person_id) AS ids FROM me
  )
  SELECT o.person_id, o.first_name || ' ' || o.last_name, o.relationship_code,
         o.person_id = ANY (sees.ids), o.person_id = sees.self_id
  FROM sees
  JOIN public.people o ON o.member_id = p_member_id
  ORDER BY o.person_id
$$;

REVOKE EXECUTE ON FUNCTION app.family_roster(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.family_roster(bigint, text) TO claims_app;
