-- Per-member ask rate limit, shared by every Lambda container (an in-memory counter would be
-- per container and reset on every cold start). A fixed window per family member id.
SET LOCAL ROLE claims_owner;

CREATE TABLE IF NOT EXISTS app.ask_rate (
  member_id bigint PRIMARY KEY,
  window_start timestamptz NOT NULL,
  asks integer NOT NULL
);

-- Counts one ask and says whether it is within p_limit asks per p_window_seconds.
-- claims_app may call it; nobody may read or write app.ask_rate directly.
CREATE OR REPLACE FUNCTION app.take_ask(p_member_id bigint, p_limit integer, p_window_seconds integer)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  INSERT INTO app.ask_rate AS r (member_id, window_start, asks)
  VALUES (p_member_id, pg_catalog.clock_timestamp(), 1)
  ON CONFLICT (member_id) DO UPDATE SET
    window_start = CASE WHEN r.window_start <= pg_catalog.clock_timestamp() - make_interval(secs => p_window_seconds)
                        THEN pg_catalog.clock_timestamp() ELSE r.window_start END,
    asks = CASE WHEN r.window_start <= pg_catalog.clock_timestamp() - make_interval(secs => p_window_seconds)
                THEN 1 ELSE r.asks + 1 END
  RETURNING asks <= p_limit
$$;

REVOKE ALL ON FUNCTION app.take_ask(bigint, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.take_ask(bigint, integer, integer) TO claims_app;
