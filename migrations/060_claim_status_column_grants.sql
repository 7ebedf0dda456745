-- claims_history's claim-status and cost-split columns (migration 040) for the member role, as
-- column grants. A later migration may replace the table-level grant with per-column grants of the
-- catalog's columns (member SQL must never read person_id); numbered after those so its REVOKE of
-- the table grant, which also drops column grants made before it, cannot take these away.
-- Harmless while the table-level grant stands.
SET LOCAL ROLE claims_owner;

GRANT SELECT (
  claim_status,
  processed_date,
  denial_code,
  service_category,
  network,
  deductible_amount,
  copay_amount,
  coinsurance_amount,
  not_covered_amount
) ON public.claims_history TO claims_member;
