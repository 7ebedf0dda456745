-- Who a sign-in is: the Cognito user name (or sub) of each user, mapped to one person of a
-- family and a role. The pre-token-generation trigger reads it (through app.identity_claims, as
-- claims_app) and puts custom:member_id, custom:person_id and custom:role into the token; a user
-- without a row gets no member claims, so the API answers 401/403.
SET LOCAL ROLE claims_owner;

CREATE TABLE public.identity_map (
  -- Cognito userName (often the sub itself); compared exactly.
  username text PRIMARY KEY CHECK (length(username) BETWEEN 1 AND 128),
  -- Admins are people too: the API requires a person id on every identity.
  person_id text NOT NULL REFERENCES public.people (person_id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_map_person ON public.identity_map (person_id);

-- The claims for one sign-in, looked up by user name first, then by sub. SECURITY DEFINER so
-- claims_app can resolve one user without reading the mapping table or people as a whole.
CREATE FUNCTION app.identity_claims(p_username text, p_sub text DEFAULT NULL)
RETURNS TABLE (member_id text, person_id text, role text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT p.member_id::text, p.person_id, m.role
  FROM public.identity_map m
  JOIN public.people p ON p.person_id = m.person_id
  WHERE m.username = p_username OR (p_sub IS NOT NULL AND m.username = p_sub)
  ORDER BY (m.username = p_username) DESC
  LIMIT 1
$$;

REVOKE EXECUTE ON FUNCTION app.identity_claims(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.identity_claims(text, text) TO claims_app;
-- Admin tooling manages the mapping.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.identity_map TO claims_admin;
