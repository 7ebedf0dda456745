-- Conversations: follow-up questions ("and last year?") resolve against the recent turns of the
-- same conversation. A conversation belongs to the ONE person who started it (member id AND
-- person id, from the verified token): nobody else — not the subscriber, not a spouse, not
-- another family — can read, continue or delete it. The database enforces that, not the caller:
--
--   * the tables live in schema app and no role but the owner has any privilege on them;
--   * claims_app reaches them only through the SECURITY DEFINER functions below, and every one of
--     them matches the row on (conversation id, member id, person id) together; a conversation of
--     someone else reads exactly like one that does not exist (NULL / false), so an id is no oracle;
--   * ids are random UUIDs (gen_random_uuid), never sequential.
--
-- A turn holds the ask's request id, the question, the interpretation ("what I looked up", JSON),
-- the SQL that passed validation and the outcome (status, reason code). Never rows, never the
-- answer text.
-- Retention: a conversation expires p_retention_seconds after its last turn (the caller passes
-- CONVERSATION_RETENTION_HOURS); expired conversations are invisible at once and deleted by the
-- next start (or app.conversation_purge). Sign-out deletes them (app.conversation_delete_person).
SET LOCAL ROLE claims_owner;

CREATE TABLE app.conversations (
  conversation_id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  member_id bigint NOT NULL,
  person_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  last_turn_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  expires_at timestamptz NOT NULL,
  turns integer NOT NULL DEFAULT 0 CHECK (turns >= 0),
  FOREIGN KEY (member_id, person_id) REFERENCES public.people (member_id, person_id) ON DELETE CASCADE
);
CREATE INDEX conversations_person ON app.conversations (member_id, person_id);
CREATE INDEX conversations_expires_at ON app.conversations (expires_at);

CREATE TABLE app.conversation_turns (
  conversation_id uuid NOT NULL REFERENCES app.conversations (conversation_id) ON DELETE CASCADE,
  turn_no integer NOT NULL CHECK (turn_no >= 1),
  -- The ask's request id: feedback on an answer names it (app.conversation_turn).
  request_id text CHECK (request_id IS NULL OR length(request_id) BETWEEN 1 AND 128),
  question text NOT NULL CHECK (length(question) <= 1000),
  interpretation jsonb CHECK (interpretation IS NULL OR length(interpretation::text) <= 8000),
  validated_sql text CHECK (validated_sql IS NULL OR length(validated_sql) <= 20000),
  status text NOT NULL CHECK (status IN ('answered', 'needs_detail', 'refused', 'withheld', 'error')),
  reason_code text NOT NULL CHECK (reason_code ~ '^[A-Z_]{2,40}$'),
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (conversation_id, turn_no)
);
CREATE INDEX conversation_turns_request ON app.conversation_turns (request_id);

REVOKE ALL ON app.conversations, app.conversation_turns FROM PUBLIC;

-- Deletes every expired conversation (their turns go with them); returns how many.
CREATE FUNCTION app.conversation_purge()
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  WITH gone AS (DELETE FROM app.conversations WHERE expires_at <= pg_catalog.now() RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

-- Starts a conversation for one person of one family; returns its id. The person must belong to
-- the family (as app.open_scope checks). Expired conversations are purged on the way.
CREATE FUNCTION app.conversation_start(p_member_id bigint, p_person_id text, p_retention_seconds integer)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_id uuid;
BEGIN
  IF p_retention_seconds IS NULL OR p_retention_seconds < 1 THEN
    RAISE EXCEPTION 'retention must be a positive number of seconds' USING ERRCODE = '22023';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.people p WHERE p.member_id = p_member_id AND p.person_id = p_person_id) THEN
    RAISE EXCEPTION 'no such person in this family' USING ERRCODE = 'CL001';
  END IF;
  PERFORM app.conversation_purge();
  INSERT INTO app.conversations (member_id, person_id, expires_at)
  VALUES (p_member_id, p_person_id, pg_catalog.now() + make_interval(secs => p_retention_seconds))
  RETURNING conversation_id INTO v_id;
  RETURN v_id;
END
$$;

-- The last p_limit turns, oldest first, as a JSON array; NULL when the conversation does not
-- exist, has expired, or belongs to anyone but (p_member_id, p_person_id).
CREATE FUNCTION app.conversation_history(p_conversation_id uuid, p_member_id bigint, p_person_id text, p_limit integer)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT coalesce(
           (SELECT jsonb_agg(t.turn ORDER BY t.turn_no)
            FROM (SELECT ct.turn_no,
                         jsonb_build_object(
                           'turn', ct.turn_no,
                           'question', ct.question,
                           'interpretation', ct.interpretation,
                           'sql', ct.validated_sql,
                           'status', ct.status,
                           'code', ct.reason_code) AS turn
                  FROM app.conversation_turns ct
                  WHERE ct.conversation_id = c.conversation_id
                  ORDER BY ct.turn_no DESC
                  LIMIT greatest(p_limit, 0)) t),
           '[]'::jsonb)
  FROM app.conversations c
  WHERE c.conversation_id = p_conversation_id
    AND c.member_id = p_member_id
    AND c.person_id = p_person_id
    AND c.expires_at > pg_catalog.now()
$$;

-- Appends one turn to the person's own, unexpired conversation, extends its expiry and keeps
-- only the newest p_keep_turns turns. False (nothing written) when the conversation is not theirs,
-- does not exist or has expired.
CREATE FUNCTION app.conversation_add_turn(
  p_conversation_id uuid,
  p_member_id bigint,
  p_person_id text,
  p_request_id text,
  p_question text,
  p_interpretation jsonb,
  p_sql text,
  p_status text,
  p_reason_code text,
  p_retention_seconds integer,
  p_keep_turns integer
)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
DECLARE
  v_turn integer;
BEGIN
  IF p_retention_seconds IS NULL OR p_retention_seconds < 1 OR p_keep_turns IS NULL OR p_keep_turns < 1 THEN
    RAISE EXCEPTION 'retention and turns kept must be positive' USING ERRCODE = '22023';
  END IF;
  UPDATE app.conversations c
     SET turns = c.turns + 1,
         last_turn_at = pg_catalog.now(),
         expires_at = pg_catalog.now() + make_interval(secs => p_retention_seconds)
   WHERE c.conversation_id = p_conversation_id
     AND c.member_id = p_member_id
     AND c.person_id = p_person_id
     AND c.expires_at > pg_catalog.now()
  RETURNING c.turns INTO v_turn;
  IF v_turn IS NULL THEN
    RETURN false;
  END IF;
  INSERT INTO app.conversation_turns (conversation_id, turn_no, request_id, question, interpretation, validated_sql, status, reason_code)
  VALUES (p_conversation_id, v_turn, p_request_id, p_question, p_interpretation, p_sql, p_status, p_reason_code);
  DELETE FROM app.conversation_turns
   WHERE conversation_id = p_conversation_id AND turn_no <= v_turn - p_keep_turns;
  RETURN true;
END
$$;

-- One turn of this person's own, unexpired conversations, by the ask's request id (feedback on an
-- answer); no row for anyone else's.
CREATE FUNCTION app.conversation_turn(p_request_id text, p_member_id bigint, p_person_id text)
RETURNS TABLE (question text, validated_sql text, status text, reason_code text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT ct.question, ct.validated_sql, ct.status, ct.reason_code
  FROM app.conversation_turns ct
  JOIN app.conversations c ON c.conversation_id = ct.conversation_id
  WHERE ct.request_id = p_request_id
    AND c.member_id = p_member_id
    AND c.person_id = p_person_id
    AND c.expires_at > pg_catalog.now()
  LIMIT 1
$$;

-- Deletes one conversation of this person; false when there is none of theirs with that id.
CREATE FUNCTION app.conversation_delete(p_conversation_id uuid, p_member_id bigint, p_person_id text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  WITH gone AS (
    DELETE FROM app.conversations c
    WHERE c.conversation_id = p_conversation_id AND c.member_id = p_member_id AND c.person_id = p_person_id
    RETURNING 1)
  SELECT count(*) > 0 FROM gone
$$;

-- Sign-out: deletes every conversation of this person; returns how many.
CREATE FUNCTION app.conversation_delete_person(p_member_id bigint, p_person_id text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  WITH gone AS (
    DELETE FROM app.conversations c
    WHERE c.member_id = p_member_id AND c.person_id = p_person_id
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

REVOKE EXECUTE ON FUNCTION
  app.conversation_purge(),
  app.conversation_start(bigint, text, integer),
  app.conversation_history(uuid, bigint, text, integer),
  app.conversation_add_turn(uuid, bigint, text, text, text, jsonb, text, text, text, integer, integer),
  app.conversation_turn(text, bigint, text),
  app.conversation_delete(uuid, bigint, text),
  app.conversation_delete_person(bigint, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  app.conversation_purge(),
  app.conversation_start(bigint, text, integer),
  app.conversation_history(uuid, bigint, text, integer),
  app.conversation_add_turn(uuid, bigint, text, text, text, jsonb, text, text, text, integer, integer),
  app.conversation_turn(text, bigint, text),
  app.conversation_delete(uuid, bigint, text),
  app.conversation_delete_person(bigint, text)
TO claims_app;
