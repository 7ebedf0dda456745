-- One row per ask: identifiers, outcome and timings only (no question, SQL, names or rows).
SET LOCAL ROLE claims_owner;

CREATE TABLE public.ask_audit (
  audit_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL CHECK (length(request_id) BETWEEN 1 AND 128),
  member_id bigint NOT NULL,
  person_id text CHECK (person_id ~ '^[0-9]{10}-[0-9]{2}$'),
  reason_code text NOT NULL CHECK (reason_code ~ '^[A-Z_]{2,40}$'),
  row_count integer NOT NULL DEFAULT 0 CHECK (row_count >= 0),
  timings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(timings) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ask_audit_created_at ON public.ask_audit (created_at);
CREATE INDEX ask_audit_member_created_at ON public.ask_audit (member_id, created_at);

-- The service appends; only admin tooling reads.
GRANT INSERT (request_id, member_id, person_id, reason_code, row_count, timings) ON public.ask_audit TO claims_app;
GRANT SELECT ON public.ask_audit TO claims_admin;
