-- Member SQL sees exactly the schema catalog's columns of claims_history (src/schema/catalog.ts;
-- test/db/column-grants.test.ts compares the grants with the catalog). person_id ties a claim to
-- a person for family privacy: the row-level-security policy reads it, member SQL cannot, so
-- `SELECT *` as the member role is refused by the database instead of returning it.
SET LOCAL ROLE claims_owner;

REVOKE SELECT ON public.claims_history FROM claims_member;
GRANT SELECT (
  claim_id,
  member_id,
  member_name,
  relationship_code,
  claim_type,
  claim_date,
  provider_name,
  diagnosis_code,
  procedure_code,
  ndc_code,
  charged_amount,
  allowed_amount,
  plan_paid_amount,
  patient_responsibility
) ON public.claims_history TO claims_member;
