-- Take functions a member query could abuse away from PUBLIC: changing settings or the role
-- (set_config), reading settings (current_setting), running arbitrary SQL text (query_to_xml and
-- friends, ts_stat), stalling (pg_sleep*), session-level locks that outlive ROLLBACK (advisory
-- locks), other connections (dblink), large objects, server files, signalling other backends,
-- transaction ids and NOTIFY.
--
-- Only a superuser can revoke from built-in functions. On a managed server (no superuser) each
-- REVOKE is skipped with a notice so the migration still applies; the validator and the member
-- role still stand. Trusted code needs none of these: it uses SET LOCAL statements, not set_config.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure
    FROM pg_catalog.pg_proc p
    WHERE p.proname IN (
        'set_config', 'current_setting',
        'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
        'cursor_to_xml', 'cursor_to_xmlschema',
        'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema',
        'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
        'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
        'ts_stat',
        'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
        'loread', 'lowrite',
        'pg_read_file', 'pg_read_binary_file', 'pg_stat_file', 'pg_ls_dir', 'pg_ls_logdir',
        'pg_ls_waldir', 'pg_ls_tmpdir', 'pg_ls_archive_statusdir', 'pg_ls_logicalsnapdir',
        'pg_ls_logicalmapdir', 'pg_ls_replslotdir', 'pg_ls_summariesdir',
        'pg_terminate_backend', 'pg_cancel_backend',
        'pg_current_xact_id', 'pg_current_xact_id_if_assigned', 'pg_xact_status',
        'pg_current_snapshot', 'pg_snapshot_xmin', 'pg_snapshot_xmax', 'pg_snapshot_xip',
        'pg_visible_in_snapshot', 'pg_xact_commit_timestamp', 'pg_xact_commit_timestamp_origin',
        'pg_notify', 'pg_listening_channels', 'pg_notification_queue_usage'
      )
      OR p.proname LIKE 'pg\_advisory\_%'
      OR p.proname LIKE 'pg\_try\_advisory\_%'
      OR p.proname LIKE 'txid\_%'
      OR p.proname LIKE 'lo\_%'
      OR p.proname LIKE 'dblink%'
  LOOP
    BEGIN
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'not allowed to revoke EXECUTE on %; skipped', f;
    END;
  END LOOP;

  -- The scope functions (SECURITY DEFINER, run as claims_owner) and request_scope's column
  -- default read the current transaction id: give exactly those back, to the owner only.
  BEGIN
    GRANT EXECUTE ON FUNCTION pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_xact_id_if_assigned()
      TO claims_owner;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not allowed to grant the transaction-id functions; they stay as they were';
  END;

  -- temp_file_limit is superuser-settable; let the service cap member queries' temp files.
  BEGIN
    EXECUTE 'GRANT SET ON PARAMETER temp_file_limit TO claims_app';
  EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR syntax_error OR undefined_object THEN
    RAISE NOTICE 'not allowed to grant SET on temp_file_limit; the service skips it';
  END;
END
$$;
