-- Roles for the claims assistant. Roles are cluster-wide (shared by every database on the
-- server), so each is created only when missing, and a concurrent creator is tolerated.
--
--   claims_owner   NOLOGIN  owns tables and the SECURITY DEFINER scope functions (not a superuser)
--   claims_member  NOLOGIN  the role member SQL runs as: SELECT on claims_history only, under RLS
--   claims_app     LOGIN    the service; NOINHERIT, so it holds claims_member's rights only after
--                           SET ROLE; writes the scope row (through app.open_scope) and audit rows
--   claims_admin   NOLOGIN  admin tooling: reads audit rows and the family tables
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['claims_owner', 'claims_member', 'claims_app', 'claims_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database's migration created it first
      END;
    END IF;
  END LOOP;
END
$$;

ALTER ROLE claims_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE claims_member NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE claims_app LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE claims_admin NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- claims_app may SET ROLE claims_member; NOINHERIT means it gets nothing from it until it does.
GRANT claims_member TO claims_app;

-- On a managed server the migrating user is not a superuser: let it act as the owner role.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT claims_owner TO %I', current_user);
  END IF;
END
$$;

-- Nobody but the owner creates objects in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO claims_owner;
