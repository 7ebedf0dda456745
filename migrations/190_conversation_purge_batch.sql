-- Expired conversations off the hot path. Migration 070's app.conversation_start deleted EVERY
-- expired conversation (and its turns) before each new one: with a backlog of expired rows the
-- first ask of a conversation paid for all of them, and two starts at once waited on each other's
-- row locks. Now each start deletes at most 10 expired conversations, oldest first (the
-- conversations_expires_at index), skipping rows another transaction holds (SKIP LOCKED): the
-- start never waits and its cost is bounded.
--
-- Unchanged: an expired conversation is invisible at once (every read checks expires_at), and is
-- deleted eventually: each conversation is started once and expires once, so ten deletions per
-- start outpace expiry and clear any backlog; app.conversation_purge() (migration 070) still
-- deletes them all at once for an operator. Sign-out still deletes a person's conversations.
SET LOCAL ROLE claims_owner;

CREATE OR REPLACE FUNCTION app.conversation_start(p_member_id bigint, p_person_id text, p_retention_seconds integer)
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
  -- A bounded share of the expired backlog (their turns go with them: ON DELETE CASCADE).
  DELETE FROM app.conversations
   WHERE conversation_id IN (
     SELECT e.conversation_id
       FROM app.conversations e
      WHERE e.expires_at <= pg_catalog.now()
      ORDER BY e.expires_at
      LIMIT 10
      FOR UPDATE SKIP LOCKED);
  INSERT INTO app.conversations (member_id, person_id, expires_at)
  VALUES (p_member_id, p_person_id, pg_catalog.now() + make_interval(secs => p_retention_seconds))
  RETURNING conversation_id INTO v_id;
  RETURN v_id;
END
$$;
