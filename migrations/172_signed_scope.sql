-- A member scope that needs no write, so member queries can run on a read-only hot standby (the
-- Aurora reader), and that the member role still cannot forge, replay or widen.
--
-- Before: app.open_scope INSERTed a row of app.request_scope keyed by the transaction id, and the
-- RLS policies read that row. A standby refuses the INSERT (and has no transaction id to give).
--
-- Now: app.open_scope (SECURITY DEFINER, EXECUTE for claims_app) computes who the person may see
-- and puts a SIGNED token in a transaction-local setting, app.scope:
--
--   1|<key id>|<member id>|<person id>|<visible person ids, comma-separated>|<expires, epoch µs>|<hmac>
--
-- hmac = HMAC-SHA-256(key, everything before it || '|' || backend pid || '|' || transaction start, µs),
-- with the key from app.scope_keys (readable by claims_owner only). app.current_scope() (SECURITY
-- DEFINER, the one verifier) recomputes the HMAC with THIS backend's pid and THIS transaction's
-- start time, so a token is valid in the transaction that opened it and nowhere else. The policies
-- keep calling app.scope_member_id() / app.scope_visible_person_ids() / app.scope_plan_id() /
-- app.scope_sees_whole_family() (same OIDs, new bodies) inside sub-selects: one InitPlan, one
-- verification per statement, never one per row.
--
-- Why the member role cannot get another family's (or a wider) scope, even where migration 005
-- could not revoke set_config / current_setting (managed servers):
--   * forging: set_config('app.scope', ...) can write any text, but the HMAC needs the key, which
--     is in app.scope_keys: no privilege for anyone but the owner, no USAGE on schema app;
--   * replay: a token (e.g. the member's own, read with current_setting) binds the backend pid and
--     the transaction's start; any other transaction computes a different HMAC;
--   * widening: the visible person ids are inside the signed text;
--   * minting: EXECUTE on app.open_scope is claims_app's only. A member statement that switches
--     back to claims_app (set_config('role', ...), where set_config stays PUBLIC) still cannot
--     mint: open_scope works only in the statement that began the transaction
--     (statement_timestamp() = transaction_timestamp(): true only inside the one simple-protocol
--     message that holds BEGIN), and member SQL is always a later message;
--   * expiry: a token also carries an expiry (the caller's budget for the transaction) checked at
--     every statement's start.
-- A token that is present but wrong raises (CL004, CL005): never a silent "no rows".
--
-- Keys: app.scope_keys is an ordinary (logged) table, so it reaches every physical standby and
-- Aurora reader with the data. app.rotate_scope_key() adds a key and drops all but the newest two;
-- tokens name their key, so a transaction that opened its scope just before a rotation still
-- verifies. The key never leaves the database.
--
-- pgcrypto (hmac, gen_random_bytes): shipped with PostgreSQL's contrib (embedded-postgres has it)
-- and supported on Aurora PostgreSQL; a trusted extension, created here by the migrating user.
-- When it is already installed in another schema, that schema is used.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgcrypto') THEN
    CREATE SCHEMA IF NOT EXISTS scope_crypto;
    REVOKE ALL ON SCHEMA scope_crypto FROM PUBLIC;
    CREATE EXTENSION pgcrypto WITH SCHEMA scope_crypto;
  END IF;
END
$$;

-- The owner's definer functions call these built-ins that migration 005 took from PUBLIC.
DO $$
BEGIN
  GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean),
    pg_catalog.current_setting(text, boolean) TO claims_owner;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'not allowed to grant set_config/current_setting; they stay as they were (PUBLIC on managed servers)';
END
$$;

-- The owner may use pgcrypto wherever it is; its functions are wrapped (owner only) below.
DO $$
DECLARE
  s text := (SELECT n.nspname FROM pg_catalog.pg_extension e
             JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto');
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO claims_owner', s);
  EXECUTE format($f$
    CREATE FUNCTION app.scope_hmac(p_message text, p_key bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT %I.hmac(pg_catalog.convert_to(p_message, ''UTF8''), p_key, ''sha256'')'
  $f$, s);
  EXECUTE format($f$
    CREATE FUNCTION app.scope_new_key() RETURNS bytea
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog
    AS 'SELECT %I.gen_random_bytes(32)'
  $f$, s);
  ALTER FUNCTION app.scope_hmac(text, bytea) OWNER TO claims_owner;
  ALTER FUNCTION app.scope_new_key() OWNER TO claims_owner;
  REVOKE EXECUTE ON FUNCTION app.scope_hmac(text, bytea), app.scope_new_key() FROM PUBLIC;
END
$$;

SET LOCAL ROLE claims_owner;

CREATE TABLE app.scope_keys (
  key_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  secret bytea NOT NULL CHECK (length(secret) >= 32),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
REVOKE ALL ON app.scope_keys FROM PUBLIC;
INSERT INTO app.scope_keys (secret) VALUES (app.scope_new_key());

-- Adds a key (used for every scope opened from now on) and deletes all but the newest two.
-- Run by the migrating user (a member of claims_owner): SELECT app.rotate_scope_key();
CREATE FUNCTION app.rotate_scope_key()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_id integer;
BEGIN
  INSERT INTO app.scope_keys (secret) VALUES (app.scope_new_key()) RETURNING key_id INTO v_id;
  DELETE FROM app.scope_keys k
  WHERE k.key_id NOT IN (SELECT key_id FROM app.scope_keys ORDER BY key_id DESC LIMIT 2);
  RETURN v_id;
END
$$;
REVOKE EXECUTE ON FUNCTION app.rotate_scope_key() FROM PUBLIC;

-- The old scope row and its writer go; the new writer keeps the old call shape (2 or 3
-- arguments) and adds the token's lifetime.
DROP FUNCTION app.open_scope(bigint, text, boolean);

-- Opens this transaction's scope: p_person_id NULL means the family's subscriber; p_ttl_ms is how
-- long (from the transaction's start) its statements may use it. Returns how many people the
-- person may see. Must run in the statement that began the transaction (see the header).
CREATE FUNCTION app.open_scope(p_member_id bigint, p_person_id text DEFAULT NULL,
                               p_family_wide boolean DEFAULT false, p_ttl_ms integer DEFAULT 60000)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_person text;
  v_visible text[];
  v_key_id integer;
  v_secret bytea;
  v_payload text;
BEGIN
  IF p_family_wide THEN
    RAISE EXCEPTION 'family-wide scopes are not available' USING ERRCODE = 'CL002';
  END IF;
  IF statement_timestamp() <> transaction_timestamp() THEN
    RAISE EXCEPTION 'a scope opens only in the statement that begins its transaction' USING ERRCODE = 'CL003';
  END IF;
  IF p_ttl_ms IS NULL OR p_ttl_ms < 1 OR p_ttl_ms > 900000 THEN
    RAISE EXCEPTION 'scope lifetime must be 1 ms to 15 minutes' USING ERRCODE = 'CL003';
  END IF;
  SELECT p.person_id INTO v_person
  FROM public.people p
  WHERE p.member_id = p_member_id
    AND (p.person_id = p_person_id OR (p_person_id IS NULL AND p.relationship_code = 'subscriber'));
  IF v_person IS NULL THEN
    RAISE EXCEPTION 'no such person in this family' USING ERRCODE = 'CL001';
  END IF;
  v_visible := app.visible_person_ids(p_member_id, v_person);
  SELECT k.key_id, k.secret INTO v_key_id, v_secret FROM app.scope_keys k ORDER BY k.key_id DESC LIMIT 1;
  IF v_key_id IS NULL THEN
    RAISE EXCEPTION 'no scope key' USING ERRCODE = 'CL004';
  END IF;
  v_payload := concat_ws('|', '1', v_key_id, p_member_id, v_person, array_to_string(v_visible, ','),
    (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint + p_ttl_ms::bigint * 1000);
  PERFORM set_config('app.scope', v_payload || '|' || encode(app.scope_hmac(concat_ws('|', v_payload,
    pg_backend_pid(), (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint), v_secret), 'hex'), true);
  RETURN cardinality(v_visible);
END
$$;

-- The scope of the current transaction, verified; all NULL when it has none (RLS then matches
-- nothing). A token that is malformed, signed with an unknown key, signed for another transaction
-- or altered raises CL004; an expired one raises CL005. Kept cheap (one call per InitPlan): a
-- split and character checks instead of a regular expression, one HMAC, one key lookup.
CREATE FUNCTION app.current_scope(OUT member_id bigint, OUT person_id text, OUT visible_person_ids text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_token text := current_setting('app.scope', true);
  v_parts text[];
  v_secret bytea;
  v_expected text;
BEGIN
  IF v_token IS NULL OR v_token = '' THEN
    RETURN;
  END IF;
  v_parts := string_to_array(v_token, '|');
  -- The numbers are digits only (ltrim of every digit leaves nothing), so the casts below cannot fail.
  IF length(v_token) > 4000 OR cardinality(v_parts) <> 7 OR v_parts[1] <> '1'
     OR length(v_parts[2]) NOT BETWEEN 1 AND 9 OR ltrim(v_parts[2], '0123456789') <> ''
     OR length(v_parts[3]) NOT BETWEEN 1 AND 18 OR ltrim(v_parts[3], '0123456789') <> ''
     OR length(v_parts[6]) NOT BETWEEN 1 AND 18 OR ltrim(v_parts[6], '0123456789') <> '' THEN
    RAISE EXCEPTION 'the request scope is not valid' USING ERRCODE = 'CL004';
  END IF;
  SELECT k.secret INTO v_secret FROM app.scope_keys k WHERE k.key_id = v_parts[2]::integer;
  IF v_secret IS NULL THEN
    RAISE EXCEPTION 'the request scope is not valid' USING ERRCODE = 'CL004';
  END IF;
  v_expected := encode(app.scope_hmac(concat_ws('|', array_to_string(v_parts[1:6], '|'), pg_backend_pid(),
    (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint), v_secret), 'hex');
  -- Compared as digests of both: an early exit of the comparison says nothing about the signature.
  IF sha256(convert_to(v_parts[7], 'UTF8')) <> sha256(convert_to(v_expected, 'UTF8')) THEN
    RAISE EXCEPTION 'the request scope is not valid' USING ERRCODE = 'CL004';
  END IF;
  IF (extract(epoch FROM statement_timestamp()) * 1000000)::bigint > v_parts[6]::bigint THEN
    RAISE EXCEPTION 'the request scope has expired' USING ERRCODE = 'CL005';
  END IF;
  member_id := v_parts[3]::bigint;
  person_id := v_parts[4];
  visible_person_ids := string_to_array(v_parts[5], ',');
END
$$;

-- Same signatures (and OIDs: the policies and views keep calling them), new bodies.
CREATE OR REPLACE FUNCTION app.scope_member_id()
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT (app.current_scope()).member_id
$$;

CREATE OR REPLACE FUNCTION app.scope_visible_person_ids()
RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT (app.current_scope()).visible_person_ids
$$;

CREATE OR REPLACE FUNCTION app.scope_plan()
RETURNS TABLE (member_id bigint, plan_id text, plan_name text, plan_type text, family_deductible_kind text,
               coverage_level text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT f.member_id, p.plan_id, p.name, p.plan_type, p.family_deductible_kind,
         CASE WHEN (SELECT count(*) FROM public.people o WHERE o.member_id = f.member_id) > 1
              THEN 'family' ELSE 'individual' END
  FROM app.current_scope() s
  JOIN public.families f ON f.member_id = s.member_id
  JOIN public.plans p ON p.plan_id = f.plan_id
$$;

CREATE OR REPLACE FUNCTION app.scope_plan_id()
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT f.plan_id FROM app.current_scope() s JOIN public.families f ON f.member_id = s.member_id
$$;

CREATE OR REPLACE FUNCTION app.scope_sees_whole_family()
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT coalesce((
    SELECT NOT EXISTS (
      SELECT 1 FROM public.people o
      WHERE o.member_id = s.member_id AND NOT (o.person_id = ANY (s.visible_person_ids)))
    FROM app.current_scope() s WHERE s.member_id IS NOT NULL), false)
$$;

DROP TABLE app.request_scope;

REVOKE EXECUTE ON FUNCTION app.open_scope(bigint, text, boolean, integer), app.current_scope() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.open_scope(bigint, text, boolean, integer) TO claims_app;
-- The scope_* functions (EXECUTE for claims_member, granted by 003 and 040) call it as the owner.
