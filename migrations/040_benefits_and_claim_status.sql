-- Benefits, accumulators and claim status (issue 14). What a member may read is the schema
-- catalog (src/schema/catalog.ts); test/db/benefits-schema.test.ts checks every member relation
-- below against it, and docs/family-privacy.md says who may see which row.
--
-- Member-readable (each with member_id as its scope column, except the reference table):
--   claims_history      + claim_status, processed_date, denial_code, service_category, network and
--                         the split of patient_responsibility (deductible, copay, coinsurance, not covered)
--   plan_benefits       view: the family's plan, per plan year and network: deductibles, out-of-pocket maximums
--   plan_cost_sharing   view: per plan year, service category and network: covered, copay, coinsurance,
--                         whether the deductible applies, visit limit
--   accumulators        per person, plan year and network: deductible met, out-of-pocket met (family privacy)
--   visit_counts        per person, plan year and limited service: visits used (family privacy)
--   family_accumulators view: per family, plan year and network, over the people the asker may see
--   denial_reasons      reference: Claim Adjustment Reason Codes in plain words, no member data
-- Internal (never granted to claims_member): plan_year_limits, plan_service_benefits,
-- family_accumulator_totals.
--
-- The views run with their owner's rights (claims_owner) and read the scope of the current
-- transaction (app.request_scope, written by app.open_scope), so claims_member needs SELECT on the
-- views only. Every base table has row-level security, ENABLE + FORCE, with policies for
-- claims_member and for claims_owner (the views' owner) keyed on the same scope: a view can only
-- ever see the scoped family's rows, whatever its text says.
SET LOCAL ROLE claims_owner;

-- ---------------------------------------------------------------- reference: denial reasons
CREATE TABLE public.denial_reasons (
  reason_code text PRIMARY KEY CHECK (reason_code ~ '^[A-Z]?[0-9]{1,3}$'),
  group_code text NOT NULL CHECK (group_code IN ('CO', 'PR', 'OA', 'PI')),
  title text NOT NULL CHECK (length(title) BETWEEN 3 AND 80),
  explanation text NOT NULL CHECK (length(explanation) BETWEEN 10 AND 400),
  next_steps text NOT NULL CHECK (length(next_steps) BETWEEN 10 AND 400)
);

-- X12 Claim Adjustment Reason Codes the plan uses, in our own plain words (group: CO = contractual,
-- the member does not owe it; PR = patient responsibility; OA = other adjustment; PI = payer initiated).
INSERT INTO public.denial_reasons (reason_code, group_code, title, explanation, next_steps) VALUES
  ('16', 'CO', 'Missing information',
   'The claim was missing information or had a billing error, so the plan could not process it.',
   'Ask your provider to send a corrected claim with the missing information. You do not owe this amount while it is corrected.'),
  ('18', 'CO', 'Duplicate claim',
   'This claim is an exact copy of a claim the plan already processed, so it was not paid twice.',
   'Nothing to do: the first claim for this service was processed. If you think it was a separate visit, ask your provider to check their billing.'),
  ('22', 'OA', 'Other coverage may pay first',
   'Another insurance plan may need to pay for this care first (coordination of benefits).',
   'Tell us about any other coverage you have (for example a spouse''s plan) by calling customer service, then the claim can be processed again.'),
  ('27', 'PR', 'Care after coverage ended',
   'The care was on a date when this person was not covered by the plan.',
   'If you think the coverage dates are wrong, call customer service. Otherwise the provider may bill you.'),
  ('29', 'CO', 'Filed too late',
   'The provider sent the claim after the time limit for filing had passed.',
   'In-network providers may not bill you for this. If you receive a bill, call customer service.'),
  ('50', 'CO', 'Not medically necessary',
   'The plan decided this service was not medically necessary based on the information it received.',
   'You can ask your doctor to send more information and request an appeal. Call customer service to start an appeal.'),
  ('96', 'PR', 'Not a covered service',
   'This service is not covered by your plan.',
   'Check your plan documents for covered services. The provider may bill you; you can request an appeal if you think it should be covered.'),
  ('97', 'CO', 'Included in another service',
   'This charge is part of another service that was already paid (bundled), so it is not paid separately.',
   'Nothing to do: in-network providers may not bill you for it. If you receive a bill, call customer service.'),
  ('119', 'PR', 'Benefit limit reached',
   'The benefit limit for this service for the plan year has been reached (for example the number of visits).',
   'Check how many visits your plan allows. You can request an appeal if your doctor says more visits are medically necessary.'),
  ('197', 'CO', 'Approval was needed first',
   'The plan needed to approve this service before it was done (prior authorization), and no approval was on file.',
   'Ask your provider to request approval and resubmit the claim, or request an appeal. Call customer service for help.'),
  ('204', 'PR', 'Not covered by your current plan',
   'This service, drug or supply is not covered under your current plan.',
   'Ask your doctor about a covered alternative (for a drug, one on the plan''s list), or request an appeal.'),
  ('242', 'CO', 'Provider not in network',
   'The care was from a provider outside your plan''s network, which your plan does not cover except in an emergency.',
   'Use an in-network provider next time. If this was an emergency or you were referred, request an appeal.');

-- ---------------------------------------------------------------- plans: type and benefits
ALTER TABLE public.plans
  ADD COLUMN plan_type text CHECK (plan_type IN ('PPO', 'HMO', 'EPO', 'HDHP')),
  -- embedded: each person has an individual deductible inside the family one;
  -- aggregate: the whole family deductible must be met before the plan shares costs for anyone.
  ADD COLUMN family_deductible_kind text NOT NULL DEFAULT 'embedded'
    CHECK (family_deductible_kind IN ('embedded', 'aggregate'));

-- Deductibles and out-of-pocket maximums per plan year and network. No out_of_network row: the
-- plan does not cover out-of-network care (HMO, EPO), except emergencies at in-network cost.
CREATE TABLE public.plan_year_limits (
  plan_id text NOT NULL REFERENCES public.plans (plan_id) ON DELETE CASCADE,
  plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
  network text NOT NULL CHECK (network IN ('in_network', 'out_of_network')),
  deductible_individual numeric(10, 2) NOT NULL CHECK (deductible_individual >= 0),
  deductible_family numeric(10, 2) NOT NULL CHECK (deductible_family >= deductible_individual),
  oop_max_individual numeric(10, 2) NOT NULL CHECK (oop_max_individual >= deductible_individual),
  oop_max_family numeric(10, 2) NOT NULL CHECK (oop_max_family >= oop_max_individual AND oop_max_family >= deductible_family),
  PRIMARY KEY (plan_id, plan_year, network)
);

-- Cost sharing per plan year, service category and network.
CREATE TABLE public.plan_service_benefits (
  plan_id text NOT NULL REFERENCES public.plans (plan_id) ON DELETE CASCADE,
  plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
  service_category text NOT NULL CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug')),
  network text NOT NULL CHECK (network IN ('in_network', 'out_of_network')),
  covered boolean NOT NULL,
  -- NULL: no copay / no coinsurance / no visit limit.
  copay numeric(10, 2) CHECK (copay >= 0),
  coinsurance_percent integer CHECK (coinsurance_percent BETWEEN 0 AND 100),
  deductible_applies boolean NOT NULL,
  visit_limit integer CHECK (visit_limit > 0),
  CHECK (covered OR (copay IS NULL AND coinsurance_percent IS NULL AND NOT deductible_applies AND visit_limit IS NULL)),
  PRIMARY KEY (plan_id, plan_year, service_category, network)
);

-- ---------------------------------------------------------------- claim status and cost split
-- Existing columns and values are unchanged. A claim is paid, denied, pending (not processed yet:
-- no processed_date) or adjusted (paid, then reprocessed). denial_code explains a denied claim, or
-- the part of a paid claim the plan did not pay. patient_responsibility splits into what went to
-- the deductible, the copay, the coinsurance, and the rest (not_covered_amount: owed but not a
-- deductible/copay/coinsurance amount, so it does not count toward the out-of-pocket maximum).
-- Plain columns (no generated column), so tools that copy rows with SELECT * keep working.
ALTER TABLE public.claims_history
  ADD COLUMN claim_status text NOT NULL DEFAULT 'paid'
    CHECK (claim_status IN ('paid', 'denied', 'pending', 'adjusted')),
  ADD COLUMN processed_date date,
  ADD COLUMN denial_code text REFERENCES public.denial_reasons (reason_code),
  ADD COLUMN service_category text CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug')),
  ADD COLUMN network text NOT NULL DEFAULT 'in_network' CHECK (network IN ('in_network', 'out_of_network')),
  ADD COLUMN deductible_amount numeric(10, 2) NOT NULL DEFAULT 0 CHECK (deductible_amount >= 0),
  ADD COLUMN copay_amount numeric(10, 2) NOT NULL DEFAULT 0 CHECK (copay_amount >= 0),
  ADD COLUMN coinsurance_amount numeric(10, 2) NOT NULL DEFAULT 0 CHECK (coinsurance_amount >= 0);

-- NULL when the share is not broken down (a claim loaded without the split); otherwise the four
-- parts add up to patient_responsibility exactly.
ALTER TABLE public.claims_history
  ADD COLUMN not_covered_amount numeric(10, 2) CHECK (not_covered_amount >= 0);

ALTER TABLE public.claims_history
  ADD CONSTRAINT claims_split_within_responsibility
    CHECK (deductible_amount + copay_amount + coinsurance_amount <= patient_responsibility),
  ADD CONSTRAINT claims_split_adds_up
    CHECK (not_covered_amount IS NULL
           OR deductible_amount + copay_amount + coinsurance_amount + not_covered_amount = patient_responsibility),
  ADD CONSTRAINT claims_denied_has_reason CHECK (claim_status <> 'denied' OR denial_code IS NOT NULL),
  ADD CONSTRAINT claims_denied_pays_nothing CHECK (claim_status <> 'denied' OR plan_paid_amount = 0),
  ADD CONSTRAINT claims_pending_not_processed CHECK (claim_status <> 'pending' OR processed_date IS NULL),
  ADD CONSTRAINT claims_decided_processed
    CHECK (claim_status NOT IN ('denied', 'adjusted') OR processed_date IS NOT NULL),
  ADD CONSTRAINT claims_processed_after_service CHECK (processed_date IS NULL OR processed_date >= claim_date);

-- "Which of my claims are pending / denied?": the few open or denied claims of a family.
CREATE INDEX claims_history_member_status ON public.claims_history (member_id, claim_status, claim_date)
  WHERE claim_status IN ('pending', 'denied');

-- ---------------------------------------------------------------- accumulators
-- The payer's running totals (the source of truth for "how much is left"), per person, plan year
-- and network, as of a date. The seed derives them from the seeded claims' split; a test proves it.
CREATE TABLE public.accumulators (
  member_id bigint NOT NULL,
  person_id text NOT NULL,
  member_name text NOT NULL,
  relationship_code text NOT NULL
    CHECK (relationship_code IN ('subscriber', 'spouse', 'son', 'daughter', 'other')),
  plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
  network text NOT NULL CHECK (network IN ('in_network', 'out_of_network')),
  deductible_met numeric(10, 2) NOT NULL CHECK (deductible_met >= 0),
  oop_met numeric(10, 2) NOT NULL CHECK (oop_met >= deductible_met),
  as_of_date date NOT NULL,
  PRIMARY KEY (member_id, person_id, plan_year, network),
  FOREIGN KEY (member_id, person_id) REFERENCES public.people (member_id, person_id)
);

-- The family's own totals (what the payer keeps for the family deductible and maximum).
-- Never granted to claims_member: members read them through family_accumulators, which shows them
-- only to someone who may see every person of the family (docs/family-privacy.md).
CREATE TABLE public.family_accumulator_totals (
  member_id bigint NOT NULL REFERENCES public.families (member_id),
  plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
  network text NOT NULL CHECK (network IN ('in_network', 'out_of_network')),
  deductible_met numeric(10, 2) NOT NULL CHECK (deductible_met >= 0),
  oop_met numeric(10, 2) NOT NULL CHECK (oop_met >= deductible_met),
  as_of_date date NOT NULL,
  PRIMARY KEY (member_id, plan_year, network)
);

-- Visits used of services with a yearly visit limit, per person and plan year.
CREATE TABLE public.visit_counts (
  member_id bigint NOT NULL,
  person_id text NOT NULL,
  member_name text NOT NULL,
  relationship_code text NOT NULL
    CHECK (relationship_code IN ('subscriber', 'spouse', 'son', 'daughter', 'other')),
  plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
  service_category text NOT NULL CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug')),
  visits_used integer NOT NULL CHECK (visits_used >= 0),
  as_of_date date NOT NULL,
  PRIMARY KEY (member_id, person_id, plan_year, service_category),
  FOREIGN KEY (member_id, person_id) REFERENCES public.people (member_id, person_id)
);

-- ---------------------------------------------------------------- scope helpers (trusted)
-- The scoped family's plan and coverage level ('individual' for one person, else 'family').
CREATE FUNCTION app.scope_plan()
RETURNS TABLE (member_id bigint, plan_id text, plan_name text, plan_type text, family_deductible_kind text,
               coverage_level text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT f.member_id, p.plan_id, p.name, p.plan_type, p.family_deductible_kind,
         CASE WHEN (SELECT count(*) FROM public.people o WHERE o.member_id = f.member_id) > 1
              THEN 'family' ELSE 'individual' END
  FROM app.request_scope s
  JOIN public.families f ON f.member_id = s.member_id
  JOIN public.plans p ON p.plan_id = f.plan_id
  WHERE s.txid = pg_current_xact_id_if_assigned()
$$;

CREATE FUNCTION app.scope_plan_id()
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT f.plan_id FROM app.request_scope s JOIN public.families f ON f.member_id = s.member_id
  WHERE s.txid = pg_current_xact_id_if_assigned()
$$;

-- Whether the scoped person may see every person of the family (then, and only then, the family's
-- own totals may be shown: they are sums over everyone, so anything else would reveal a private
-- person's amounts by subtraction).
CREATE FUNCTION app.scope_sees_whole_family()
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, app
AS $$
  SELECT coalesce((
    SELECT NOT EXISTS (
      SELECT 1 FROM public.people o
      WHERE o.member_id = s.member_id AND NOT (o.person_id = ANY (s.visible_person_ids)))
    FROM app.request_scope s WHERE s.txid = pg_current_xact_id_if_assigned()), false)
$$;

REVOKE EXECUTE ON FUNCTION app.scope_plan(), app.scope_plan_id(), app.scope_sees_whole_family() FROM PUBLIC;
-- A view reads tables with its owner's rights but calls functions with the querying role's, and
-- row-level-security policies run as the querying role too: claims_member runs these (each answers
-- only about the current transaction's own scope row).
GRANT EXECUTE ON FUNCTION app.scope_plan(), app.scope_plan_id(), app.scope_sees_whole_family() TO claims_member;

-- ---------------------------------------------------------------- row-level security
ALTER TABLE public.accumulators ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.accumulators FORCE ROW LEVEL SECURITY;
ALTER TABLE public.visit_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.visit_counts FORCE ROW LEVEL SECURITY;
ALTER TABLE public.family_accumulator_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.family_accumulator_totals FORCE ROW LEVEL SECURITY;
ALTER TABLE public.plan_year_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.plan_year_limits FORCE ROW LEVEL SECURITY;
ALTER TABLE public.plan_service_benefits ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.plan_service_benefits FORCE ROW LEVEL SECURITY;
ALTER TABLE public.denial_reasons ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.denial_reasons FORCE ROW LEVEL SECURITY;

-- Per-person rows: the family-privacy rule, exactly as on claims_history.
CREATE POLICY member_reads_visible_accumulators ON public.accumulators
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (
    member_id = (SELECT app.scope_member_id())
    AND person_id = ANY (coalesce((SELECT app.scope_visible_person_ids()), '{}'::text[]))
  );
CREATE POLICY member_reads_visible_visit_counts ON public.visit_counts
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (
    member_id = (SELECT app.scope_member_id())
    AND person_id = ANY (coalesce((SELECT app.scope_visible_person_ids()), '{}'::text[]))
  );
-- Family totals: only to someone who may see everyone in the family.
CREATE POLICY member_reads_family_totals_when_all_visible ON public.family_accumulator_totals
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (member_id = (SELECT app.scope_member_id()) AND (SELECT app.scope_sees_whole_family()));
-- Plan terms: the scoped family's plan only (no person data; everyone in the family may read them).
CREATE POLICY member_reads_own_plan_limits ON public.plan_year_limits
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (plan_id = (SELECT app.scope_plan_id()));
CREATE POLICY member_reads_own_plan_services ON public.plan_service_benefits
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (plan_id = (SELECT app.scope_plan_id()));
-- Reference data, the same for everyone.
CREATE POLICY anyone_reads_denial_reasons ON public.denial_reasons
  AS PERMISSIVE FOR SELECT TO claims_member, claims_owner
  USING (true);

-- ---------------------------------------------------------------- member views
-- security_barrier: the view's own conditions run before any condition a member query adds.
CREATE VIEW public.plan_benefits WITH (security_barrier = true) AS
  SELECT sp.member_id, sp.plan_name, sp.plan_type, sp.coverage_level, sp.family_deductible_kind,
         l.plan_year, l.network, l.deductible_individual, l.deductible_family, l.oop_max_individual,
         l.oop_max_family
  FROM app.scope_plan() sp
  JOIN public.plan_year_limits l ON l.plan_id = sp.plan_id;

CREATE VIEW public.plan_cost_sharing WITH (security_barrier = true) AS
  SELECT sp.member_id, b.plan_year, b.service_category, b.network, b.covered, b.copay, b.coinsurance_percent,
         b.deductible_applies, b.visit_limit
  FROM app.scope_plan() sp
  JOIN public.plan_service_benefits b ON b.plan_id = sp.plan_id;

-- The family row a person may read: the family's own totals when they may see everyone; otherwise
-- the sum over the people they may see (includes_everyone = false), which reveals nothing they
-- could not add up from those people's own rows.
CREATE VIEW public.family_accumulators WITH (security_barrier = true) AS
  SELECT t.member_id, t.plan_year, t.network, t.deductible_met, t.oop_met,
         (SELECT count(*) FROM public.accumulators a
          WHERE a.member_id = t.member_id AND a.plan_year = t.plan_year AND a.network = t.network)::integer
           AS people_included,
         true AS includes_everyone, t.as_of_date
  FROM public.family_accumulator_totals t
  UNION ALL
  SELECT a.member_id, a.plan_year, a.network, sum(a.deductible_met)::numeric(10, 2),
         sum(a.oop_met)::numeric(10, 2), count(*)::integer, false, max(a.as_of_date)
  FROM public.accumulators a
  WHERE NOT (SELECT app.scope_sees_whole_family())
  GROUP BY a.member_id, a.plan_year, a.network;

-- ---------------------------------------------------------------- indexes and grants
CREATE INDEX accumulators_member_year ON public.accumulators (member_id, plan_year);
CREATE INDEX visit_counts_member_year ON public.visit_counts (member_id, plan_year);

REVOKE ALL ON public.denial_reasons, public.plan_year_limits, public.plan_service_benefits, public.accumulators,
  public.family_accumulator_totals, public.visit_counts, public.plan_benefits, public.plan_cost_sharing,
  public.family_accumulators FROM PUBLIC;

-- claims_member: the catalog's relations and columns, by column (as for claims_history, migration
-- 051), nothing else; person_id stays unreadable.
GRANT SELECT (member_id, plan_name, plan_type, coverage_level, family_deductible_kind, plan_year, network,
  deductible_individual, deductible_family, oop_max_individual, oop_max_family) ON public.plan_benefits TO claims_member;
GRANT SELECT (member_id, plan_year, service_category, network, covered, copay, coinsurance_percent,
  deductible_applies, visit_limit) ON public.plan_cost_sharing TO claims_member;
GRANT SELECT (member_id, plan_year, network, deductible_met, oop_met, people_included, includes_everyone, as_of_date)
  ON public.family_accumulators TO claims_member;
GRANT SELECT (reason_code, group_code, title, explanation, next_steps) ON public.denial_reasons TO claims_member;
GRANT SELECT (member_id, member_name, relationship_code, plan_year, network, deductible_met, oop_met, as_of_date)
  ON public.accumulators TO claims_member;
GRANT SELECT (member_id, member_name, relationship_code, plan_year, service_category, visits_used, as_of_date)
  ON public.visit_counts TO claims_member;

-- Admin tooling reads everything (claims members).
GRANT SELECT ON public.denial_reasons, public.plan_year_limits, public.plan_service_benefits, public.accumulators,
  public.family_accumulator_totals, public.visit_counts TO claims_admin;
CREATE POLICY admin_reads_accumulators ON public.accumulators FOR SELECT TO claims_admin USING (true);
CREATE POLICY admin_reads_visit_counts ON public.visit_counts FOR SELECT TO claims_admin USING (true);
CREATE POLICY admin_reads_family_totals ON public.family_accumulator_totals FOR SELECT TO claims_admin USING (true);
CREATE POLICY admin_reads_plan_limits ON public.plan_year_limits FOR SELECT TO claims_admin USING (true);
CREATE POLICY admin_reads_plan_services ON public.plan_service_benefits FOR SELECT TO claims_admin USING (true);
CREATE POLICY admin_reads_denial_reasons ON public.denial_reasons FOR SELECT TO claims_admin USING (true);
