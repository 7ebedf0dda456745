-- Request scope and row-level security.
--
-- Trusted code (as claims_app, before SET ROLE claims_member) calls app.open_scope(member, person)
-- inside the member query's own transaction. That writes one app.request_scope row keyed by the
-- transaction id; the transaction always ends in ROLLBACK, which removes it. The policy on
-- claims_history compares each row with the scope of the CURRENT transaction only, through
-- SECURITY DEFINER functions (claims_member cannot read app.request_scope itself).
--
-- FAMILY PRIVACY RULE (computed by app.visible_person_ids; also in docs/family-privacy.md):
--   * everyone sees their own claims;
--   * the subscriber and the spouse see each other's claims;
--   * the subscriber and the spouse see the claims of dependents (son, daughter, other) younger
--     than the plan's adult_age (default 18), unless the plan sets guardians_see_minors = false;
--   * a dependent who has reached adult_age sees only their own claims, and their claims are
--     visible to nobody else in the family;
--   * a minor dependent who signs in sees only their own claims.
-- Age is taken on the database's current_date: a dependent is an adult from their birthday on.
CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION claims_owner;

SET LOCAL ROLE claims_owner;

REVOKE ALL ON SCHEMA app FROM PUBLIC;
-- Functions are executable by PUBLIC unless revoked: make the owner's new functions private.
ALTER DEFAULT PRIVILEGES FOR ROLE claims_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE app.request_scope (
  txid xid8 PRIMARY KEY DEFAULT pg_catalog.pg_current_xact_id(),
  member_id bigint NOT NULL REFERENCES public.families (member_id),
  person_id text NOT NULL REFERENCES public.people (person_id),
  visible_person_ids text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);

CREATE FUNCTION app.visible_person_ids(p_member_id bigint, p_person_id text)
RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  WITH me AS (
    SELECT p.person_id, p.member_id, p.relationship_code,
           coalesce(pol.adult_age, 18) AS adult_age,
           coalesce(pol.guardians_see_minors, true) AS guardians_see_minors
    FROM public.people p
    JOIN public.families f ON f.member_id = p.member_id
    LEFT JOIN public.plan_policies pol ON pol.plan_id = f.plan_id
    WHERE p.member_id = p_member_id AND p.person_id = p_person_id
  )
  SELECT coalesce(array_agg(o.person_id ORDER BY o.person_id), '{}'::text[])
  FROM me
  JOIN public.people o ON o.member_id = me.member_id
  WHERE o.person_id = me.person_id
     OR (me.relationship_code IN ('subscriber', 'spouse')
         AND (o.relationship_code IN ('subscriber', 'spouse')
              OR (me.guardians_see_minors
                  AND o.relationship_code IN ('son', 'daughter', 'other')
                  AND (o.birth_date + make_interval(years => me.adult_age))::date > current_date)))
$$;

-- Writes this transaction's scope row. p_person_id NULL means the family's subscriber.
-- p_family_wide makes every person of the family visible: trusted code uses it only to ask
-- whether an empty answer hid rows (count > 0), never to return rows.
CREATE FUNCTION app.open_scope(p_member_id bigint, p_person_id text DEFAULT NULL, p_family_wide boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_person text;
  v_visible text[];
BEGIN
  SELECT p.person_id INTO v_person
  FROM public.people p
  WHERE p.member_id = p_member_id
    AND (p.person_id = p_person_id OR (p_person_id IS NULL AND p.relationship_code = 'subscriber'));
  IF v_person IS NULL THEN
    RAISE EXCEPTION 'no such person in this family' USING ERRCODE = 'CL001';
  END IF;
  IF p_family_wide THEN
    SELECT array_agg(p.person_id ORDER BY p.person_id) INTO v_visible
    FROM public.people p WHERE p.member_id = p_member_id;
  ELSE
    v_visible := app.visible_person_ids(p_member_id, v_person);
  END IF;
  INSERT INTO app.request_scope (member_id, person_id, visible_person_ids)
  VALUES (p_member_id, v_person, v_visible);
  RETURN cardinality(v_visible);
END
$$;

-- The scope of the current transaction (NULL when it has none: RLS then matches nothing).
CREATE FUNCTION app.scope_member_id()
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT s.member_id FROM app.request_scope s WHERE s.txid = pg_current_xact_id_if_assigned()
$$;

CREATE FUNCTION app.scope_visible_person_ids()
RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT s.visible_person_ids FROM app.request_scope s WHERE s.txid = pg_current_xact_id_if_assigned()
$$;

-- Name and relationship of a person of the family (the subscriber when p_person_id is NULL).
CREATE FUNCTION app.describe_person(p_member_id bigint, p_person_id text DEFAULT NULL)
RETURNS TABLE (name text, relationship_code text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT p.first_name || ' ' || p.last_name, p.relationship_code
  FROM public.people p
  WHERE p.member_id = p_member_id
    AND (p.person_id = p_person_id OR (p_person_id IS NULL AND p.relationship_code = 'subscriber'))
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA app FROM PUBLIC;
GRANT USAGE ON SCHEMA app TO claims_app, claims_member;
GRANT EXECUTE ON FUNCTION app.open_scope(bigint, text, boolean), app.describe_person(bigint, text) TO claims_app;
-- The policy below runs these as the querying role, so claims_member must be able to call them.
GRANT EXECUTE ON FUNCTION app.scope_member_id(), app.scope_visible_person_ids() TO claims_member;

ALTER TABLE public.claims_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.claims_history FORCE ROW LEVEL SECURITY;

-- The only policy: claims_member reads rows of the scoped family whose patient it may see.
-- Every other role (including the owner, under FORCE) matches no policy and sees nothing.
-- The sub-selects make the scope an InitPlan: read once per query, not once per row.
CREATE POLICY member_reads_visible_family_rows ON public.claims_history
  AS PERMISSIVE FOR SELECT TO claims_member
  USING (
    member_id = (SELECT app.scope_member_id())
    AND person_id = ANY (coalesce((SELECT app.scope_visible_person_ids()), '{}'::text[]))
  );
