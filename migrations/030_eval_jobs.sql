-- Admin evaluation jobs (src/admin/eval-jobs.ts), shared by every process: the admin function
-- starts a job, the eval runner function (or, locally, the same process) runs it, and any
-- container answers a poll from this table. A job whose runner died is reported as failed
-- ('STALLED') once updated_at is older than the staleness limit (src/admin/eval-job-store.ts).
--
-- What a row holds is what the admin API shows: template name and version, progress, per-case
-- results on the synthetic evaluation set (ids, set questions, reason codes: no member data),
-- the summary stored with the draft, an error name, and who started it.
-- published_version and baseline_job_id record, at start, which published version the draft is
-- compared with and which earlier job's results for it are reused (NULL: computed by this job).
--
-- Grants: the admin API and the runner run as claims_app (select/insert/update; nothing deletes);
-- claims_member gets nothing; claims_admin may read.
SET LOCAL ROLE claims_owner;

CREATE TABLE IF NOT EXISTS public.eval_jobs (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (name IN ('sql', 'summary')),
  version integer NOT NULL CHECK (version >= 1),
  published_version integer CHECK (published_version >= 1),
  baseline_job_id uuid REFERENCES public.eval_jobs (id),
  -- queued: waiting for a runner (shown as 'running' by the API).
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  phase text NOT NULL CHECK (phase IN ('baseline', 'draft', 'done')),
  done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
  total integer NOT NULL CHECK (total >= 0),
  cases jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(cases) = 'array'),
  summary jsonb CHECK (summary IS NULL OR jsonb_typeof(summary) = 'object'),
  error text CHECK (error ~ '^[A-Za-z0-9_]{1,64}$'),
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 256),
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (name, version) REFERENCES public.prompt_templates (name, version)
);
-- Finding a reusable baseline: the newest finished job of a name against a published version.
CREATE INDEX IF NOT EXISTS eval_jobs_baseline ON public.eval_jobs (name, published_version, started_at);

REVOKE ALL ON public.eval_jobs FROM PUBLIC;
REVOKE ALL ON public.eval_jobs FROM claims_member;
GRANT SELECT, INSERT, UPDATE ON public.eval_jobs TO claims_app;
GRANT SELECT ON public.eval_jobs TO claims_admin;
