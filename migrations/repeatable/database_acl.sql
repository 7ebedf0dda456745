-- Database-level privileges live on the pg_database row, which CREATE DATABASE ... TEMPLATE does
-- not copy, so the migration runner applies this file on every run (it is idempotent).
-- No role but the owner may create schemas or temporary tables in this database.
DO $$
BEGIN
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'database_acl: not the database owner; CREATE/TEMPORARY left as they are';
END
$$;
