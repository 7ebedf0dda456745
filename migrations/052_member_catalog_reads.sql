-- What the member role can read besides claims (issue: table statistics and the source of the
-- scope functions and policies). PostgreSQL grants most of pg_catalog to PUBLIC, and a grant to
-- PUBLIC cannot be denied to one role, so each object below is revoked from PUBLIC and granted
-- back to the roles that may use it: the service roles and pg_monitor (monitoring). These ACLs
-- live in this database's own catalogs: other databases on the server are not touched.
--
-- Taken away from claims_member (and any other role outside the list):
--   * statistics: every pg_stat* / pg_statio* view, pg_stats*, and the pg_stat_* functions
--     (live/dead tuple counts, scans, inserts: the size of the whole table, every family);
--   * sizes and activity: pg_class (reltuples, relpages), pg_relation_size and friends, WAL and
--     checkpoint positions, transaction ages (age(xid) of pg_database.datfrozenxid);
--   * sources: pg_proc (prosrc), pg_policy / pg_policies, rules, views, triggers, indexes and
--     the pg_get_*def / pg_get_expr functions (the scope functions' and policies' text);
--   * locks, settings, sequences, information_schema;
--   * USAGE on schema app: the policy calls app.scope_* by OID, which needs EXECUTE, not USAGE,
--     so member SQL can no longer even name a function there.
-- What remains readable, and why, is in docs/architecture.md (names of catalog objects, which
-- every SQL client needs; never rows of another table, never counts).
--
-- Only a superuser (or an object's owner) can change built-in objects' privileges. On a managed
-- server each statement is skipped with a notice, as in migration 005.
DO $$
DECLARE
  obj record;
  grantees constant text := 'claims_owner, claims_app, claims_admin, pg_monitor';
BEGIN
  FOR obj IN
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'pg_catalog'
      AND c.relkind IN ('r', 'v', 'm')
      AND (c.relname LIKE 'pg\_stat%'
           OR c.relname IN ('pg_class', 'pg_proc', 'pg_policy', 'pg_policies', 'pg_rewrite', 'pg_rules',
                            'pg_views', 'pg_matviews', 'pg_trigger', 'pg_indexes', 'pg_locks', 'pg_settings',
                            'pg_sequence', 'pg_sequences', 'pg_database'))
    ORDER BY 1
  LOOP
    BEGIN
      EXECUTE format('REVOKE SELECT ON TABLE %s FROM PUBLIC', obj.name);
      EXECUTE format('GRANT SELECT ON TABLE %s TO %s', obj.name, grantees);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'not allowed to revoke SELECT on %; skipped', obj.name;
    END;
  END LOOP;

  FOR obj IN
    SELECT p.oid::regprocedure::text AS name
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND (p.proname LIKE 'pg\_stat\_%'
           OR p.proname LIKE 'pg\_get\_%def'
           OR p.proname LIKE 'pg\_get\_statisticsobjdef%'
           OR p.proname LIKE 'pg\_get\_function\_%'
           OR p.proname LIKE 'pg\_current\_wal\_%'
           OR p.proname LIKE 'pg\_last\_wal\_%'
           OR p.proname LIKE 'pg\_control\_%'
           OR p.proname IN ('pg_available_wal_summaries', 'pg_wal_summary_contents', 'pg_get_wal_summarizer_state')
           OR (p.proname IN ('age', 'mxid_age') AND p.pronargs = 1 AND p.proargtypes[0] = 'xid'::regtype)
           OR p.proname IN ('pg_get_expr', 'pg_get_function_sqlbody',
                            'pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size',
                            'pg_database_size', 'pg_tablespace_size', 'pg_relation_filenode',
                            'pg_relation_filepath', 'pg_filenode_relation',
                            'pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids',
                            'pg_show_all_settings', 'pg_sequence_last_value', 'pg_sequence_parameters',
                            'pg_get_sequence_data', 'pg_mcv_list_items', 'pg_last_committed_xact'))
    ORDER BY 1
  LOOP
    BEGIN
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', obj.name);
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', obj.name, grantees);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'not allowed to revoke EXECUTE on %; skipped', obj.name;
    END;
  END LOOP;

  BEGIN
    REVOKE USAGE ON SCHEMA information_schema FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA information_schema TO %s', grantees);
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not allowed to revoke USAGE on information_schema; skipped';
  END;
END
$$;

-- Ours to change everywhere: the member role needs EXECUTE on app.scope_* (the policy calls
-- them), not USAGE on the schema.
SET LOCAL ROLE claims_owner;
REVOKE USAGE ON SCHEMA app FROM claims_member;
