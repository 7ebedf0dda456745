-- Versioned prompt templates (the `prompts` port) and who changed what.
--
-- One row per (name, version). status: draft (editable, not served) → published (served; at most
-- one per name, enforced by a partial unique index) → archived (was published; a rollback can
-- publish it again). Publish and rollback flip two rows in one transaction (src/prompts/pg-store.ts).
-- eval_result holds the last evaluation summary of a draft, with the hash of the text it ran on,
-- so an edit after the evaluation invalidates it.
--
-- Grants: the admin API runs as claims_app and checks the admin role in code, so claims_app reads
-- and writes these tables; claims_member (member SQL) gets nothing; claims_admin may read.
SET LOCAL ROLE claims_owner;

CREATE TABLE public.prompt_templates (
  name text NOT NULL CHECK (name IN ('sql', 'summary')),
  version integer NOT NULL CHECK (version >= 1),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
  system_text text NOT NULL CHECK (length(system_text) <= 40000),
  body text NOT NULL CHECK (length(body) <= 40000),
  author text NOT NULL CHECK (length(author) BETWEEN 1 AND 256),
  change_note text NOT NULL DEFAULT '' CHECK (length(change_note) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  eval_result jsonb CHECK (eval_result IS NULL OR jsonb_typeof(eval_result) = 'object'),
  PRIMARY KEY (name, version),
  -- Only a version that has been published can be archived (rollback targets are real releases).
  CHECK (status = 'draft' OR published_at IS NOT NULL)
);

-- Exactly one published version per template name (at most one by index; the store keeps one).
CREATE UNIQUE INDEX prompt_templates_one_published ON public.prompt_templates (name) WHERE status = 'published';

CREATE TABLE public.prompt_template_history (
  event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  version integer NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'edit', 'evaluate', 'publish', 'rollback', 'archive', 'import')),
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 256),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (name, version) REFERENCES public.prompt_templates (name, version)
);
CREATE INDEX prompt_template_history_name_at ON public.prompt_template_history (name, at);

REVOKE ALL ON public.prompt_templates, public.prompt_template_history FROM PUBLIC;
REVOKE ALL ON public.prompt_templates, public.prompt_template_history FROM claims_member;
GRANT SELECT, INSERT, UPDATE ON public.prompt_templates TO claims_app;
GRANT SELECT, INSERT ON public.prompt_template_history TO claims_app;
GRANT SELECT ON public.prompt_templates, public.prompt_template_history TO claims_admin;
