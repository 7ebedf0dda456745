-- Feedback on answers, evaluation cases made from it, and two small helpers of the pages.
--
-- answer_feedback: "was this helpful?" (and an optional comment) per answer. Stored WITHOUT rows
-- or names: the question, comment and SQL arrive with the family's names replaced by placeholders
-- ({{first_name:spouse}}) and the member id by {{member_id}} (src/core/mask-names.ts); no member
-- or person id is kept, only the asker's relationship. Written only through
-- app.feedback_record, which accepts feedback on an answer only from the person it was for (the
-- answer's turn in their own conversation, migration 070). Admins read it (the admin API runs as
-- claims_app; claims_admin may read too).
--
-- eval_cases: evaluation cases an admin made from feedback in one click, run with the shipped set
-- (eval/cases.jsonl). Synthetic people only: a case runs for the demo family's person of the same
-- relationship. A case from unhelpful feedback is "disputed" until its expected outcome is set.
SET LOCAL ROLE claims_owner;

CREATE TABLE public.answer_feedback (
  feedback_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL UNIQUE CHECK (length(request_id) BETWEEN 1 AND 128),
  helpful boolean NOT NULL,
  comment text CHECK (comment IS NULL OR length(comment) <= 500),
  question text NOT NULL CHECK (length(question) <= 1000),
  validated_sql text CHECK (validated_sql IS NULL OR length(validated_sql) <= 20000),
  status text NOT NULL CHECK (status IN ('answered', 'needs_detail', 'refused', 'withheld', 'error')),
  reason_code text NOT NULL CHECK (reason_code ~ '^[A-Z_]{2,40}$'),
  asker_relationship text NOT NULL
    CHECK (asker_relationship IN ('subscriber', 'spouse', 'son', 'daughter', 'other')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_feedback_created_at ON public.answer_feedback (created_at);

REVOKE ALL ON public.answer_feedback FROM PUBLIC;
GRANT SELECT ON public.answer_feedback TO claims_app, claims_admin;

-- Records (or updates) feedback on one answer: only when that answer is in a conversation of
-- this very person (member AND person), else false and nothing is written.
CREATE FUNCTION app.feedback_record(
  p_request_id text,
  p_member_id bigint,
  p_person_id text,
  p_helpful boolean,
  p_comment text,
  p_question text,
  p_sql text,
  p_status text,
  p_reason_code text,
  p_asker_relationship text
)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM app.conversation_turn(p_request_id, p_member_id, p_person_id)) THEN
    RETURN false;
  END IF;
  INSERT INTO public.answer_feedback
    (request_id, helpful, comment, question, validated_sql, status, reason_code, asker_relationship)
  VALUES (p_request_id, p_helpful, p_comment, p_question, p_sql, p_status, p_reason_code, p_asker_relationship)
  ON CONFLICT (request_id) DO UPDATE
    SET helpful = EXCLUDED.helpful,
        comment = coalesce(EXCLUDED.comment, public.answer_feedback.comment),
        updated_at = now();
  RETURN true;
END
$$;

REVOKE EXECUTE ON FUNCTION app.feedback_record(text, bigint, text, boolean, text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.feedback_record(text, bigint, text, boolean, text, text, text, text, text, text) TO claims_app;

CREATE TABLE public.eval_cases (
  case_id text PRIMARY KEY CHECK (case_id ~ '^[a-z0-9-]{1,64}$'),
  feedback_id bigint UNIQUE REFERENCES public.answer_feedback (feedback_id) ON DELETE SET NULL,
  member text NOT NULL CHECK (member ~ '^[1-9][0-9]{9}$'),
  person text CHECK (person IS NULL OR person ~ '^[1-9][0-9]{9}-[0-9]{2}$'),
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
  expected jsonb NOT NULL CHECK (jsonb_typeof(expected) = 'object'),
  kind text NOT NULL DEFAULT 'feedback' CHECK (kind ~ '^[a-z0-9_-]{1,40}$'),
  -- From unhelpful feedback: what the product did is not what was wanted; not scored until set.
  disputed boolean NOT NULL DEFAULT false,
  created_by text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 256),
  created_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON public.eval_cases FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON public.eval_cases TO claims_app;
GRANT SELECT ON public.eval_cases TO claims_admin;

-- Seconds until a rate-limited family may ask again (the Retry-After of a 429).
CREATE FUNCTION app.ask_wait_seconds(p_member_id bigint, p_window_seconds integer)
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT greatest(1, ceil(extract(epoch FROM (r.window_start + make_interval(secs => p_window_seconds))
                                             - pg_catalog.clock_timestamp())))::integer
  FROM app.ask_rate r
  WHERE r.member_id = p_member_id
$$;

REVOKE EXECUTE ON FUNCTION app.ask_wait_seconds(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.ask_wait_seconds(bigint, integer) TO claims_app;

-- Who an admin token subject is, for the template history (which records subjects): remembered
-- when an admin uses the admin API, shown as the person's name.
CREATE TABLE app.admin_actors (
  subject text PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 256),
  person_id text NOT NULL REFERENCES public.people (person_id) ON DELETE CASCADE,
  seen_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON app.admin_actors FROM PUBLIC;

CREATE FUNCTION app.remember_admin(p_subject text, p_member_id bigint, p_person_id text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  INSERT INTO app.admin_actors (subject, person_id)
  SELECT p_subject, p.person_id FROM public.people p WHERE p.member_id = p_member_id AND p.person_id = p_person_id
  ON CONFLICT (subject) DO UPDATE SET person_id = EXCLUDED.person_id, seen_at = now()
$$;

CREATE FUNCTION app.admin_names(p_subjects text[])
RETURNS TABLE (subject text, name text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT a.subject, p.first_name || ' ' || p.last_name
  FROM app.admin_actors a JOIN public.people p ON p.person_id = a.person_id
  WHERE a.subject = ANY (p_subjects)
$$;

REVOKE EXECUTE ON FUNCTION app.remember_admin(text, bigint, text), app.admin_names(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.remember_admin(text, bigint, text), app.admin_names(text[]) TO claims_app;
