-- More services with yearly visit limits (issue 14: "visit limits where plans have them"). Besides
-- physical therapy, real plans limit chiropractic care and occupational and speech therapy (often
-- 12 to 30 visits a person a year); the seeded plans now do too (src/db/seed/plan-designs.ts).
-- The three category lists of migration 040 (cost sharing, claims, visit counts) gain the new
-- categories; src/schema/catalog.ts SERVICE_CATEGORIES is the same list (test/db/benefits-schema.test.ts).
-- Nothing else changes: grants, policies and views read the columns, not the values.
SET LOCAL ROLE claims_owner;

ALTER TABLE public.plan_service_benefits DROP CONSTRAINT plan_service_benefits_service_category_check,
  ADD CONSTRAINT plan_service_benefits_service_category_check CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug',
    'chiropractic', 'occupational_therapy', 'speech_therapy'));

ALTER TABLE public.claims_history DROP CONSTRAINT claims_history_service_category_check,
  ADD CONSTRAINT claims_history_service_category_check CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug',
    'chiropractic', 'occupational_therapy', 'speech_therapy'));

ALTER TABLE public.visit_counts DROP CONSTRAINT visit_counts_service_category_check,
  ADD CONSTRAINT visit_counts_service_category_check CHECK (service_category IN (
    'preventive_care', 'primary_care', 'specialist', 'urgent_care', 'emergency_room', 'hospital_stay', 'lab',
    'imaging', 'physical_therapy', 'mental_health', 'generic_drug', 'preferred_brand_drug', 'non_preferred_drug',
    'chiropractic', 'occupational_therapy', 'speech_therapy'));
